"""Waiting in AppTests for what the background worker does."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest


def wait_until(
    at: AppTest,
    done: Callable[[AppTest], bool],
    timeout_s: float = 180,
    poll_s: float = 0.5,
) -> None:
    """Rerun ``at`` until ``done(at)``; fail on an exception or after the timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        at.run()
        assert not at.exception, at.exception
        if done(at):
            return
        time.sleep(poll_s)
    pytest.fail(f"the background job did not finish within {timeout_s:.0f} s")


def running_with_cancel(job_key: str) -> Callable[[AppTest], bool]:
    """Predicate: the job under ``job_key`` has made progress and shows Cancel.

    Progress is a step, or a share of the work done: a row explained with a
    large budget stays at step 0 of 1 rows until it ends, its blocks of
    samples moving only ``fraction``.
    """
    from app.jobs import get_registry

    def running(at: AppTest) -> bool:
        snapshot = get_registry().snapshot(at.session_state[job_key])
        moved = (snapshot.get("step") or 0) > 0 or (snapshot.get("fraction") or 0) > 0
        return moved and any(b.key == f"{job_key}_cancel" for b in at.button)

    return running
