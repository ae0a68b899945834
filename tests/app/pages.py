"""Moving between the app's pages in AppTest tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest


def upload_table(at: AppTest, name: str, data: bytes) -> None:
    """Upload a table on the Data page, then come back to the Causal page."""
    at.switch_page("views/data.py").run()
    at.file_uploader(key="data_upload").set_value((name, data, "text/csv")).run()
    at.switch_page("views/causal.py").run()
    assert not at.exception, at.exception


APP = str(Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py")


def causal_page() -> AppTest:
    """A fresh session of the app, on the Causal discovery page."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("views/causal.py").run()
    assert not at.exception
    return at
