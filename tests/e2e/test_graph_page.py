"""Browser test of the Learn-a-graph page: a small LDS fit on wine."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def _set_number(page, label: str, value: int) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    wait_for_app(page)


def test_fit_wine_shows_accuracy_table_and_graph(page, app_url):
    page.goto(f"{app_url}/graph")
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_role("heading", name="Learn a graph").wait_for()
    page.get_by_text("Options").click()
    _set_number(page, "Max outer iterations", 3)
    _set_number(page, "Patience (outer)", 2)
    _set_number(page, "Max inner steps", 20)
    _set_number(page, "Graph samples for prediction", 2)
    page.get_by_role("button", name="Fit").click()
    page.get_by_text("Test accuracy").first.wait_for(timeout=180_000)
    wait_for_app(page)
    assert_no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    main.locator('[data-testid="stTable"]').first.wait_for()
    text = main.inner_text()
    assert "Validation accuracy" in text and "Homophily" in text
    # the learned graph, the histogram, the accuracy bars and the curves
    charts = main.locator('[data-testid="stPlotlyChart"]')
    charts.first.wait_for()
    # the charts arrive one by one after the first: wait for the fourth
    charts.nth(3).wait_for(timeout=30_000)
    assert charts.count() >= 4
    assert page.get_by_text("Learned graph:").count() >= 1
    assert_no_exception(page)
    screenshot(page, "graph_page_wine_fit")
    # at 800 px the metric labels, the accuracy table and the download buttons
    # were cut ("Validati…", "Learned graph (G…"): each shows whole
    page.set_viewport_size({"width": 800, "height": 1000})
    page.wait_for_timeout(1500)
    for label in ("Validation accuracy", "Expected edges", "Homophily"):
        _assert_not_cut(main.locator('[data-testid="stMetricLabel"]', has_text=label))
    for label in ("GML: learned graph", "DOT: learned graph"):
        _assert_not_cut(main.get_by_role("button", name=label))
    _assert_not_cut(main.locator('[data-testid="stTable"]'))
    screenshot(page, "graph_page_wine_fit_800")


def _assert_not_cut(locator) -> None:
    """The element's text is not clipped: its content fits its box."""
    box = locator.first
    box.wait_for()
    clipped = box.evaluate(
        "e => [e, ...e.querySelectorAll('*')].some("
        "n => n.scrollWidth > n.clientWidth + 1 && n.clientWidth > 0)"
    )
    assert not clipped, box.inner_text()
