"""School view: How is my school doing within the partnership?"""

from __future__ import annotations

from dashboard.components import page


def render() -> None:
    """Draw the page (coming: being built now)."""
    page.header("School view", "How is my school doing within the partnership?")
    page.no_data("This page is coming: it is being built now.")


if __name__ == "__main__":
    render()
