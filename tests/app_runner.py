"""The real router (dashboard/app.py), run for AppTest from a folder that has no `pages/`
subfolder.

Streamlit (AppTest included, on every run) treats a `pages/` folder beside the main script as
an old-style multipage app, which would run a page file on its own, without the router, its
sign-in and its banner (see dashboard/components/launch.py). From here it runs the real
dashboard/app.py as the main script.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py"), run_name="__main__")
