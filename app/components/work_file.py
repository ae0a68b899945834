"""The work file of the Causal discovery page: its settings and last result as JSON.

:func:`dump_work` writes the page's inputs (the data set's source, name and the
chosen columns, the missing-value and scaling choices, the method and its options,
the seed, the edge-weight threshold and the prior knowledge), the prior knowledge
kept for other data sets (``kept_priors``, by data set id; files without it load
as having none) and the last result
(:meth:`engine.DagResult.to_dict`, its label and what it was made on) as one JSON
document. :func:`parse_work` reads one back and checks its shape and types; it
reads JSON only (``json.loads``: nothing is unpickled or evaluated) and raises a
:class:`engine.errors.DataError` that says what is wrong and what to do. Whether the
file fits the data on the page (the columns, the method's options, the prior over
them) is checked by the page, which has the data.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from engine import __version__
from engine.dag import MAX_TIER, DagResult
from engine.errors import DataError, format_names

__all__ = ["KIND", "VERSION", "dump_work", "largest_weight", "parse_work"]

KIND = "structure-lab causal discovery work"
VERSION = 1
SOURCES = ("sample", "upload", "simulator")
_PARTS = ("data", "columns", "missing", "scale", "method", "options", "prior", "seed")
_WHAT_TO_DO = (
    "Load a file saved with 'Save work' on the Causal discovery page, unchanged."
)


def dump_work(
    data: dict[str, Any],
    columns: list[str],
    settings: dict[str, Any],
    prior: Any,
    entry: dict[str, Any] | None,
    kept_priors: list[dict[str, Any]] | None = None,
) -> str:
    """The work file's JSON text.

    Parameters
    ----------
    data : dict
        The page's data set (``source``, ``name``, ``id``).
    columns : list of str
        The chosen columns (nodes).
    settings : dict
        ``missing``, ``scale``, ``method``, ``options`` (dict), ``seed`` (int) and
        ``weight_threshold`` (float).
    prior : PriorKnowledge
        The prior knowledge in the editor.
    entry : dict or None
        The shown result (``result``, ``label``, ``made_on``), or ``None``.
    kept_priors : list of dict, optional
        The prior knowledge kept for other data sets, oldest first: each
        ``data_set`` (the data set's id) with ``forbidden``, ``required`` and
        ``tiers`` (:func:`app.components.prior_editor.saved_priors`).

    Returns
    -------
    str
        Strict JSON.
    """
    result = None
    if entry is not None:
        made = entry.get("made_on")
        result = {
            "dag": entry["result"].to_dict(),
            "label": str(entry.get("label", "")),
            "made_on": None
            if made is None
            else {
                "parts": {**made["parts"], "columns": list(made["parts"]["columns"])},
                "data_name": made.get("data_name", ""),
                "label": made["label"],
            },
        }
    pk = prior.to_dict()
    work = {
        "kind": KIND,
        "version": VERSION,
        "engine_version": __version__,
        "data": {
            "source": data.get("source"),
            "name": str(data["name"]),
            "id": data.get("id"),
            "columns": list(columns),
        },
        "settings": {
            "missing": settings["missing"],
            "scale": settings["scale"],
            "method": settings["method"],
            "options": dict(settings["options"]),
            "seed": int(settings["seed"]),
            "weight_threshold": float(settings.get("weight_threshold", 0.0)),
        },
        "prior": {
            "forbidden": pk["forbidden"],
            "required": pk["required"],
            "tiers": pk["tiers"],
        },
        "kept_priors": [
            {
                "data_set": str(kept["data_set"]),
                "forbidden": kept["forbidden"],
                "required": kept["required"],
                "tiers": kept["tiers"],
            }
            for kept in kept_priors or []
        ],
        "result": result,
    }
    return json.dumps(work, indent=1, allow_nan=False)


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise DataError(f"The work file is damaged: {what}. {_WHAT_TO_DO}")


def _kind_of(value: Any) -> str:
    """What a JSON value is, in words ("text", "a number", ...)."""
    if isinstance(value, bool):
        return "true/false"
    kinds = {str: "text", int: "a number", float: "a number", list: "a list"}
    return kinds.get(type(value), "null" if value is None else "an object")


def _shown(value: Any) -> str:
    """``value`` as the file writes it, text in quotes ('1', 1.5, true, [7])."""
    return (repr(value) if isinstance(value, str) else json.dumps(value))[:80]


def _need_whole(value: Any, where: str) -> int:
    """``value`` if it is a whole number; else :class:`DataError` naming ``where``.

    Parameters
    ----------
    value : Any
        The value read from the file (``None`` when the key is absent).
    where : str
        The key's path in the file, e.g. ``"settings.seed"``.

    Returns
    -------
    int
        ``value``.

    Raises
    ------
    DataError
        ``value`` is absent, or not a JSON integer (text, a fraction, true/false,
        a list, ...); the message names the key, the value and its kind.
    """
    _need(value is not None, f"no '{where}'")
    whole = isinstance(value, int) and not isinstance(value, bool)
    _need(
        whole,
        f"'{where}' must be a whole number; got {_shown(value)} ({_kind_of(value)})",
    )
    return value


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_edges(value: Any) -> bool:
    return isinstance(value, list) and all(
        _is_text_list(e) and len(e) == 2 for e in value
    )


def _number(value: Any) -> bool:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return ok and math.isfinite(value)


def parse_work(raw: bytes) -> dict[str, Any]:
    """Read a work file written by :func:`dump_work` and check its shape.

    Parameters
    ----------
    raw : bytes
        The file's content (UTF-8 JSON).

    Returns
    -------
    dict
        The document, with ``result["dag"]`` read into a :class:`DagResult`
        (``result`` is ``None`` when the file holds none), ``kept_priors``
        a list (``[]`` when the file holds none) and every prior's tiers ints
        (a whole number written with decimals, ``1.0``, reads as ``1``).

    Raises
    ------
    DataError
        The file is not UTF-8 JSON, not a work file of this page, of a version
        this app does not read, a part is missing or of the wrong type, or the
        edge-weight threshold is outside the slider's range (0 to the largest
        |weight| of the file's result); the message names it.
    """
    try:
        work = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        # ValueError covers JSONDecodeError and integers of over 4300 digits
        raise DataError(
            f"The file is not a work file: it is not JSON text ({err}). {_WHAT_TO_DO}"
        ) from None
    if not isinstance(work, dict) or work.get("kind") != KIND:
        raise DataError(
            "The file is JSON but not a work file of the Causal discovery page (it "
            f'has no "kind": "{KIND}"). {_WHAT_TO_DO}'
        )
    version = _need_whole(work.get("version"), "version")
    if version < 1:
        raise DataError(
            f"The work file has version {version}, which no Structure Lab writes "
            f"(this app reads {_versions_read()}). {_WHAT_TO_DO}"
        )
    if version > VERSION:
        raise DataError(
            f"The work file has version {version}, newer than this app reads "
            f"({VERSION}); open it with the Structure Lab that saved it "
            f"(engine {work.get('engine_version')!r}), or upgrade."
        )
    data, settings, prior = work.get("data"), work.get("settings"), work.get("prior")
    _need(isinstance(data, dict), "'data' is missing")
    _need(data.get("source") in SOURCES, f"'data.source' is not one of {SOURCES}")
    _need(isinstance(data.get("name"), str), "'data.name' is not text")
    _need(_is_text_list(data.get("columns")), "'data.columns' is not a list of names")
    _need(isinstance(settings, dict), "'settings' is missing")
    for key in ("missing", "scale", "method"):
        _need(isinstance(settings.get(key), str), f"'settings.{key}' is not text")
    _need(isinstance(settings.get("options"), dict), "'settings.options' is missing")
    _need_whole(settings.get("seed"), "settings.seed")
    _need(
        _number(settings.get("weight_threshold", 0.0)),
        "'settings.weight_threshold' is not a number",
    )
    _check_prior(prior, "prior")
    work["kept_priors"] = _kept_priors(work.get("kept_priors", []))
    result = work.get("result")
    if result is not None:
        work["result"] = _parse_result(result)
    _check_threshold(settings.get("weight_threshold", 0.0), work["result"])
    return work


def largest_weight(dag: DagResult) -> float:
    """The largest finite |weight| of the learned edges (0 without any): the
    top of the page's 'Hide edges with |weight| below' slider."""
    weights = np.abs(dag.weights[dag.adjacency])
    weights = weights[np.isfinite(weights)]
    return float(weights.max()) if weights.size else 0.0


def _check_threshold(threshold: float, result: dict[str, Any] | None) -> None:
    """Refuse an edge-weight threshold the slider cannot show: below 0, or
    above the largest |weight| of the file's result (the slider's range; a
    result without weighted edges has no slider, and no result no bound yet)."""
    top = 0.0 if result is None else largest_weight(result["dag"])
    if top <= 0:
        _need(
            threshold >= 0,
            f"'settings.weight_threshold' is {threshold!r}; it takes 0 or more",
        )
        return
    if not 0 <= threshold <= top:
        raise DataError(
            f"The work file sets the edge-weight threshold to {threshold!r}; the "
            f"slider 'Hide edges with |weight| below' takes 0 to {top:.6g} (the "
            "largest |weight| of the file's result). Correct the value in the file."
        )


def _check_prior(prior: Any, where: str) -> None:
    """Check the shape of a prior (``forbidden``, ``required``, ``tiers``) found
    at ``where`` in the file; its fit to a data set's columns is the page's."""
    _need(isinstance(prior, dict), f"'{where}' is missing or not an object")
    for key in ("forbidden", "required"):
        _need(_is_edges(prior.get(key)), f"'{where}.{key}' is not a list of edges")
    tiers = prior.get("tiers")
    _need(
        tiers is None or isinstance(tiers, dict),
        f"'{where}.tiers' is not a mapping of node to whole number",
    )
    if tiers is None:
        return
    for node, tier in tiers.items():
        tiers[node] = _tier(tier, f"'{where}.tiers' gives {node!r} the tier")
    big = [str(k) for k, v in tiers.items() if abs(v) > MAX_TIER]
    _need(
        not big,
        f"'{where}.tiers' gives {format_names(big, 3)} a tier beyond "
        f"+-{MAX_TIER}; number the tiers 0, 1, 2, ... in causal order",
    )


def _tier(value: Any, what: str) -> int:
    """A tier of the file as an int: a JSON integer, or a number with decimals
    that is whole (``1.0``, as the prior CSV files also accept it); else a
    :class:`DataError` that starts with ``what`` (the key and node)."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    whole = number and (isinstance(value, int) or float(value).is_integer())
    _need(
        whole,
        f"{what} {_shown(value)} ({_kind_of(value)}); tiers are whole numbers "
        "(0, 1, 2, ...)",
    )
    return int(value)


def _versions_read() -> str:
    """The work-file versions this app reads, in words."""
    return f"version {VERSION}" if VERSION == 1 else f"versions 1 to {VERSION}"


def _kept_priors(kept: Any) -> list[dict[str, Any]]:
    """The ``kept_priors`` of a work file, checked (``[]`` for a file saved
    before they were written)."""
    _need(isinstance(kept, list), "'kept_priors' is not a list")
    seen: set[str] = set()
    for k, prior in enumerate(kept):
        where = f"kept_priors[{k}]"
        _check_prior(prior, where)
        data_set = prior.get("data_set")
        _need(
            isinstance(data_set, str) and data_set != "",
            f"'{where}.data_set' is not the id of a data set",
        )
        _need(data_set not in seen, f"'kept_priors' lists {data_set!r} twice")
        seen.add(data_set)
    return kept


def _parse_result(result: Any) -> dict[str, Any]:
    _need(isinstance(result, dict), "'result' is not an object")
    _need(isinstance(result.get("dag"), dict), "'result.dag' is missing")
    try:  # from_dict checks every field, the shapes and acyclicity
        dag = DagResult.from_dict(result["dag"])
    except DataError as err:
        raise DataError(
            f"The result in the work file cannot be read: {err} {_WHAT_TO_DO}"
        ) from None
    except Exception as err:  # anything else: say so, never a traceback
        raise DataError(
            f"The result in the work file cannot be read ({type(err).__name__}: "
            f"{err}). {_WHAT_TO_DO}"
        ) from None
    made = result.get("made_on")
    if made is not None:
        _need(isinstance(made, dict), "'result.made_on' is not an object")
        parts = made.get("parts")
        _need(
            isinstance(parts, dict) and set(parts) == set(_PARTS),
            f"'result.made_on.parts' does not have the keys {list(_PARTS)}",
        )
        _need(_is_text_list(parts["columns"]), "'made_on.parts.columns' is not names")
        _need(isinstance(parts["options"], dict), "'made_on.parts.options' missing")
        for key, kinds in (
            ("data", str),
            ("missing", str | None),
            ("scale", str),
            ("method", str),
            ("prior", str | None),
        ):
            _need(
                isinstance(parts[key], kinds),
                f"'result.made_on.parts.{key}' is {parts[key]!r}",
            )
        seed_ok = isinstance(parts["seed"], int) and not isinstance(parts["seed"], bool)
        _need(seed_ok, f"'result.made_on.parts.seed' is {parts['seed']!r}")
        _need(isinstance(made.get("label"), str), "'result.made_on.label' is not text")
        made = {
            "parts": {**parts, "columns": tuple(parts["columns"])},
            "data_name": str(made.get("data_name", "")),
            "label": made["label"],
        }
    return {"dag": dag, "label": str(result.get("label", "")), "made_on": made}
