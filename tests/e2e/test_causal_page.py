"""Browser test of the Causal discovery page on the Sachs sample.

A small fit through the page's widgets, a real mouse click on a node of the plotly
DAG (hover, pause, click: plotly resolves clicks from its hover state) that lists
the node's parents, then a small bootstrap in the background worker that shows the
frequency table and offers the frequency matrix as a CSV download.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.e2e.conftest import (
    assert_no_exception,
    choose,
    screenshot,
    set_number,
    wait_for_app,
    widget_value,
)

pytestmark = pytest.mark.e2e

FIT_TIMEOUT_MS = 300_000  # fits run in a worker process on a shared 2-core machine
N_BOOT = 3


def _nodes(page) -> list[dict]:
    """Name, centre and hover text holder of each node marker of the DAG."""
    chart = page.locator(".st-key-causal_dag_chart")
    # trace 0 of the figure holds the nodes (engine.plots.dag_figure)
    trace = chart.locator(".scatterlayer .trace").first
    points = trace.locator("path.point")
    points.first.wait_for(timeout=60_000)
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # let the scroll settle before reading positions
    # the names are the last annotations, in node order, after the (empty) arrows
    texts = chart.locator("g.annotation text.annotation-text").all_text_contents()
    labels = [t for t in texts if t]
    assert points.count() == len(labels) == 11
    out = []
    for k in range(points.count()):
        box = points.nth(k).bounding_box()
        assert box is not None, "a node marker is not rendered"
        out.append(
            {
                "name": labels[k],
                "x": box["x"] + box["width"] / 2,
                "y": box["y"] + box["height"] / 2,
            }
        )
    return out


def _panel_text(page) -> str:
    return page.locator(".st-key-causal_node_panel").inner_text()


def test_fit_click_node_and_bootstrap_on_sachs(page, app_url):
    page.goto(f"{app_url}/causal")
    wait_for_app(page)
    page.get_by_role("heading", name="Causal discovery").wait_for()
    page.locator(".st-key-causal_fit button").wait_for()
    wait_for_app(page)
    assert_no_exception(page)
    assert widget_value(page, "causal_sample") == "sachs"

    # a small budget through the generated options form
    page.get_by_text("Method options", exact=True).click()
    set_number(page, "opt_permutahedron_max_iter", 20)
    set_number(page, "opt_permutahedron_n_orderings", 4)
    page.locator(".st-key-causal_fit button").click()
    page.get_by_role("heading", name="Result").wait_for(timeout=FIT_TIMEOUT_MS)
    wait_for_app(page)
    assert_no_exception(page)

    # click the lowest node that is not selected yet: the layered layout puts
    # sources on top, so a node below the top row has at least one parent
    nodes = _nodes(page)
    selected = widget_value(page, "causal_selected_node")
    top = min(n["y"] for n in nodes)
    candidates = [n for n in nodes if n["y"] > top + 1 and n["name"] != selected]
    assert candidates, "the fit left every node in the top row"
    node = max(candidates, key=lambda n: (n["y"], n["x"]))
    hover = page.locator(".st-key-causal_dag_chart .hoverlayer .hovertext")
    try:
        page.mouse.move(node["x"] - 5, node["y"] - 5)
        page.mouse.move(node["x"], node["y"], steps=5)
        hover.first.wait_for(timeout=10_000)
    except Exception:
        screenshot(page, "causal_sachs_hover_failed")
        raise
    hover_text = hover.first.text_content() or ""
    assert node["name"] in hover_text
    page.wait_for_timeout(300)
    page.mouse.click(node["x"], node["y"])
    panel = page.locator(".st-key-causal_node_panel")
    panel.get_by_text(node["name"], exact=True).wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)
    text = _panel_text(page)
    parents_line = next(ln for ln in text.splitlines() if ln.startswith("Parents:"))
    assert parents_line != "Parents: none"
    # the panel lists the parents the chart's hover text names, with weights
    hover_parents = hover_text.split("parents:")[1].split("children:")[0].strip()
    for parent in hover_parents.split(", "):
        assert f"{parent} (" in parents_line
    assert widget_value(page, "causal_selected_node") == node["name"]
    screenshot(page, "causal_sachs_node_clicked")

    # a small bootstrap in the background worker, on local processes
    page.get_by_text("Bootstrap edge confidence").first.click()
    set_number(page, "boot_n", N_BOOT)
    choose(page, "boot_executor", "processes")
    page.locator(".st-key-boot_run button").click()
    results = page.locator(".st-key-boot_results")
    results.get_by_text(f"{N_BOOT} of {N_BOOT} fits of permutahedron").wait_for(
        timeout=FIT_TIMEOUT_MS
    )
    wait_for_app(page)
    assert_no_exception(page)
    assert "(processes, seed 0" in results.inner_text()
    # the frequency table is a canvas grid: check its column headers, then the
    # numbers through the CSV download of the frequency matrix
    table = results.locator('[data-testid="stDataFrame"]')
    table.wait_for()
    table.scroll_into_view_if_needed()
    # the grid's accessible table (fallback content of its canvas) holds the text
    header = table.locator('th[role="columnheader"]')
    header.first.wait_for(state="attached")
    headers = [(h.text_content() or "").strip() for h in header.all()]
    assert {"source", "target", "frequency", "in_consensus"} <= set(headers), headers
    col = headers.index("frequency")
    shown = [
        float(row.locator("td").nth(col).text_content() or "nan")
        for row in table.locator("tbody tr").all()
    ]
    assert shown and shown == sorted(shown, reverse=True), shown
    with page.expect_download() as info:
        page.locator(".st-key-boot_dl_csv button").click()
    with open(info.value.path(), encoding="utf-8") as fh:
        rows = list(csv.reader(io.StringIO(fh.read())))
    assert len(rows) == 12 and len(rows[0]) == 12  # header + 11 nodes
    assert rows[0][1] == "Raf" and rows[1][0] == "Raf"
    values = {round(float(v) * N_BOOT, 6) for row in rows[1:] for v in row[1:]}
    assert values <= {0.0, 1.0, 2.0, 3.0} and max(values) > 0
    assert_no_exception(page)
    screenshot(page, "causal_sachs_bootstrap")


def _columns(page) -> str:
    return page.locator(".st-key-causal_cols_sachs").inner_text()


def _open_causal(page, app_url: str) -> None:
    page.goto(f"{app_url}/causal")
    wait_for_app(page)
    page.locator(".st-key-causal_fit button").wait_for()
    wait_for_app(page)


def _start_fit(page, max_iter: int, patience: int | None = None) -> None:
    """Set the epoch budget in the options form and click Learn DAG."""
    page.get_by_text("Method options", exact=True).click()
    set_number(page, "opt_permutahedron_max_iter", max_iter)
    if patience is not None:
        set_number(page, "opt_permutahedron_patience", patience)
    page.locator(".st-key-causal_fit button").click()


def _fit_small(page) -> None:
    """A 20-epoch fit, waited for until its result shows."""
    _start_fit(page, 20)
    page.get_by_role("heading", name="Result").wait_for(timeout=FIT_TIMEOUT_MS)
    wait_for_app(page)


def test_settings_survive_a_page_switch_while_a_fit_runs(page, app_url):
    # While a fit runs the page polls it from a `run_every` fragment; when that
    # fires after the user left the page, Streamlit evicts the page's widget values
    # (streamlit issue 10805). app.state keeps copies and puts them back.
    _open_causal(page, app_url)
    columns = page.locator(".st-key-causal_cols_sachs")
    columns.locator('[aria-label="Remove Jnk"]').click()
    wait_for_app(page)
    assert "Jnk" not in _columns(page)
    _start_fit(page, 100000, 100000)
    page.locator(".st-key-causal_job_cancel button").wait_for(timeout=FIT_TIMEOUT_MS)
    page.wait_for_timeout(3_000)  # a few polls on this page first

    page.get_by_role("link", name="Data").first.click()
    wait_for_app(page)
    page.wait_for_timeout(3_000)  # the fit's poll fires while the Data page shows
    page.get_by_role("link", name="Causal discovery").first.click()
    wait_for_app(page)
    page.locator(".st-key-causal_job_cancel button").wait_for()
    assert_no_exception(page)
    assert "Jnk" not in _columns(page) and "P38" in _columns(page)
    if not page.locator(".st-key-opt_permutahedron_max_iter input").is_visible():
        page.get_by_text("Method options", exact=True).click()
        wait_for_app(page)
    assert page.locator(".st-key-opt_permutahedron_max_iter input").input_value() == (
        "100000"
    )

    page.locator(".st-key-causal_job_cancel button").click()
    page.get_by_role("heading", name="Result").wait_for(timeout=FIT_TIMEOUT_MS)
    wait_for_app(page)
    assert_no_exception(page)
    assert "stopped early on request" in page.locator("body").inner_text()


def test_a_fit_left_by_a_closed_tab_does_not_block_other_sessions(page, app_url):
    # the server has one worker: tab A's endless fit would queue tab B's forever
    browser = page.context.browser
    tab_a = browser.new_context().new_page()
    _open_causal(tab_a, app_url)
    _start_fit(tab_a, 100000, 100000)
    tab_a.locator(".st-key-causal_job_cancel button").wait_for(timeout=FIT_TIMEOUT_MS)
    tab_a.context.close()  # the user closes the tab without cancelling

    _open_causal(page, app_url)
    # tab A's session is stopped after app.jobs.ABANDON_S (30 s) without a browser
    _fit_small(page)
    assert_no_exception(page)
    text = page.locator("body").inner_text()
    assert "epochs (" in text and "stopped early on request" not in text


def _truth_caption(page) -> str:
    caption = page.locator('[data-testid="stCaptionContainer"]')
    caption = caption.filter(has_text="Scored against")
    caption.first.wait_for()
    return caption.first.inner_text()


def test_an_uploaded_truth_survives_a_bad_replacement_and_a_page_switch(
    page, app_url, tmp_path
):
    good = tmp_path / "two.csv"
    good.write_text("source,target\nRaf,Mek\nMek,Erk\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target\nRaf,NoSuchNode\n", encoding="utf-8")
    _open_causal(page, app_url)
    _fit_small(page)

    def open_comparison() -> None:
        page.get_by_role("tab", name="Comparison").click()
        wait_for_app(page)

    open_comparison()
    assert "the sample's known graph (17 edges)" in _truth_caption(page)
    uploader = page.locator('.st-key-causal_truth_file input[type="file"]')
    uploader.set_input_files(str(good))
    wait_for_app(page)
    assert "the uploaded true graph 'two.csv' (2 edges)" in _truth_caption(page)
    uploader.set_input_files(str(bad))  # the browser replaces the file
    wait_for_app(page)
    page.get_by_text("NoSuchNode").first.wait_for()
    assert "the uploaded true graph 'two.csv' (2 edges)" in _truth_caption(page)

    page.get_by_role("link", name="Data").first.click()
    wait_for_app(page)
    page.get_by_role("link", name="Causal discovery").first.click()
    wait_for_app(page)
    open_comparison()
    assert "the uploaded true graph 'two.csv' (2 edges)" in _truth_caption(page)
    page.locator(".st-key-causal_truth_forget button").click()
    wait_for_app(page)
    open_comparison()
    assert "the sample's known graph (17 edges)" in _truth_caption(page)
    assert_no_exception(page)
