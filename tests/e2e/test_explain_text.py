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
    train_and_explain_row,
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
    train_and_explain_row(page, "Values explained")
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
