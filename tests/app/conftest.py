"""Fixtures of the AppTests."""

from __future__ import annotations

import pytest


@pytest.fixture
def media(monkeypatch) -> list:
    """The in-memory media stores of AppTest's runs (the last one is the latest
    run's), so that a test can read what a download button offers
    (:func:`tests.app.downloads.download`)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    stores: list = []

    class Recorded(MemoryMediaFileStorage):
        def __init__(self, endpoint: str) -> None:
            super().__init__(endpoint)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recorded)
    return stores
