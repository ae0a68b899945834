"""What a result of the Causal discovery page was made on, and whether it still is.

A fit (or a bootstrap) belongs to its inputs: the data set, the columns, the
missing-value and scaling choices, the method and its options, the prior
knowledge and the seed. :func:`made_on` records them when the job starts;
:func:`stale_note` compares them with the page's current inputs and says, in
words, what has changed since, so that an earlier result is not taken for one
of the inputs on screen. The result stays shown under that note: it is the
user's work, and the run comparison and downloads still apply to it.
:func:`data_preparation` describes the data side of the record for a download;
:func:`result_json` writes a result's JSON download with it.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from app.components.text import literal

__all__ = ["data_preparation", "made_on", "result_json", "same_inputs", "stale_note"]

# names shown at most when the columns changed
_MAX_NAMES = 5


def made_on(
    data: dict[str, Any],
    names: list[str],
    missing: str | None,
    scale: str,
    method: str,
    options: dict[str, Any],
    prior: Any,
    seed: int,
) -> dict[str, Any]:
    """The inputs of a job, to keep with its result.

    Parameters
    ----------
    data : dict
        The page's data set: ``name`` and ``id`` (falls back to ``source`` and
        ``name``).
    names : list of str
        The columns (nodes).
    missing : str or None
        The 'Missing values' choice, ``None`` when the columns have no gaps (the
        choice changes nothing then).
    scale : str
        The 'Scaling' choice.
    method : str
        The method.
    options : dict
        The method's options.
    prior : PriorKnowledge or None
        The prior knowledge (``None``: none could be built).
    seed : int
        The seed.

    Returns
    -------
    dict
        ``parts`` (comparable values) and ``label`` (words for the user).
    """
    prior_text = None if prior is None else prior.edges_csv() + prior.tiers_csv()
    data_id = data.get("id") or f"{data.get('source')}:{data['name']}"
    return {
        "parts": {
            "data": data_id,
            "columns": tuple(names),
            "missing": missing,
            "scale": scale,
            "method": method,
            "options": dict(options),
            "prior": prior_text,
            "seed": int(seed),
        },
        "data_name": str(data["name"]),
        "label": (
            f"{literal(data['name'])} with {len(names)} columns, method {method}"
        ),
    }


def _names(values: list[str]) -> str:
    shown = ", ".join(literal(v) for v in values[:_MAX_NAMES])
    more = len(values) - _MAX_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def _changes(made: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Words for each input that differs between ``made`` and ``now``.

    The label already names the data set and the method the result was made on,
    and the page shows the current inputs; the words add the earlier value of
    the other inputs.
    """
    old, new = made["parts"], now["parts"]
    out = []
    if old["data"] != new["data"]:
        out.append("the data set")  # other columns follow; not listed
    elif old["columns"] != new["columns"]:
        gone = [c for c in old["columns"] if c not in new["columns"]]
        added = [c for c in new["columns"] if c not in old["columns"]]
        how = [f"without {_names(gone)}"] if gone else []
        how += [f"with {_names(added)} added"] if added else []
        out.append("the columns" + (f" (now {'; '.join(how)})" if how else ""))
    # ``None``: the columns had no gaps, so the choice changed nothing; it differs
    # only where both tables have gaps (same data and columns: both or neither)
    both = old["missing"] is not None and new["missing"] is not None
    if both and old["missing"] != new["missing"]:
        out.append(f"'Missing values' (was {old['missing']})")
    if old["scale"] != new["scale"]:
        out.append(f"'Scaling' (was {old['scale']})")
    if old["method"] != new["method"]:
        out.append("the method")  # its options differ too; not listed
    else:
        was = [
            f"{k} was {old['options'].get(k)!r}"
            for k in new["options"]
            if old["options"].get(k) != new["options"][k]
        ]
        if was:
            shown = ", ".join(was[:_MAX_NAMES])
            more = len(was) - _MAX_NAMES
            out.append(
                f"the method options ({shown}"
                + (f" and {more} more)" if more > 0 else ")")
            )
    if old["prior"] != new["prior"]:
        out.append("the prior knowledge")
    if old["seed"] != new["seed"]:
        out.append(f"the seed (was {old['seed']})")
    return out


def same_inputs(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Whether two records of :func:`made_on` name the same inputs (``None``,
    an unknown record, is the same as nothing)."""
    return a is not None and b is not None and a["parts"] == b["parts"]


def stale_note(
    made: dict[str, Any] | None,
    now: dict[str, Any] | None,
    what: str = "result",
    button: str = "Learn DAG",
    waiting: str | None = None,
) -> str | None:
    """An info line when ``made`` is not ``now``, else ``None``.

    Parameters
    ----------
    made : dict or None
        What the shown result was made on (:func:`made_on`); ``None`` for a
        result that did not record it (nothing is said then).
    now : dict or None
        The page's current inputs; ``None`` when they cannot be used as they are
        (no data, or an error shown above).
    what : str
        The result's name in the line ("result", "bootstrap").
    button : str
        The button that makes a new one.
    waiting : str, optional
        Why that button is off now (Markdown), said in place of asking the user
        to press it: a disabled button cannot be pressed.
    """
    if made is None:
        return None
    head = f"The {what} below was made on {made['label']}"
    if now is None:
        return f"{head}, not on the inputs above. " + (
            waiting or f"Press **{button}** once they are complete to update it."
        )
    changes = _changes(made, now)
    if not changes:
        return None
    listed = ", ".join(changes[:-1]) + (" and " if len(changes) > 1 else "")
    return f"{head}; since then {listed}{changes[-1]} changed. " + (
        waiting or f"Press **{button}** to update it, or set the inputs back."
    )


# the words of a made_on data id's prefix
_SOURCES = {
    "sample": "sample",
    "upload": "upload (the Data page's table)",
    "simulated": "simulator",
}
_MISSING = {
    "drop": "drop: rows with a missing cell in the columns were left out",
    "mean": "mean: missing cells were filled with their column's mean",
    None: "none needed: the columns have no missing cells",
}
_SCALING = {
    "standardize": "standardize: every column centred and divided by its "
    "standard deviation",
    "none": "none: every column centred (mean 0), not rescaled",
}
WEIGHT_UNITS = (
    "The weights (and weight_threshold) are in the units of the prepared data, "
    "not of the file: after 'standardize', a linear weight on a -> b is the "
    "change of b, in standard deviations of b, per standard deviation of a; "
    "after 'none', it is in the columns' own units."
)


def _prior_parts(text: str | None) -> dict[str, Any]:
    """The forbidden and required edges and the tiers of a recorded prior.

    ``text`` is the record's ``edges_csv() + tiers_csv()`` (``None``: no prior
    could be built). An edge row has three fields; the row ``node,tier`` starts
    the tiers.
    """
    out: dict[str, Any] = {"forbidden": [], "required": [], "tiers": {}}
    tiers = False
    for row in list(csv.reader(io.StringIO(text or "")))[1:]:
        if row == ["node", "tier"]:
            tiers = True
        elif tiers and len(row) == 2:
            out["tiers"][row[0]] = int(row[1])
        elif len(row) == 3:
            out["required" if row[2] == "required" else "forbidden"].append(row[:2])
    return out


def data_preparation(made: dict[str, Any]) -> dict[str, Any]:
    """How the data of a result were prepared, as JSON-ready values.

    Parameters
    ----------
    made : dict
        What the result was made on (:func:`made_on`).

    Returns
    -------
    dict
        ``data_set`` (name), ``source``, ``data_id``, ``columns``,
        ``missing_values``, ``scaling``, ``prior_knowledge`` (``forbidden`` and
        ``required`` edges as ``[source, target]``, ``tiers`` by node) and
        ``weight_units`` (words).
    """
    parts = made["parts"]
    data_id = str(parts["data"])
    prefix = data_id.split(":", 1)[0]
    return {
        "data_set": made.get("data_name", ""),
        "source": _SOURCES.get(prefix, prefix),
        "data_id": data_id,
        "columns": list(parts["columns"]),
        "missing_values": _MISSING.get(parts["missing"], parts["missing"]),
        "scaling": _SCALING.get(parts["scale"], parts["scale"]),
        "prior_knowledge": _prior_parts(parts["prior"]),
        "weight_units": WEIGHT_UNITS,
    }


def result_json(result: Any, made: dict[str, Any] | None) -> str:
    """A result's JSON download: its own JSON, plus how its data were prepared.

    Parameters
    ----------
    result : ResultMixin
        A result of the page (``DagResult``, ``BootstrapResult``).
    made : dict or None
        What it was made on (:func:`made_on`); ``None``: not known, and the
        file is the result's JSON alone.

    Returns
    -------
    str
        Strict JSON: ``result.to_dict()`` with ``data_preparation``
        (:func:`data_preparation`) added when ``made`` is known. ``from_json``
        of the result's type skips keys that are not fields, so the file loads
        as the result.
    """
    doc = result.to_dict()
    if made is not None:
        doc["data_preparation"] = data_preparation(made)
    return json.dumps(doc, allow_nan=False)
