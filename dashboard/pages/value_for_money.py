"""Value for money: What does avoiding an exclusion cost, and what does it save?"""

from __future__ import annotations

from dashboard.components import page


def render() -> None:
    """Draw the page (coming: being built now)."""
    page.header("Value for money", "What does avoiding an exclusion cost, and what does it save?")
    page.no_data("This page is coming: it is being built now.")


if __name__ == "__main__":
    render()
