"""Browser smoke test: every page of the navigation opens on its default sample.

The links are read from the sidebar navigation, so a page added to
``app/streamlit_app.py`` is covered without editing this test. Each page is opened in
a fresh session (its defaults: the Data page's Sachs sample, the pages' first
tables), must finish its script run without an exception element, and leaves a
screenshot in test-artifacts/.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

NAV_LINK = '[data-testid="stSidebarNav"] a'


def test_every_page_opens_on_its_default_sample(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    assert_no_exception(page)
    links = page.locator(NAV_LINK)
    links.first.wait_for()
    targets = []
    for k in range(links.count()):
        link = links.nth(k)
        title = link.inner_text().strip().splitlines()[-1].strip()  # after the icon
        targets.append((title, link.get_attribute("href")))
    titles = [title for title, _ in targets]
    assert len(targets) >= 4, titles
    for wanted in ("Data", "Causal discovery", "Explain a classifier", "Learn a graph"):
        assert wanted in titles, titles

    for title, href in targets:
        page.goto(href if href.startswith("http") else f"{app_url}/{href.lstrip('/')}")
        wait_for_app(page)
        main = page.locator('[data-testid="stMain"]')
        main.locator("h1, h2, h3").first.wait_for(timeout=120_000)
        # let late elements (charts, tables) render before the check
        page.wait_for_timeout(1000)
        wait_for_app(page)
        assert_no_exception(page)
        assert main.inner_text().strip(), f"page {title!r} is empty"
        slug = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
        screenshot(page, f"page_{slug}_default")
