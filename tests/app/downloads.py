"""What a download button of an AppTest offers."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def download(at: AppTest, media: list, key: str) -> tuple[str, bytes]:
    """File name and bytes that the download button ``key`` offers (``media``:
    the fixture of tests/app/conftest.py)."""
    url = at.download_button(key=key).proto.url
    file = media[-1].get_file(url.rsplit("/", 1)[-1])
    return file.filename, file.content
