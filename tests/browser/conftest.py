"""Browser fixtures: the demo warehouse served by `seip serve`, and Debian's Chromium."""

from __future__ import annotations

import pytest
from harness import launch, serve


@pytest.fixture(scope="session")
def served(demo_db):
    """Base URL of a dashboard serving the demo warehouse (stopped at the end of the session)."""
    with serve(demo_db) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh tab (and session) at desktop width."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()
