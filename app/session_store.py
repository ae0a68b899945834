"""A session's durable values kept on the server, so that a reload loses nothing.

A browser reload (or a dropped websocket that Streamlit answers with a new session)
starts a session with empty state. Each session therefore carries a key in its URL
(``?session=<key>``); after every run of the script the durable values of
``st.session_state`` (see :func:`app.state.durable_values`) are saved under that
key in a :class:`SessionStore`, one per server process, and a new session that
arrives with a known key gets them back once, before any page is drawn. A fit still
running in the background worker is handed to the new session
(:meth:`app.jobs.JobRegistry.adopt`), which shows its progress and receives its
result.

The store holds references, not copies: saving is cheap, and a value changed in
place is seen by the next load. It keeps at most :data:`MAX_SESSIONS` keys (the
least recently used is dropped first) and drops a key unused for :data:`TTL_S`
seconds. ``STRUCTURE_LAB_KEEP_SESSIONS=0`` turns the feature off.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from app import state

logger = logging.getLogger(__name__)

# Environment variable that turns the feature off ("0", "false", "no" or "off").
ENV_VAR = "STRUCTURE_LAB_KEEP_SESSIONS"
# Keys kept per server process, and seconds a key may go unused before it is dropped.
MAX_SESSIONS = 32
TTL_S = 12 * 3600.0
# The URL's query parameter, and the session-state key holding the session's key
# (set on the session's first run; its presence means "restored already").
QUERY_PARAM = "session"
SESSION_KEY = "session_key"
# Seconds a new session waits for the session that owns a running job to go away
# (a reloaded tab's old session can still count as connected for a moment).
ADOPT_WAIT_S = 2.0

_KEY = re.compile(r"[A-Za-z0-9_-]{22}")
_OFF = {"0", "false", "no", "off"}


def enabled() -> bool:
    """Whether sessions are kept (``STRUCTURE_LAB_KEEP_SESSIONS`` is not off)."""
    return os.environ.get(ENV_VAR, "1").strip().lower() not in _OFF


def new_key() -> str:
    """A fresh, unguessable session key (22 URL-safe characters)."""
    return secrets.token_urlsafe(16)


def valid_key(key: Any) -> bool:
    """Whether ``key`` has the form :func:`new_key` gives."""
    return isinstance(key, str) and _KEY.fullmatch(key) is not None


class SessionStore:
    """Snapshots of session values by session key, bounded in number and age.

    Thread-safe: every session's script thread saves into the same store.

    Parameters
    ----------
    max_sessions : int, default=MAX_SESSIONS
        Keys kept; saving one more drops the least recently used.
    ttl_s : float, default=TTL_S
        A key neither saved nor loaded for this many seconds is dropped.
    clock : callable, default=time.monotonic
        Seconds, for the ages (tests inject their own).
    """

    def __init__(
        self,
        max_sessions: int = MAX_SESSIONS,
        ttl_s: float = TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_sessions < 1:
            raise ValueError(f"max_sessions must be at least 1, got {max_sessions}")
        self._max = max_sessions
        self._ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        # key -> (last use, saving session id, values); least recently used first
        self._entries: OrderedDict[str, tuple[float, str | None, dict[str, Any]]] = (
            OrderedDict()
        )

    def save(
        self, key: str, values: Mapping[str, Any], saved_by: str | None = None
    ) -> None:
        """Keep ``values`` (by reference) under ``key``, replacing what it held.

        ``saved_by`` names the Streamlit session that saved them (see
        :meth:`saved_by`).
        """
        with self._lock:
            now = self._clock()
            self._expire(now)
            self._entries[key] = (now, saved_by, dict(values))
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def load(self, key: str) -> dict[str, Any] | None:
        """The values saved under ``key`` (a new dict of the same values), or None."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries[key] = (now, entry[1], entry[2])
            self._entries.move_to_end(key)
            return dict(entry[2])

    def saved_by(self, key: str) -> str | None:
        """The session that last saved ``key`` (None when unknown or not kept)."""
        with self._lock:
            entry = self._entries.get(key)
            return None if entry is None else entry[1]

    def keys(self) -> list[str]:
        """The kept keys, least recently used first (expired ones dropped)."""
        with self._lock:
            self._expire(self._clock())
            return list(self._entries)

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, key: object) -> bool:
        return key in self.keys()

    def _expire(self, now: float) -> None:
        stale = [k for k, e in self._entries.items() if now - e[0] >= self._ttl_s]
        for key in stale:
            del self._entries[key]


@st.cache_resource(show_spinner=False)
def get_store() -> SessionStore:
    """The server-wide session store."""
    return SessionStore()


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else ctx.session_id


def _connected(session_id: str | None) -> bool:
    """Whether another session with a browser connected is ``session_id``."""
    from streamlit import runtime

    if session_id is None or session_id == _session_id() or not runtime.exists():
        return False
    return runtime.get_instance().is_active_session(session_id)


def _url_key() -> str | None:
    value = st.query_params.get(QUERY_PARAM)
    return value if valid_key(value) else None


def keep_session(store: SessionStore | None = None) -> None:
    """Give the session its URL key, and restore its values on its first run.

    Call at the top of the entry script, before any page is drawn. A session
    without a key takes the URL's (a copied URL shares its session) or a new one
    (a bare URL starts empty); values are restored only from that key. The key is
    put back into the URL on every run, as a page switch may drop it.
    """
    if not enabled():
        return
    key = st.session_state.get(SESSION_KEY)
    if key is None:
        key = _url_key() or new_key()
        _restore(store or get_store(), key)
        st.session_state[SESSION_KEY] = key
    if st.query_params.get(QUERY_PARAM) != key:
        st.query_params[QUERY_PARAM] = key


def save_session(store: SessionStore | None = None) -> None:
    """Save the session's durable values under its key (after each run)."""
    key = st.session_state.get(SESSION_KEY)
    if key is None or not enabled():
        return
    try:
        (store or get_store()).save(key, state.durable_values(), _session_id())
    except Exception:  # keeping a copy must never break the page
        logger.exception("saving the session's values failed")


def _restore(store: SessionStore, key: str) -> None:
    values = store.load(key)
    if not values:
        return
    if _connected(store.saved_by(key)):
        # another open tab shares the key: give this one its own objects
        try:
            values = copy.deepcopy(values)
        except Exception:  # an uncopiable value is shared instead
            logger.warning("restoring a shared session without copying its values")
    for job_key in state.JOB_KEYS:
        if values.get(job_key) is not None and not _adopt(values[job_key]):
            values[job_key] = None  # another open tab shows this job
    for name, value in values.items():
        st.session_state[name] = value


def _adopt(job_id: str) -> bool:
    """Make this session the owner of a job its earlier session started."""
    from app.jobs import get_registry

    registry = get_registry()
    deadline = time.monotonic() + ADOPT_WAIT_S
    while not registry.adopt(job_id):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True
