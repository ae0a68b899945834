"""Browser test of the prior-knowledge editor on the Causal discovery page.

The editors are canvas grids: a row is added with the toolbar's "Add row", each
cell is opened with a click and Enter, and a node is picked from the drop-down
(or a tier typed). The values must stay in the grid, in the saved CSV, after a
visit to another page, and in the fit: a required edge the data do not suggest
(Raf -> Jnk) is in the learned graph. The weight threshold then hides all but the
strongest edges, one of which, reversed with "Add to prior knowledge", shows in the
editor as two rows. A column removed after the fit leaves the result on screen
under a note naming what it was made on.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.e2e.conftest import (
    assert_no_exception,
    screenshot,
    set_number,
    wait_for_app,
)
from tests.e2e.test_causal_page import FIT_TIMEOUT_MS

pytestmark = pytest.mark.e2e

EDGE_COLUMNS = ["source", "target", "kind"]


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


def _expect_grid(page, box: str, header: list[str], rows: list[list[str]]) -> None:
    """Wait until the editor shows ``header`` and ``rows``: the accessible table
    follows the canvas a moment after an edit."""
    for _ in range(20):
        if _grid_rows(page, box) == (header, rows):
            return
        page.wait_for_timeout(250)
    assert _grid_rows(page, box) == (header, rows)


def _open_cell(page, box: str, column: int, n_columns: int, editor) -> None:
    """Open the cell of the first row in ``column`` (1, 2, ...) for editing.

    The cell is clicked (the columns share the width about equally; the header
    is 35 px high) and opened with Enter until ``editor`` shows: the first click
    after a rerun may only focus the grid.
    """
    grid = page.locator(f'.st-key-{box} [data-testid="stDataFrameResizable"]')
    cell = page.locator(f'.st-key-{box} [data-testid="glide-cell-{column}-0"]')
    for _ in range(5):
        area = grid.bounding_box()
        assert area is not None
        x = area["x"] + (column - 0.5) / n_columns * area["width"] + 10
        page.mouse.click(x, area["y"] + 35 + 17)
        page.wait_for_timeout(300)
        if cell.get_attribute("aria-selected") == "true" and not editor.is_visible():
            page.keyboard.press("Enter")
            page.wait_for_timeout(300)
        if editor.is_visible():
            return
    raise AssertionError(f"cell {column} of {box} did not open")


def _settle(page) -> None:
    wait_for_app(page)
    page.wait_for_timeout(300)
    wait_for_app(page)


def _pick(page, box: str, column: int, n_columns: int, option: str) -> None:
    """Pick ``option`` in the drop-down of a cell of the first row."""
    menu = page.locator('#portal [role="listbox"]')
    _open_cell(page, box, column, n_columns, menu)
    for _ in range(3):  # a click while the menu still moves can miss
        menu.get_by_role("option", name=option, exact=True).click()
        for _ in range(20):
            if not menu.is_visible():
                break
            page.wait_for_timeout(250)
        if not menu.is_visible():
            break
    assert not menu.is_visible(), f"{option!r} was not picked"
    _settle(page)


def _type(page, box: str, column: int, n_columns: int, text: str) -> None:
    """Type ``text`` into a number cell of the first row."""
    field = page.locator("#portal input.gdg-input")
    _open_cell(page, box, column, n_columns, field)
    field.fill(text)
    assert field.input_value() == text
    field.press("Enter")
    field.wait_for(state="hidden")
    _settle(page)


def _saved(page, kind: str) -> list[list[str]]:
    with page.expect_download() as info:
        page.locator(f".st-key-prior_{kind}_dl button").click()
    with open(info.value.path(), encoding="utf-8") as fh:
        return list(csv.reader(io.StringIO(fh.read())))


def _add_row(page, box: str) -> None:
    """Click the editor's "Add row" (its toolbar shows while the mouse is over it)."""
    editor = page.locator(f".st-key-{box}")
    button = editor.get_by_role("button", name="Add row")
    editor.scroll_into_view_if_needed()
    for _ in range(5):
        page.mouse.move(0, 0)
        editor.hover()
        page.wait_for_timeout(500)
        if button.is_visible():
            break
    button.click()
    _settle(page)


def test_an_added_edge_row_keeps_its_picks_and_is_used_by_the_fit(page, app_url):
    page.goto(f"{app_url}/causal")
    wait_for_app(page)
    page.locator(".st-key-causal_fit button").wait_for()
    wait_for_app(page)
    _open_prior(page)
    _add_row(page, "prior_edges_box")
    _expect_grid(page, "prior_edges_box", EDGE_COLUMNS, [["", "", "forbidden"]])
    try:
        _pick(page, "prior_edges_box", 1, 3, "Raf")
        _expect_grid(page, "prior_edges_box", EDGE_COLUMNS, [["Raf", "", "forbidden"]])
        _pick(page, "prior_edges_box", 2, 3, "Jnk")
        _pick(page, "prior_edges_box", 3, 3, "required")
        # the tiers editor, likewise
        _add_row(page, "prior_tiers_box")
        _pick(page, "prior_tiers_box", 1, 2, "Raf")
        _type(page, "prior_tiers_box", 2, 2, "0")
    except Exception:
        screenshot(page, "causal_prior_pick_failed")
        raise
    # (no index column)
    _expect_grid(page, "prior_edges_box", EDGE_COLUMNS, [["Raf", "Jnk", "required"]])
    _expect_grid(page, "prior_tiers_box", ["node", "tier"], [["Raf", "0"]])
    assert_no_exception(page)
    assert _saved(page, "edges") == [
        ["source", "target", "kind"],
        ["Raf", "Jnk", "required"],
    ]
    assert _saved(page, "tiers") == [["node", "tier"], ["Raf", "0"]]

    # the row outlives a visit to another page
    page.get_by_role("link", name="Data").first.click()
    wait_for_app(page)
    page.get_by_role("link", name="Causal discovery").first.click()
    wait_for_app(page)
    page.locator(".st-key-causal_fit button").wait_for()
    _open_prior(page)
    _expect_grid(page, "prior_edges_box", EDGE_COLUMNS, [["Raf", "Jnk", "required"]])
    _expect_grid(page, "prior_tiers_box", ["node", "tier"], [["Raf", "0"]])

    # and the fit enforces it
    page.get_by_text("Method options", exact=True).click()
    set_number(page, "opt_permutahedron_max_iter", 10)
    set_number(page, "opt_permutahedron_n_orderings", 4)
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

    # the weight threshold at its top keeps the strongest edge(s) only
    # (the thumb holds a hidden range input that takes the keys)
    thumb = page.locator('.st-key-causal_weight_threshold input[type="range"]')
    thumb.focus()
    thumb.press("End")
    wait_for_app(page)
    shown = page.locator('[data-testid="stCaptionContainer"]').filter(
        has_text="learned edges shown"
    )
    shown.first.wait_for()
    n_shown = int(shown.first.inner_text().split(" of ")[0])
    assert 1 <= n_shown < len(edges) - 1, shown.first.inner_text()
    assert_no_exception(page)

    # a shown edge, reversed, goes into the prior editor as two rows
    page.get_by_role("tab", name="Edges").click()
    wait_for_app(page)
    page.locator(".st-key-causal_edit_edges input").click()
    page.keyboard.press("ArrowDown")  # opens the list of options
    options = page.get_by_role("option")
    options.first.wait_for()
    assert options.count() == n_shown
    label = options.first.inner_text()
    source, target = label.split(" (")[0].split(" → ")
    options.first.click()
    wait_for_app(page)
    page.locator(".st-key-causal_edit_action").get_by_text(
        "reverse (forbid it, require the opposite)"
    ).click()
    wait_for_app(page)
    # (a button with help text is drawn twice, once hidden for sizing)
    page.locator(".st-key-causal_edit_add button").first.click()
    wait_for_app(page)
    added = page.locator('[data-testid="stAlert"]').filter(
        has_text="Added to the prior knowledge: reverse"
    )
    added.wait_for()
    assert_no_exception(page)
    rows = [["Raf", "Jnk", "required"]]
    rows = [r for r in rows if r[:2] not in ([source, target], [target, source])]
    rows += [[source, target, "forbidden"], [target, source, "required"]]
    page.locator(".st-key-prior_edges_box").scroll_into_view_if_needed()
    _expect_grid(page, "prior_edges_box", EDGE_COLUMNS, rows)
    saved = _saved(page, "edges")  # (forbidden edges first, then required)
    assert saved[0] == EDGE_COLUMNS and sorted(saved[1:]) == sorted(rows)
    screenshot(page, "causal_prior_edge_reversed")

    # a column removed afterwards: the result stays, under a note saying so (a
    # column the prior does not name, so that the prior stays usable)
    gone = next(c for c in ("P38", "PIP2", "Plcg") if c not in (source, target))
    columns = page.locator(".st-key-causal_cols_sachs")
    columns.locator(f'[aria-label="Remove {gone}"]').click()
    wait_for_app(page)
    note = page.locator('[data-testid="stAlert"]').filter(
        has_text="The result below was made on sachs with 11 columns"
    )
    note.wait_for()
    text = note.inner_text()
    assert f"the columns (now without {gone}) and the prior knowledge changed" in text
    assert page.get_by_role("heading", name="Result").is_visible()
    assert_no_exception(page)


def test_a_refused_prior_file_leaves_the_uploader_empty_and_metrics_read_whole(
    page, app_url, tmp_path
):
    # at 1280 px the uploader kept a refused file's name as if loaded, and the
    # metrics grid cut the conventions ("... (Henckel et a")
    from app.views.causal import METRIC_NOTES
    from tests.e2e.test_causal_page import _fit_small, _open_causal

    page.set_viewport_size({"width": 1280, "height": 900})
    bad = tmp_path / "prior_malformed.csv"
    bad.write_text("src,dst\nRaf\nMek,Erk,Akt,Jnk\n", encoding="utf-8")
    _open_causal(page, app_url)
    _open_prior(page)
    uploader = page.locator('[class*="st-key-prior_edges_file"]')
    uploader.locator('input[type="file"]').set_input_files(str(bad))
    wait_for_app(page)
    error = page.locator('[data-testid="stAlert"]').filter(
        has_text="prior_malformed.csv cannot be used"
    )
    error.wait_for()
    text = error.inner_text()
    assert "The edge file needs the header columns" in text
    assert "(found ['src', 'dst'])" in text and "It was not loaded" in text
    assert "prior_malformed.csv" not in uploader.inner_text()
    screenshot(page, "causal_prior_refused_file")

    _fit_small(page)
    page.get_by_role("tab", name="Comparison").click()
    wait_for_app(page)
    table = page.locator(".st-key-causal_metrics table")
    table.wait_for()
    cell = table.locator("td").filter(has_text="Henckel")
    assert cell.inner_text().strip() == METRIC_NOTES["ancestor_aid"]
    # wrapped in its cell, not cut: nothing overflows and it ends inside the window
    assert cell.evaluate("c => c.scrollWidth <= c.clientWidth")
    box = cell.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    assert_no_exception(page)
    screenshot(page, "causal_metrics_1280")
