"""Browser test: explain a row of the breast cancer sample on the Explain page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def test_explain_a_breast_cancer_row_shows_the_plots(app_url, page) -> None:
    page.goto(f"{app_url}/explain")
    wait_for_app(page)
    page.get_by_text("Explain a classifier").first.wait_for()
    # breast cancer is the first table; train the default logistic regression
    page.get_by_role("button", name="Train model").click()
    page.get_by_text("held out").first.wait_for(timeout=120_000)
    wait_for_app(page)
    page.get_by_role("button", name="Explain this row").click()
    page.get_by_text("Most likely to flip it").first.wait_for(timeout=120_000)
    wait_for_app(page)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    charts.nth(2).wait_for(timeout=60_000)
    assert charts.count() >= 3
    page.get_by_text("Which features turn class A into class B?").wait_for()
    charts.nth(1).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "explain_breast_cancer_row")
    assert_no_exception(page)
