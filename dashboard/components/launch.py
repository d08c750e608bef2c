"""Start Streamlit on the router (`seip serve` runs `python -m dashboard.components.launch run ...`).

Streamlit treats a folder named `pages/` beside the main script as an old-style multipage
app until the first `st.navigation` call of the server process, so the first visitor after a
start would get the folder's file names as navigation and "Page not found" for a linked
page. Our pages live in `dashboard/pages/` and the router uses `st.navigation`, so the flag
is cleared before the server starts. The toolbar is set to the viewer's (no "Deploy").
"""

from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli


def main() -> None:
    """Run the Streamlit command line with the old-style pages folder switched off."""
    PagesManager.uses_pages_directory = False
    if sys.argv[1:2] == ["run"] and not any(a.startswith("--client.toolbarMode") for a in sys.argv):
        # people using the dashboard get no "Deploy" button or developer menu
        sys.argv.append("--client.toolbarMode=viewer")
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
