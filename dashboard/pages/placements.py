"""Placements and costs: What do we buy and what does it achieve?"""

from __future__ import annotations

from dashboard.components import page


def render() -> None:
    """Draw the page (coming: being built now)."""
    page.header("Placements and costs", "What do we buy and what does it achieve?")
    page.no_data("This page is coming: it is being built now.")


if __name__ == "__main__":
    render()
