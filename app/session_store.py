"""A session's durable values kept on the server, so that a reload loses nothing.

A browser reload (or a dropped websocket that Streamlit answers with a new session)
starts a session with empty state. Each session therefore carries a key in its URL
(``?session=<key>``); after every run of the script the durable values of
``st.session_state`` (see :func:`app.state.durable_values`) are saved under that
key in a :class:`SessionStore`, one per server process, and a new session that
arrives with a key this server gave out gets them back once, before any page is
drawn (any other key is replaced: a link with a key chosen by someone else never
opens a session they could read later). A fit still running in the background
worker is handed to the new session (:meth:`app.jobs.JobRegistry.adopt`), which
shows its progress and receives its result. A copied URL opened while its tab is
still open starts a copy under a new key.

The store holds references, not copies: saving is cheap, and a value changed in
place is seen by the next load. It keeps at most :data:`MAX_SESSIONS` keys (the
least recently used key without work is dropped first, see
:func:`app.state.holds_work`) and drops a key unused for :data:`TTL_S` seconds.
``STRUCTURE_LAB_KEEP_SESSIONS=0`` turns the feature off.
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
        # the keys whose values hold work (results, uploads, prior, running fits)
        self._work: set[str] = set()

    def save(
        self,
        key: str,
        values: Mapping[str, Any],
        saved_by: str | None = None,
        *,
        work: bool = True,
    ) -> None:
        """Keep ``values`` (by reference) under ``key``, replacing what it held.

        ``saved_by`` names the Streamlit session that saved them (see
        :meth:`saved_by`). When more than ``max_sessions`` keys are kept, the least
        recently used key without ``work`` is dropped first, so that sessions that
        only looked at the app (every visit gets a key) cannot push out the ones
        that hold results; among keys that all hold work the least recently used
        goes.
        """
        with self._lock:
            now = self._clock()
            self._expire(now)
            self._entries[key] = (now, saved_by, dict(values))
            self._entries.move_to_end(key)
            if work:
                self._work.add(key)
            else:
                self._work.discard(key)
            while len(self._entries) > self._max:
                self._drop_one()

    def _drop_one(self) -> None:
        idle = next((k for k in self._entries if k not in self._work), None)
        key = idle if idle is not None else next(iter(self._entries))
        del self._entries[key]
        self._work.discard(key)

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

    def holds_job(self, job_id: str) -> bool:
        """Whether the values of a kept key point to the background job ``job_id``.

        The job registry keeps a finished job's result while this is true (see
        :class:`app.jobs.JobRegistry`), so that a session reopened later gets it.
        """
        with self._lock:
            self._expire(self._clock())
            return any(
                values.get(job_key) == job_id
                for _, _, values in self._entries.values()
                for job_key in state.JOB_KEYS
            )

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
            self._work.discard(key)


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
    """Give the session its key, and restore its values on its first run.

    Call at the top of the entry script, before any page is drawn. On its first run
    a session takes the URL's key only when this server gave it out and still keeps
    it, and restores the values saved under it; any other key (one the server never
    issued, perhaps chosen by whoever sent the link, or one dropped since) is
    replaced by a new key and the session starts empty. A key whose session is still
    open in another tab (a copied URL) gives a copy of its values under a new key,
    so that neither tab overwrites what the other saved. The key is put back into
    the URL on every run, as a page switch may drop it.
    """
    if not enabled():
        return
    key = st.session_state.get(SESSION_KEY)
    if key is None:
        key = _start(store or get_store())
        st.session_state[SESSION_KEY] = key
    if st.query_params.get_all(QUERY_PARAM) != [key]:
        st.query_params[QUERY_PARAM] = key


def save_session(store: SessionStore | None = None) -> None:
    """Save the session's durable values under its key (after each run)."""
    key = st.session_state.get(SESSION_KEY)
    if key is None or not enabled():
        return
    try:
        values = state.durable_values()
        (store or get_store()).save(
            key, values, _session_id(), work=state.holds_work(values)
        )
    except Exception:  # keeping a copy must never break the page
        logger.exception("saving the session's values failed")


def _start(store: SessionStore) -> str:
    """The key of a session's first run, with its values restored when kept."""
    asked = _url_key()
    values = None if asked is None else store.load(asked)
    if values is None:
        return new_key()

    if _still_open(store.saved_by(asked)):
        # a copied URL while its tab is open: a copy of its own, under a new key;
        # the fits running there stay with that tab
        key, values = new_key(), _copied(values)
        for job_key in state.JOB_KEYS:
            values[job_key] = None
    else:
        key = asked
        for job_key in state.JOB_KEYS:
            if values.get(job_key) is not None and not _adopt(values[job_key]):
                values[job_key] = None  # another open tab shows this job

    for name, value in values.items():
        st.session_state[name] = value
    return key


def _still_open(session_id: str | None) -> bool:
    """Whether ``session_id`` stays connected for :data:`ADOPT_WAIT_S` seconds.

    A reloaded tab's old session can still count as connected for a moment.
    """
    deadline = time.monotonic() + ADOPT_WAIT_S
    while _connected(session_id):
        if time.monotonic() >= deadline:
            return True
        time.sleep(0.1)
    return False


def _copied(values: dict[str, Any]) -> dict[str, Any]:
    try:
        return copy.deepcopy(values)
    except Exception:  # an uncopiable value is shared instead
        logger.warning("copying a shared session's values failed; sharing them")
        return dict(values)


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
