"""Browser test of the Data page: upload sample_data/wine.csv through the widget."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import REPO, assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def test_upload_wine_shows_preview(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    assert_no_exception(page)
    # the default sample is shown before anything is uploaded
    page.get_by_text("853", exact=True).first.wait_for()
    upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    upload.set_input_files(str(REPO / "sample_data" / "wine.csv"))
    page.get_by_role("heading", name="wine.csv").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)
    preview = page.locator('[data-testid="stDataFrame"]').first
    preview.wait_for()
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "178" in text  # rows metric
    assert "No problems found." in text
    assert (
        page.locator('[data-testid="stAlert"]').filter(has_text="cannot").count() == 0
    )
    screenshot(page, "data_page_wine_upload")
