"""Browser test: explain a row of the breast cancer sample on the Explain page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    assert_no_exception,
    screenshot,
    train_and_explain_row,
    wait_for_app,
)

pytestmark = pytest.mark.e2e


def test_explain_a_breast_cancer_row_shows_the_plots(app_url, page) -> None:
    page.goto(f"{app_url}/explain")
    wait_for_app(page)
    page.get_by_text("Explain a classifier").first.wait_for()
    # breast cancer is the first table; train the default logistic regression
    train_and_explain_row(page, "Most likely to flip it")
    charts = page.locator('[data-testid="stPlotlyChart"]')
    charts.nth(2).wait_for(timeout=60_000)
    assert charts.count() >= 3
    page.get_by_text("Which features turn class A into class B?").wait_for()
    charts.nth(1).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "explain_breast_cancer_row")
    assert_no_exception(page)


def test_the_heatmap_toolbar_leaves_its_title_clear_at_800_px(app_url, page) -> None:
    # at 800 px the heatmap's toolbar wrapped onto a second row over its title
    page.goto(f"{app_url}/explain")
    wait_for_app(page)
    train_and_explain_row(page, "Most likely to flip it")
    # a window 800 px wide less its scrollbar (a desktop browser draws one)
    page.set_viewport_size({"width": 785, "height": 1000})
    page.wait_for_timeout(1500)
    heatmap = page.locator(".st-key-explain_heatmap")
    heatmap.scroll_into_view_if_needed()
    heatmap.hover()  # the toolbar shows while the mouse is over the figure
    page.wait_for_timeout(800)
    screenshot(page, "explain_heatmap_800")
    bar = heatmap.locator(".modebar").bounding_box()
    title = heatmap.locator(".gtitle").first.bounding_box()
    assert bar is not None and title is not None
    assert bar["y"] + bar["height"] <= title["y"] + 1, (bar, title)
    assert_no_exception(page)
