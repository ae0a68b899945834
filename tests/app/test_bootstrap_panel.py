"""AppTest of the bootstrap controls on the Causal discovery page."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app import state
from engine.runtime import STOP
from tests.app.downloads import download
from tests.app.waiting import wait_until

APP = str(Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py")


def _boot_result(at: AppTest):
    try:
        return at.session_state[state.CAUSAL_BOOT_RESULT]
    except KeyError:
        return None


def test_bootstrap_controls_run_in_the_worker_and_show_frequencies():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("views/causal.py").run()
    at.number_input(key="opt_permutahedron_max_iter").set_value(10)
    at.number_input(key="opt_permutahedron_n_orderings").set_value(4)
    at.number_input(key="boot_n").set_value(2)
    at.selectbox(key="boot_executor").set_value("serial")
    at.button(key="boot_run").click().run()
    assert not at.exception and not at.error
    deadline = time.monotonic() + 300
    while _boot_result(at) is None and time.monotonic() < deadline:
        time.sleep(1.0)
        at.run()
        assert not at.exception, at.exception
    result = _boot_result(at)
    if result is None:
        pytest.fail("the bootstrap did not finish in time")
    assert result.n_done == 2 and result.node_names[0] == "Raf"
    assert set(np.unique(result.edge_frequency)) <= {0.0, 0.5, 1.0}
    table = next(df.value for df in at.dataframe if "frequency" in df.value.columns)
    assert table["frequency"].is_monotonic_decreasing
    # a stricter threshold never adds consensus edges
    n_loose = int(table["in_consensus"].sum())
    at.slider(key="boot_threshold").set_value(1.0).run()
    table = next(df.value for df in at.dataframe if "frequency" in df.value.columns)
    assert int(table["in_consensus"].sum()) <= n_loose
    labels = [b.label for b in at.get("download_button")]
    assert "Frequency matrix (CSV)" in labels


def test_the_bootstrap_json_says_how_the_data_were_prepared(media):
    import json

    from engine.dag import BootstrapResult

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("views/causal.py").run()
    at.multiselect(key="causal_cols_sachs").set_value(["Raf", "Mek", "Erk"])
    at.number_input(key="opt_permutahedron_max_iter").set_value(5)
    at.number_input(key="opt_permutahedron_n_orderings").set_value(4)
    at.number_input(key="boot_n").set_value(2)
    at.selectbox(key="boot_executor").set_value("serial")
    at.button(key="boot_run").click().run()
    wait_until(at, lambda a: _boot_result(a) is not None, 300, poll_s=1.0)
    result = _boot_result(at)
    name, data = download(at, media, "boot_dl_json")
    assert name == "bootstrap.json"
    prep = json.loads(data)["data_preparation"]
    assert prep["data_set"] == "sachs" and prep["source"] == "sample"
    assert prep["columns"] == ["Raf", "Mek", "Erk"]
    assert prep["scaling"].startswith("standardize: every column centred")
    assert prep["prior_knowledge"] == {"forbidden": [], "required": [], "tiers": {}}
    # still the library's result file
    assert BootstrapResult.from_json(data.decode()) == result


def test_a_bootstrap_stopped_before_any_fit_says_so_and_draws_nothing():
    from engine.dag import bootstrap_dag

    X = np.random.default_rng(0).normal(size=(100, 3))
    result = bootstrap_dag(X, n_boot=4, progress=lambda event: STOP)
    assert result.stopped and result.n_done == 0

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("views/causal.py").run()
    at.session_state[state.CAUSAL_BOOT_RESULT] = result
    at.run()

    assert not at.exception
    assert any("before any fit finished" in w.value for w in at.warning)
    labels = [b.label for b in at.get("download_button")]
    assert "Frequency matrix (CSV)" not in labels


def test_edges_the_score_does_not_orient_are_named_above_the_frequencies():
    # standardised Sachs: Raf -> Mek and Mek -> Raf split the refits on noise,
    # and the panel showed the split frequencies without a word on why
    import warnings

    from engine.dag import bootstrap_dag
    from engine.samples import load_sample

    frame = load_sample("sachs").frame[["Raf", "Mek", "Erk"]]
    X = frame.to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = bootstrap_dag(
            (X - X.mean(0)) / X.std(0),
            n_boot=2,
            seed=0,
            node_names=["Raf", "Mek", "Erk"],
        )
    assert ("Raf", "Mek") in result.unoriented_edges

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("views/causal.py").run()
    at.session_state[state.CAUSAL_BOOT_RESULT] = result
    at.run()

    assert not at.exception
    shown = [w.value.replace("\\", "") for w in at.warning]
    tied = [w for w in shown if "does not orient" in w]
    assert len(tied) == 1, shown
    assert tied[0].startswith("On the full data the score does not orient")
    assert (
        "Raf -- Mek" in tied[0] and "resampling noise rather than evidence" in tied[0]
    )
