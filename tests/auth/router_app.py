"""The real router (dashboard/app.py), run for AppTest from this folder, which has no `pages/`
subfolder: AppTest would otherwise rerun a page file on its own, without the router."""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py"), run_name="__main__")
