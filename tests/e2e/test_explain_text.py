"""Browser test: a table with text columns on the Explain page shows text values."""

from __future__ import annotations

import pytest

from app import state
from tests.app.test_explain_text_features import mixed_frame
from tests.e2e.conftest import (
    ARTIFACTS,
    assert_no_exception,
    choose,
    screenshot,
    wait_for_app,
)

pytestmark = pytest.mark.e2e


def test_a_mixed_table_is_explained_with_its_text_values(app_url, page) -> None:
    frame = mixed_frame()
    page.goto(app_url)
    wait_for_app(page)
    upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    upload.set_input_files(
        {
            "name": "mixed.csv",
            "mimeType": "text/csv",
            "buffer": frame.to_csv(index=False).encode(),
        }
    )
    page.get_by_text("mixed.csv").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("link", name="Explain").first.click()
    wait_for_app(page)
    choose(page, state.EXPLAIN_W_TARGET, "label")
    page.get_by_text("are one-hot encoded by the models trained here").wait_for()
    page.get_by_role("button", name="Train model").click()
    page.get_by_text("held out").first.wait_for(timeout=120_000)
    wait_for_app(page)
    page.get_by_role("button", name="Explain this row").click()
    page.get_by_text("Values explained").first.wait_for(timeout=120_000)
    wait_for_app(page)
    values = page.locator(".st-key-explain_values")
    values.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    screenshot(page, "explain_text_values")
    values.screenshot(path=str(ARTIFACTS / "explain_text_values_table.png"))
    # the grid is drawn on a canvas; its accessible table holds the cells' text
    cells = values.locator("table td")
    texts = [cells.nth(i).inner_text().strip() for i in range(cells.count())]
    assert frame.loc[0, "colour"] in texts and frame.loc[0, "city"] in texts, texts
    assert_no_exception(page)


def _editor_cells(editor) -> list[str]:
    """The what-if editor's cells (its accessible table under the canvas)."""
    cells = editor.locator("table td")
    return [cells.nth(i).inner_text().strip() for i in range(cells.count())]


def test_a_number_typed_after_a_select_edit_is_kept(app_url, page) -> None:
    # reported lost: colour set in its select, then a number typed into age. With
    # the pointer moved onto the cell as a hand does, both edits are kept; a
    # click with no move before it after the select's menu closed is ignored by
    # the grid (Streamlit's, also with an input that never changes)
    frame = mixed_frame()
    page.goto(app_url)
    wait_for_app(page)
    upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    upload.set_input_files(
        {
            "name": "mixed.csv",
            "mimeType": "text/csv",
            "buffer": frame.to_csv(index=False).encode(),
        }
    )
    page.get_by_text("mixed.csv").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("link", name="Explain").first.click()
    wait_for_app(page)
    choose(page, state.EXPLAIN_W_TARGET, "label")
    page.get_by_role("button", name="Train model").click()
    page.get_by_text("held out").first.wait_for(timeout=120_000)
    wait_for_app(page)
    editor = page.locator(
        '[class*="st-key-explain_w_edit_"] [data-testid="stDataFrame"]'
    ).first
    editor.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert _editor_cells(editor)[1:] == ["41.3", "blue", "Rome"]
    box = editor.bounding_box()
    # the columns (index, age, colour, city) at 1400 px; the row below the header
    age, colour, y = box["x"] + 100, box["x"] + 400, box["y"] + 54
    page.mouse.move(colour, y, steps=5)
    page.mouse.dblclick(colour, y)
    red = page.get_by_text("red", exact=True).last
    red.wait_for(timeout=10_000)
    red.click()
    page.wait_for_timeout(1500)
    wait_for_app(page)
    assert _editor_cells(editor)[1:] == ["41.3", "red", "Rome"], _editor_cells(editor)
    page.mouse.move(age, y, steps=10)
    page.wait_for_timeout(400)
    page.mouse.click(age, y)
    page.wait_for_timeout(400)
    page.keyboard.type("3", delay=50)
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    wait_for_app(page)
    assert _editor_cells(editor)[1:] == ["3", "red", "Rome"], _editor_cells(editor)
    page.get_by_role("button", name="Explain this row").click()
    said = page.get_by_text("A what-if: row 0 with edited values").first
    said.wait_for(timeout=120_000)
    assert "age 41.3 → 3, colour blue → red" in said.inner_text()
    assert_no_exception(page)
