"""Browser tests: a real ``streamlit run`` on a free 127.0.0.1 port, driven by
Debian's headless Chromium through Playwright.

The server is started by the module that uses it and stopped at its end. Tests skip
with a reason when Chromium or Playwright is missing; CI installs both.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--enable-unsafe-swiftshader",
]

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with status {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"streamlit did not become healthy within {timeout_s} s")


def _need_browser() -> None:
    """Skip the test when Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    pytest.importorskip("playwright.sync_api")


@contextlib.contextmanager
def serve(script: Path) -> Iterator[str]:
    """``streamlit run script`` on a free loopback port; yields its URL and stops
    the server when the block ends."""
    port = _free_port()
    env = dict(
        os.environ, PYTHONPATH=str(REPO), STREAMLIT_SERVER_FILE_WATCHER_TYPE="none"
    )
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """Serve the app on a free loopback port for one test module."""
    _need_browser()
    with serve(REPO / "app" / "streamlit_app.py") as url:
        yield url


@pytest.fixture
def page(app_url: str) -> Iterator[object]:
    """A fresh Chromium page; closed with its browser after the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        try:
            yield pg
        finally:
            context.close()
            browser.close()


def wait_for_app(pg: object, timeout_ms: int = 120_000) -> None:
    """Wait until the app is connected and its script has finished running."""
    pg.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout_ms)
    pg.wait_for_selector(
        '[data-test-connection-state="CONNECTED"]', timeout=timeout_ms, state="attached"
    )
    pg.wait_for_timeout(300)
    pg.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]',
        timeout=timeout_ms,
        state="attached",
    )


def widget_value(pg: object, key: str) -> str:
    """The shown value of the number input or select box with this key."""
    return pg.locator(f".st-key-{key} input").input_value()


def set_number(pg: object, key: str, value: int) -> None:
    """Type ``value`` into the number input with this key and wait for the rerun."""
    box = pg.locator(f".st-key-{key} input")
    box.fill(str(value))
    box.press("Enter")
    wait_for_app(pg)
    assert box.input_value() == str(value)


def choose(pg: object, key: str, option: str) -> None:
    """Pick ``option`` in the select box with this key and wait for the rerun."""
    pg.locator(f".st-key-{key} button[aria-label='Open']").click()
    pg.get_by_role("option", name=option, exact=True).click()
    wait_for_app(pg)
    assert widget_value(pg, key) == option


def train_and_explain_row(pg: object, shown: str) -> None:
    """On the Explain page: train the default model, explain the shown row, and
    wait until ``shown`` (a text of the result) is on the page."""
    pg.get_by_role("button", name="Train model").click()
    pg.get_by_text("held out").first.wait_for(timeout=120_000)
    wait_for_app(pg)
    pg.get_by_role("button", name="Explain this row").click()
    pg.get_by_text(shown).first.wait_for(timeout=120_000)
    wait_for_app(pg)


def assert_no_exception(pg: object) -> None:
    """Fail when the page shows a Streamlit exception element."""
    count = pg.locator('[data-testid="stException"]').count()
    assert count == 0, f"the page shows {count} exception element(s)"


def screenshot(pg: object, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path
