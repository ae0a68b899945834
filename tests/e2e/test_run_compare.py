"""Browser test of the Compare runs tab's metrics table at 1280 px.

The columns were headed by the whole run labels ("A (#1 dagdb imle (max_iter=100),
seed 0 on simulated ER1.5 d=5 n=200 (gaussian_ev, ..."), each ~500 px wide, so run
B's values sat off-screen and its column looked empty. The widget is served on its
own (two stored runs with long labels, a sidebar as the app has) to keep the test
short: no fits in the browser.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _need_browser,
    assert_no_exception,
    screenshot,
    serve,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

WIDTH = 1280

SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import streamlit as st

    from app.components.run_compare import render_run_comparison
    from engine.dag import DagResult

    st.set_page_config(layout="wide")
    st.sidebar.write("Structure Lab")
    names = ("x1", "x2", "x3", "x4", "x5")
    truth = np.eye(5, k=1, dtype=bool)
    label = (
        "simulated ER1.5 d=5 n=200 (gaussian_ev, linear, standardised columns, "
        "seed 0)"
    )

    def run(seed, adjacency):
        result = DagResult(
            adjacency=adjacency,
            weights=adjacency.astype(float),
            node_names=names,
            method="dagdb",
            config={"estimator": "imle", "max_iter": 100, "lam": 5.0, "mu": 0.5},
            seed=seed,
        )
        return {"result": result, "truth": truth, "label": label}

    other = truth.copy()
    other[0, 1], other[1, 2], other[2, 1] = False, False, True
    render_run_comparison([run(0, truth), run(1, other)], key="cmp")
    """
)


def test_both_runs_values_are_within_the_viewport_at_1280_px(tmp_path: Path):
    _need_browser()
    from playwright.sync_api import sync_playwright

    script = tmp_path / "compare.py"
    script.write_text(SCRIPT, encoding="utf-8")
    with serve(script) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_context(
                viewport={"width": WIDTH, "height": 900}
            ).new_page()
            page.set_default_timeout(60_000)
            page.goto(url)
            wait_for_app(page)
            assert_no_exception(page)
            table = page.locator(".st-key-cmp_metrics table")
            table.wait_for()
            table.scroll_into_view_if_needed()
            header = [h.inner_text().strip() for h in table.locator("thead th").all()]
            assert header == ["metric", "A", "B", "convention"]
            rows = table.locator("tbody tr").all()
            assert len(rows) == 12
            for row in rows:
                cells = row.locator("td, th").all()
                for cell in cells[1:3]:  # the values of A and B
                    assert cell.inner_text().strip(), "an empty value cell"
                    box = cell.bounding_box()
                    assert box is not None
                    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
            screenshot(page, "run_compare_1280")
        finally:
            browser.close()
