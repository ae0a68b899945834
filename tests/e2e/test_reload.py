"""Browser test: a reload (F5) keeps the session's data, settings and results.

A sample picked on the Data page, a fit started on the Causal discovery page and
the page reloaded while it runs: the new session shows the fit's progress, cancels
it and receives its partial result; reloaded again, the page shows the same result
at once, without a refit, with the same settings.
The session key stays in the URL across page switches and reloads; a tab opened on
the bare URL gets its own, empty session.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import (
    assert_no_exception,
    choose,
    screenshot,
    set_number,
    wait_for_app,
    widget_value,
)

pytestmark = pytest.mark.e2e

FIT_TIMEOUT_MS = 300_000  # fits run in a worker process on a shared 2-core machine
SAMPLE = "linear_gaussian"
MAX_ITER = 100_000  # minutes of epochs: Cancel stops the fit long before


def _key(page) -> str:
    """The session key in the page's URL."""
    keys = parse_qs(urlparse(page.url).query).get("session")
    assert keys and len(keys) == 1, page.url
    return keys[0]


def _result_caption(page) -> str:
    """The result's summary line: label, edges, epochs, seed and fit time."""
    page.get_by_role("heading", name="Result").wait_for(timeout=FIT_TIMEOUT_MS)
    wait_for_app(page)
    caption = page.locator('[data-testid="stCaptionContainer"]').filter(
        has_text=re.compile(r"epochs? \(")
    )
    caption.first.wait_for()
    return caption.first.inner_text()


def _reload(page) -> None:
    page.reload()
    wait_for_app(page)
    page.get_by_role("heading", name="Causal discovery").wait_for()
    assert_no_exception(page)


def test_reload_keeps_the_sample_a_running_fit_and_its_result(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    key = _key(page)
    choose(page, "data_sample", SAMPLE)
    page.get_by_role("link", name="Causal discovery").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Causal discovery").wait_for()
    assert _key(page) == key  # a page switch keeps the key
    assert widget_value(page, "causal_sample") == SAMPLE
    # a fit that runs until it is cancelled (no early stop)
    page.get_by_text("Method options", exact=True).click()
    set_number(page, "opt_permutahedron_max_iter", MAX_ITER)
    set_number(page, "opt_permutahedron_patience", MAX_ITER)
    set_number(page, "opt_permutahedron_n_orderings", 4)
    page.locator(".st-key-causal_fit button").click()
    cancel = page.locator(".st-key-causal_job_cancel button")
    cancel.wait_for()

    # reloaded while the fit runs: the new session shows its progress and can
    # cancel it, and the (partial) result lands
    _reload(page)
    assert _key(page) == key
    # (a fit cancelled while it waits for the worker would not start at all)
    running = page.locator('[data-testid="stProgress"]').filter(has_text="running")
    running.wait_for(timeout=FIT_TIMEOUT_MS)
    cancel.click()
    caption = _result_caption(page)
    assert caption.startswith(SAMPLE) and "stopped early on request" in caption
    assert_no_exception(page)
    screenshot(page, "reload_result_after_running_reload")

    # reloaded once more: the same result (same fit time), no fit running, and the
    # page's settings as they were
    _reload(page)
    assert _key(page) == key
    page.get_by_role("heading", name="Result").wait_for(timeout=10_000)
    assert _result_caption(page) == caption
    assert cancel.count() == 0
    assert widget_value(page, "causal_sample") == SAMPLE
    page.get_by_text("Method options", exact=True).click()
    assert widget_value(page, "opt_permutahedron_max_iter") == str(MAX_ITER)
    assert widget_value(page, "opt_permutahedron_n_orderings") == "4"
    page.get_by_role("link", name="Data").click()
    wait_for_app(page)
    assert widget_value(page, "data_sample") == SAMPLE
    assert _key(page) == key
    assert_no_exception(page)

    # a tab on the bare URL starts its own session: another key, no result
    other = page.context.new_page()
    other.goto(f"{app_url}/causal")
    wait_for_app(other)
    other.get_by_role("heading", name="Causal discovery").wait_for()
    assert _key(other) != key
    assert other.get_by_role("heading", name="Result").count() == 0
    assert_no_exception(other)
