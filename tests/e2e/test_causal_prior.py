"""Browser test of the prior-knowledge editor on the Causal discovery page.

The edges editor is a canvas grid: a row is added with the toolbar's "Add row",
each cell is opened with a click and Enter, and a node is picked from the
drop-down. The picked values must stay in the grid, in the saved CSV, after a
visit to another page, and in the fit: a required edge the data do not suggest
(Raf -> Jnk) is in the learned graph. A column removed after the fit leaves the
result on screen under a note naming what it was made on.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app
from tests.e2e.test_causal_page import FIT_TIMEOUT_MS, _set_number

pytestmark = pytest.mark.e2e


def _open_prior(page) -> None:
    page.get_by_text("Prior knowledge (forbidden").click()
    wait_for_app(page)
    page.locator(".st-key-prior_edges_box").scroll_into_view_if_needed()


def _grid_rows(page, box: str) -> tuple[list[str], list[list[str]]]:
    """Header and cell texts of an editor (from the grid's accessible table)."""
    editor = page.locator(f".st-key-{box}")
    header = [(h.text_content() or "").strip() for h in editor.locator("th").all()]
    rows = [
        [(c.text_content() or "").strip() for c in row.locator("td").all()]
        for row in editor.locator("tbody tr").all()
    ]
    return header, rows


def _pick(page, box: str, column: int, option: str) -> None:
    """Open the cell of the first row in ``column`` (1, 2, ...) and pick ``option``.

    The cell is clicked (about a third of the width per column, below the 35-px
    header) and opened with Enter until its drop-down shows: the first click
    after a rerun may only focus the grid.
    """
    grid = page.locator(f'.st-key-{box} [data-testid="stDataFrameResizable"]')
    cell = page.locator(f'.st-key-{box} [data-testid="glide-cell-{column}-0"]')
    menu = page.locator('#portal [role="listbox"]')
    for _ in range(5):
        area = grid.bounding_box()
        assert area is not None
        x = area["x"] + (column - 0.5) / 3 * area["width"] + 10
        page.mouse.click(x, area["y"] + 35 + 17)
        page.wait_for_timeout(300)
        if cell.get_attribute("aria-selected") == "true" and not menu.is_visible():
            page.keyboard.press("Enter")
            page.wait_for_timeout(300)
        if menu.is_visible():
            break
    menu.get_by_role("option", name=option, exact=True).click()
    menu.wait_for(state="hidden")
    wait_for_app(page)
    page.wait_for_timeout(300)
    wait_for_app(page)


def _saved_edges(page) -> list[list[str]]:
    with page.expect_download() as info:
        page.locator(".st-key-prior_edges_dl button").click()
    with open(info.value.path(), encoding="utf-8") as fh:
        return list(csv.reader(io.StringIO(fh.read())))


def test_an_added_edge_row_keeps_its_picks_and_is_used_by_the_fit(page, app_url):
    page.goto(f"{app_url}/causal")
    wait_for_app(page)
    page.locator(".st-key-causal_fit button").wait_for()
    wait_for_app(page)
    _open_prior(page)
    editor = page.locator(".st-key-prior_edges_box")
    editor.hover()
    editor.get_by_role("button", name="Add row").click()
    wait_for_app(page)
    assert _grid_rows(page, "prior_edges_box")[1] == [["", "", "forbidden"]]

    try:
        _pick(page, "prior_edges_box", 1, "Raf")
        assert _grid_rows(page, "prior_edges_box")[1] == [["Raf", "", "forbidden"]]
        _pick(page, "prior_edges_box", 2, "Jnk")
        _pick(page, "prior_edges_box", 3, "required")
    except Exception:
        screenshot(page, "causal_prior_pick_failed")
        raise
    header, rows = _grid_rows(page, "prior_edges_box")
    assert header == ["source", "target", "kind"]  # no index column
    assert rows == [["Raf", "Jnk", "required"]]
    assert_no_exception(page)
    assert _saved_edges(page) == [
        ["source", "target", "kind"],
        ["Raf", "Jnk", "required"],
    ]

    # the row outlives a visit to another page
    page.get_by_role("link", name="Data").first.click()
    wait_for_app(page)
    page.get_by_role("link", name="Causal discovery").first.click()
    wait_for_app(page)
    page.locator(".st-key-causal_fit button").wait_for()
    _open_prior(page)
    assert _grid_rows(page, "prior_edges_box") == (
        ["source", "target", "kind"],
        [["Raf", "Jnk", "required"]],
    )

    # and the fit enforces it
    page.get_by_text("Method options").click()
    _set_number(page, "opt_permutahedron_max_iter", 10)
    _set_number(page, "opt_permutahedron_n_orderings", 4)
    page.locator(".st-key-causal_fit button").click()
    page.get_by_role("heading", name="Result").wait_for(timeout=FIT_TIMEOUT_MS)
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_role("tab", name="Downloads").click()
    wait_for_app(page)
    with page.expect_download() as info:
        page.locator(".st-key-dl_csv button").click()
    with open(info.value.path(), encoding="utf-8") as fh:
        edges = {tuple(row[:2]) for row in csv.reader(io.StringIO(fh.read()))}
    assert ("Raf", "Jnk") in edges, edges
    screenshot(page, "causal_prior_required_edge")

    # a column removed afterwards: the result stays, under a note saying so
    columns = page.locator(".st-key-causal_cols_sachs")
    columns.locator('[aria-label="Remove P38"]').click()
    wait_for_app(page)
    note = page.locator('[data-testid="stAlert"]').filter(
        has_text="The result below was made on sachs with 11 columns"
    )
    note.wait_for()
    assert "the columns (now without P38) changed" in note.inner_text()
    assert page.get_by_role("heading", name="Result").is_visible()
    assert_no_exception(page)
