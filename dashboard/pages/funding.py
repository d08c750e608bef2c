"""Funding and deprivation: Is the money where the need is?"""

from __future__ import annotations

from dashboard.components import page


def render() -> None:
    """Draw the page (coming: being built now)."""
    page.header("Funding and deprivation", "Is the money where the need is?")
    page.no_data("This page is coming: it is being built now.")


if __name__ == "__main__":
    render()
