"""The Causal discovery page's work file: written and read back as plain JSON."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from app.components.work_file import KIND, dump_work, parse_work
from engine.dag import DagResult, PriorKnowledge
from engine.errors import DataError

NAMES = ["a", "b", "c"]


def _work(entry: dict | None) -> str:
    prior = PriorKnowledge.from_edges(
        NAMES, forbidden=[("b", "a")], required=[("a", "c")], tiers={"a": 0}
    )
    settings = {
        "missing": "drop",
        "scale": "none",
        "method": "permutahedron",
        "options": {"max_iter": 7},
        "seed": 3,
        "weight_threshold": 0.25,
    }
    data = {"source": "sample", "name": "toy", "id": "sample:toy"}
    return dump_work(data, NAMES, settings, prior, entry)


def test_a_work_file_round_trips_settings_prior_and_result():
    adjacency = np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]], bool)
    result = DagResult(adjacency, adjacency * 0.5, NAMES, seed=3, method="dagdb")
    made = {
        "parts": {
            "data": "sample:toy",
            "columns": tuple(NAMES),
            "missing": None,
            "scale": "none",
            "method": "dagdb",
            "options": {"max_iter": 7},
            "prior": "source,target,kind\n",
            "seed": 3,
        },
        "data_name": "toy",
        "label": "toy with 3 columns, method dagdb",
    }
    text = _work({"result": result, "label": "toy", "made_on": made})
    work = parse_work(text.encode())
    assert work["kind"] == KIND and work["data"]["columns"] == NAMES
    assert work["settings"]["options"] == {"max_iter": 7}
    assert work["prior"] == {
        "forbidden": [["b", "a"]],
        "required": [["a", "c"]],
        "tiers": {"a": 0},
    }
    assert work["result"]["dag"] == result
    assert work["result"]["made_on"] == made  # columns back as a tuple
    assert parse_work(_work(None).encode())["result"] is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\x80\x04\x95", "not JSON text"),
        (b"[1, 2]", "not a work file of the Causal discovery page"),
        (json.dumps({"kind": KIND}).encode(), "damaged: no 'version'"),
        (json.dumps({"kind": KIND, "version": 1}).encode(), "'data' is missing"),
    ],
)
def test_a_file_that_is_not_a_work_file_is_refused_with_the_reason(raw, expected):
    with pytest.raises(DataError, match=expected):
        parse_work(raw)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("version", "1", "'version' must be a whole number; got '1' (text)"),
        ("version", 1.5, "'version' must be a whole number; got 1.5 (a number)"),
        ("version", True, "'version' must be a whole number; got true (true/false)"),
        ("seed", "7", "'settings.seed' must be a whole number; got '7' (text)"),
        ("seed", [7], "'settings.seed' must be a whole number; got [7] (a list)"),
    ],
)
def test_a_version_or_seed_that_is_not_whole_is_named_with_its_value(
    key, value, expected
):
    # "version": "1" was refused as "damaged: no version" though it had one
    work = json.loads(_work(None))
    (work if key == "version" else work["settings"])[key] = value
    with pytest.raises(DataError, match=re.escape(expected)):
        parse_work(json.dumps(work).encode())


def test_junk_in_what_a_result_was_made_on_is_refused():
    # a file with {"x": 1} as 'Missing values' was accepted, and the stale-result
    # note then printed it ("'Missing values' (was {'x': 1})")
    adjacency = np.zeros((3, 3), bool)
    result = DagResult(adjacency, adjacency * 0.0, NAMES, seed=3)
    parts = {
        "data": "sample:toy",
        "columns": tuple(NAMES),
        "missing": None,
        "scale": "none",
        "method": "permutahedron",
        "options": {},
        "prior": None,
        "seed": 3,
    }
    made = {"parts": parts, "data_name": "toy", "label": "toy"}
    good = json.loads(_work({"result": result, "label": "toy", "made_on": made}))
    assert parse_work(json.dumps(good).encode())["result"]["made_on"] is not None
    for key, junk in (("missing", {"x": 1}), ("seed", [1, 2]), ("scale", 3)):
        bad = json.loads(json.dumps(good))
        bad["result"]["made_on"]["parts"][key] = junk
        with pytest.raises(DataError, match=f"made_on.parts.{key}' is"):
            parse_work(json.dumps(bad).encode())


def test_a_tier_beyond_the_prior_limit_is_named():
    # a tier of 10**300 failed later with "int too large to convert to float"
    work = json.loads(_work(None))
    work["prior"]["tiers"] = {"a": 0, "b": 10**300}
    with pytest.raises(DataError, match=r"gives \['b'\] a tier beyond \+-2147483647"):
        parse_work(json.dumps(work).encode())


KEPT = [
    {"data_set": "simulator", "forbidden": [["x0", "x1"]], "required": [], "tiers": {}},
    {
        "data_set": "upload:ab12",
        "forbidden": [],
        "required": [["p", "q"]],
        "tiers": {"p": 0, "q": 1},
    },
]


def test_the_priors_kept_for_other_data_sets_round_trip_in_order():
    prior = PriorKnowledge.from_edges(NAMES)
    settings = {
        "missing": "drop",
        "scale": "none",
        "method": "permutahedron",
        "options": {},
        "seed": 0,
    }
    data = {"source": "sample", "name": "toy", "id": "sample:toy"}
    text = dump_work(data, NAMES, settings, prior, None, KEPT)
    assert parse_work(text.encode())["kept_priors"] == KEPT


def test_a_work_file_saved_before_kept_priors_loads_with_none():
    work = json.loads(_work(None))
    assert work["kept_priors"] == []
    del work["kept_priors"]
    assert parse_work(json.dumps(work).encode())["kept_priors"] == []


@pytest.mark.parametrize(
    ("kept", "expected"),
    [
        ({"simulator": {}}, "'kept_priors' is not a list"),
        ([5], r"'kept_priors\[0\]' is missing or not an object"),
        ([{**KEPT[0], "data_set": ""}], r"'kept_priors\[0\].data_set' is not the id"),
        ([{**KEPT[0], "data_set": 3}], r"'kept_priors\[0\].data_set' is not the id"),
        ([KEPT[1], {**KEPT[0], "required": [["x"]]}], r"'kept_priors\[1\].required'"),
        ([{**KEPT[0], "forbidden": None}], r"'kept_priors\[0\].forbidden' is not"),
        (
            [{**KEPT[0], "tiers": {"x0": 1.5}}],
            r"'kept_priors\[0\].tiers' gives 'x0' the tier 1.5 \(a number\)",
        ),
        ([{**KEPT[0], "tiers": [1]}], r"'kept_priors\[0\].tiers' is not a mapping"),
        ([{**KEPT[0], "tiers": {"x0": 2**40}}], r"'kept_priors\[0\].tiers' gives"),
        ([KEPT[0], KEPT[0]], "'kept_priors' lists 'simulator' twice"),
        (None, "'kept_priors' is not a list"),
    ],
)
def test_bad_kept_priors_are_refused_with_where_and_what(kept, expected):
    work = json.loads(_work(None))
    work["kept_priors"] = kept
    with pytest.raises(DataError, match=f"The work file is damaged: {expected}"):
        parse_work(json.dumps(work).encode())


@pytest.mark.parametrize("version", [-3, 0])
def test_a_version_no_structure_lab_writes_is_refused(version):
    # version -3 was accepted
    work = json.loads(_work(None))
    work["version"] = version
    with pytest.raises(DataError, match=f"has version {version}, which no Structure"):
        parse_work(json.dumps(work).encode())
    with pytest.raises(DataError, match=r"\(this app reads version 1\)"):
        parse_work(json.dumps(work).encode())


def _with_result(threshold: float) -> bytes:
    adjacency = np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]], bool)
    weights = np.array([[0, 0.5, -1.25], [0, 0, 0], [0, 0, 0]])
    result = DagResult(adjacency, weights, NAMES, seed=3)
    work = json.loads(_work({"result": result, "label": "toy", "made_on": None}))
    work["settings"]["weight_threshold"] = threshold
    return json.dumps(work).encode()


@pytest.mark.parametrize("threshold", [0.0, 0.5, 1.25])
def test_a_threshold_in_the_sliders_range_loads(threshold):
    assert parse_work(_with_result(threshold))["settings"]["weight_threshold"] == (
        threshold
    )


@pytest.mark.parametrize("threshold", [1e9, 1.26, -0.1])
def test_a_threshold_outside_the_sliders_range_is_refused_with_the_range(threshold):
    # 1e9 was accepted and the slider silently lowered it to the largest weight
    with pytest.raises(DataError, match=r"takes 0 to 1\.25 \(the largest \|weight\|"):
        parse_work(_with_result(threshold))
    work = json.loads(_work(None))  # no result: no upper bound, but not negative
    work["settings"]["weight_threshold"] = -1.0
    with pytest.raises(DataError, match=r"weight_threshold' is -1\.0; it takes 0 or"):
        parse_work(json.dumps(work).encode())


def test_tiers_written_with_decimals_load_as_whole_numbers():
    # {"a": 1.0} (a file edited by hand or by a tool that writes floats) was
    # refused as "'prior.tiers' is not a mapping of node to whole number"
    work = json.loads(_work(None))
    work["prior"]["tiers"] = {"a": 1.0, "b": 0}
    work["kept_priors"] = [{**KEPT[1], "tiers": {"p": -2.0}}]
    parsed = parse_work(json.dumps(work).encode())
    assert parsed["prior"]["tiers"] == {"a": 1, "b": 0}
    assert [type(v) for v in parsed["prior"]["tiers"].values()] == [int, int]
    assert parsed["kept_priors"][0]["tiers"] == {"p": -2}
    assert type(parsed["kept_priors"][0]["tiers"]["p"]) is int


@pytest.mark.parametrize(
    ("tier", "shown"),
    [(2.5, "2.5 (a number)"), ("1", "'1' (text)"), (True, "true (true/false)")],
)
def test_a_tier_that_is_not_a_whole_number_names_the_node_and_value(tier, shown):
    work = json.loads(_work(None))
    work["prior"]["tiers"] = {"a": 0, "c": tier}
    with pytest.raises(DataError) as info:
        parse_work(json.dumps(work).encode())
    assert f"'prior.tiers' gives 'c' the tier {shown}; tiers are whole numbers" in str(
        info.value
    )
