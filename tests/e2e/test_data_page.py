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


def test_names_with_markdown_and_shortcodes_render_literally(page, app_url):
    # a file and column names that Streamlit's Markdown would turn into a link, an
    # emoji, a formula and struck-through text
    column = ":smile: $y$ ~~s~~"
    data = f"{column},b\n1,2\n,3\n4,5\n".encode()
    page.goto(app_url)
    wait_for_app(page)
    upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    upload.set_input_files(
        {"name": "md_[a](b).csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_text("md_[a](b).csv").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text().replace("\u200b", "")
    assert column in text  # the missing cell's finding names the column as typed
    assert "\U0001f604" not in text  # no smile emoji
    assert main.locator(".katex").count() == 0
    assert main.locator('a[href="b"]').count() == 0
    assert main.locator('[data-testid="stAlert"] del').count() == 0
    screenshot(page, "data_page_literal_names")
