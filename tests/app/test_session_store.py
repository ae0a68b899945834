"""The session store: what a reloaded session gets back, and only under its key."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app import session_store, state
from app.jobs import JobRegistry
from app.session_store import SessionStore, new_key, valid_key

APP = str(Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_least_recently_used_session_is_dropped_first():
    store = SessionStore(max_sessions=3)
    for key in "abc":
        store.save(key, {"v": key})
    assert store.load("a") == {"v": "a"}  # a is now the most recently used
    store.save("d", {"v": "d"})
    assert store.keys() == ["c", "a", "d"]
    assert store.load("b") is None
    store.save("c", {"v": "c2"})  # saving counts as a use too
    store.save("e", {"v": "e"})
    assert store.keys() == ["d", "c", "e"]
    assert len(store) == 3 and "a" not in store


def test_a_session_unused_for_the_time_to_live_is_dropped():
    clock = Clock()
    store = SessionStore(ttl_s=100.0, clock=clock)
    store.save("a", {"v": 1})
    store.save("b", {"v": 2})
    clock.now += 99.0
    assert store.load("a") == {"v": 1}  # a use restarts its clock
    clock.now += 99.0
    assert store.load("a") == {"v": 1}
    assert store.load("b") is None  # 198 s unused
    clock.now += 100.0
    assert store.load("a") is None and len(store) == 0


def test_a_key_gets_only_its_own_values_by_reference():
    store = SessionStore()
    frame = {"rows": [1, 2]}
    store.save("a", {"data": frame, "seed": 1})
    store.save("b", {"seed": 2})
    assert store.load("b") == {"seed": 2}
    assert store.load("c") is None and store.load("") is None
    loaded = store.load("a")
    assert loaded["data"] is frame  # references, not copies
    loaded["seed"] = 99  # the caller's dict, not the store's
    assert store.load("a")["seed"] == 1
    frame["rows"].append(3)  # a value changed in place is seen by the next load
    assert store.load("a")["data"]["rows"] == [1, 2, 3]
    assert store.load("b") == {"seed": 2}


def test_the_saving_session_is_recorded():
    store = SessionStore()
    store.save("a", {}, saved_by="session-1")
    assert store.saved_by("a") == "session-1" and store.saved_by("b") is None
    with pytest.raises(ValueError, match="max_sessions"):
        SessionStore(max_sessions=0)


def test_keys_are_random_and_checked():
    keys = {new_key() for _ in range(50)}
    assert len(keys) == 50 and all(valid_key(k) for k in keys)
    for bad in (None, "", "short", "x" * 23, "a" * 21 + "/", ["a" * 22]):
        assert not valid_key(bad)


def test_the_readme_states_the_limits_and_the_switch():
    readme = (Path(APP).parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"at most {session_store.MAX_SESSIONS} sessions" in readme
    assert f"unused for {session_store.TTL_S / 3600:.0f} hours" in readme
    assert f"{session_store.ENV_VAR}=0" in readme


def test_every_durable_state_key_is_kept():
    """A new non-widget key in app/state.py must be added to DURABLE_KEYS."""
    constants = {
        name: value
        for name, value in vars(state).items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    }
    widgets = {v for v in constants.values() if v.startswith("explain_w_")}
    assert set(constants.values()) - widgets <= set(state.DURABLE_KEYS)
    assert not widgets & set(state.DURABLE_KEYS)


# --- AppTest: the key in the URL and the restore ----------------------------------


def _app(key: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if key is not None:
        at.query_params[session_store.QUERY_PARAM] = key
    at.run()
    assert not at.exception
    return at


def _key(at: AppTest) -> str:
    return at.session_state[session_store.SESSION_KEY]


@pytest.fixture
def store(monkeypatch):
    """A fresh store for the app's sessions."""
    fresh = SessionStore()
    monkeypatch.setattr(session_store, "get_store", lambda: fresh)
    return fresh


def test_a_session_with_a_known_key_gets_its_values_back(store):
    at = _app()
    key = _key(at)
    assert valid_key(key) and at.query_params[session_store.QUERY_PARAM] == key
    at.selectbox(key="data_sample").set_value("wine").run()
    at.number_input(key="seed_input").set_value(7).run()
    at.switch_page("views/causal.py").run()
    at.selectbox(key="causal_missing").set_value("mean").run()
    assert not at.exception

    again = _app(key)  # a reload: a new session with the URL's key
    assert _key(again) == key
    assert again.session_state[state.DATASET]["name"] == "wine"
    assert again.session_state[state.SEED] == 7
    assert again.number_input(key="seed_input").value == 7
    assert again.selectbox(key="data_sample").value == "wine"
    again.switch_page("views/causal.py").run()
    assert again.selectbox(key="causal_sample").value == "wine"
    assert again.selectbox(key="causal_missing").value == "mean"


def test_another_key_never_gets_the_values(store):
    at = _app()
    at.selectbox(key="data_sample").set_value("wine").run()
    key = _key(at)

    bare = _app()  # a new tab on the bare URL: a new key, an empty session
    assert _key(bare) != key
    assert bare.session_state[state.DATASET]["name"] == "sachs"

    other = new_key()  # a well-formed key the server never gave out: replaced
    unknown = _app(other)
    assert _key(unknown) not in (other, key)
    assert unknown.session_state[state.DATASET]["name"] == "sachs"
    assert unknown.query_params[session_store.QUERY_PARAM] == _key(unknown)

    bad = _app(key + "!")  # not a key: replaced by a new one
    assert _key(bad) not in (key, key + "!")
    assert bad.session_state[state.DATASET]["name"] == "sachs"
    assert store.load(key)[state.DATASET]["name"] == "wine"


def test_a_key_chosen_in_advance_never_opens_a_session_for_its_chooser(store):
    chosen = "A" * 22  # sent in a link; the victim then works under it
    victim = _app(chosen)
    victim.selectbox(key="data_sample").set_value("wine").run()
    assert _key(victim) != chosen

    chooser = _app(chosen)  # later, the one who chose the key opens the link
    assert chooser.session_state[state.DATASET]["name"] == "sachs"
    assert chosen not in store


def test_a_copied_url_of_an_open_tab_gets_a_copy_under_a_new_key(store, monkeypatch):
    at = _app()
    at.selectbox(key="data_sample").set_value("wine").run()
    key = _key(at)
    monkeypatch.setattr(session_store, "_connected", lambda session_id: True)
    monkeypatch.setattr(session_store, "ADOPT_WAIT_S", 0.2)

    copy = _app(key)

    assert _key(copy) != key
    assert copy.session_state[state.DATASET]["name"] == "wine"
    assert copy.session_state[state.DATASET] is not store.load(key)[state.DATASET]
    copy.selectbox(key="data_sample").set_value("sachs").run()
    assert store.load(key)[state.DATASET]["name"] == "wine"  # the first tab's


def test_a_repeated_key_in_the_url_is_written_once(store):
    at = _app()
    key = _key(at)
    again = AppTest.from_file(APP, default_timeout=120)
    again.query_params[session_store.QUERY_PARAM] = [new_key(), key]
    again.run()
    assert again.query_params[session_store.QUERY_PARAM] == key


def test_sessions_with_work_outlast_sessions_that_only_looked():
    store = SessionStore(max_sessions=3)
    store.save("work", {"v": 1}, work=True)
    store.save("look1", {}, work=False)
    store.save("look2", {}, work=False)
    for n in range(5):  # visits that only look push out each other
        store.save(f"visit{n}", {}, work=False)
    assert "work" in store and len(store) == 3
    store.save("w2", {}, work=True)
    store.save("w3", {}, work=True)
    store.save("w4", {}, work=True)  # all hold work: the least recently used goes
    assert store.keys() == ["w2", "w3", "w4"]


def test_what_counts_as_work():
    import pandas as pd

    assert not state.holds_work({})
    assert not state.holds_work(
        {state.DATASET: {"source": "sample"}, state.CAUSAL_RUNS: [], state.SEED: 3}
    )
    assert state.holds_work({state.DATASET: {"source": "upload"}})
    assert state.holds_work({state.CAUSAL_RUNS: [{"label": "#1"}]})
    assert state.holds_work({state.CAUSAL_JOB: "job-1"})
    empty = {"edges": pd.DataFrame(), "tiers": pd.DataFrame()}
    assert not state.holds_work({state.CAUSAL_PRIOR: empty})
    rows = {"edges": pd.DataFrame({"source": ["a"]}), "tiers": pd.DataFrame()}
    assert state.holds_work({state.CAUSAL_PRIOR: rows})


def test_the_feature_can_be_turned_off(store, monkeypatch):
    at = _app()
    at.selectbox(key="data_sample").set_value("wine").run()
    key = _key(at)
    monkeypatch.setenv(session_store.ENV_VAR, "0")
    off = _app(key)
    assert session_store.SESSION_KEY not in off.session_state
    assert off.session_state[state.DATASET]["name"] == "sachs"
    assert session_store.QUERY_PARAM in off.query_params  # left as it came


# --- a running job goes to the reloaded session -------------------------------------


def test_a_reloaded_session_adopts_the_fit_its_old_session_started():
    alive = {"old": True, "new": True, "other": True}
    registry = JobRegistry(session_alive=alive.__getitem__, abandon_s=0.0, watch_s=None)
    try:
        X = np.random.default_rng(0).normal(size=(200, 4))
        config = {"max_iter": 100_000, "patience": 100_000}
        kwargs = {"X": X, "seed": 0, "device": "cpu", "config": config}
        job = registry.submit("engine.dag.learner:learn_dag", kwargs, owner="old")
        # while the old tab is connected, another tab sharing the key cannot take it
        assert not registry.adopt(job, owner="other")
        alive["old"] = False  # the old tab reloaded
        assert registry.adopt(job, owner="new")
        assert registry._jobs[job].owner == "new"
        assert registry.reap(now=time.time() + 100) == []  # not abandoned
        assert not registry.snapshot(job)["stop"]
        assert registry.adopt("no-such-job", owner="new")  # left to the page
    finally:
        registry.close()


def test_the_store_says_which_jobs_its_sessions_point_to():
    # the job registry keeps a finished fit while a kept session points to it
    # (it forgot the fit 30 s after the tab closed: the reopened address had none)
    clock = Clock()
    store = SessionStore(max_sessions=2, ttl_s=100.0, clock=clock)
    store.save("a", {state.CAUSAL_JOB: "job-1", state.GRAPH_JOB: "job-2"})
    store.save("b", {state.EXPLAIN_TRAIN_JOB: "job-3", "other": "job-4"})
    assert [store.holds_job(j) for j in ("job-1", "job-2", "job-3", "job-4")] == [
        True,
        True,
        True,
        False,  # not under a job key
    ]
    store.save("c", {})  # drops "a", the least recently used
    assert not store.holds_job("job-1") and store.holds_job("job-3")
    clock.now += 100.0  # "b" expires
    assert not store.holds_job("job-3")


def test_a_collected_result_is_saved_at_once_not_after_the_next_rerun(store):
    # the page forgot the finished job, then saved the result after its rerun: a
    # tab closed in between left the kept session pointing to a forgotten job
    def page() -> None:
        import numpy as np
        import streamlit as st

        from app import session_store, state
        from app.jobs import get_registry, render_job

        st.session_state.setdefault(session_store.SESSION_KEY, "k" * 22)
        if state.CAUSAL_JOB not in st.session_state:
            X = np.random.default_rng(0).normal(size=(50, 3))
            kwargs = {"X": X, "seed": 0, "device": "cpu", "config": {"max_iter": 2}}
            st.session_state[state.CAUSAL_JOB] = get_registry().submit(
                "engine.dag.learner:learn_dag", kwargs, "tiny fit"
            )

        def keep(result) -> None:
            st.session_state[state.CAUSAL_RESULT] = result

        render_job(state.CAUSAL_JOB, keep, poll_s=0.2)

    at = AppTest.from_function(page, default_timeout=120).run()
    deadline = time.monotonic() + 120
    while at.session_state[state.CAUSAL_JOB] is not None:
        assert time.monotonic() < deadline and not at.exception
        time.sleep(0.5)
        at.run()
    saved = store.load("k" * 22)  # the page itself never saves
    assert saved is not None and saved[state.CAUSAL_JOB] is None
    assert saved[state.CAUSAL_RESULT].adjacency.shape == (3, 3)
