"""``structure-lab explain``: train a classifier on a CSV table and explain rows.

Example::

    python -m engine explain wine.csv --target target --model mlp --rows 0,5,9 \
        --estimator exact --out values.json
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from engine.commands import (
    add_fit_anyway_option,
    add_header_option,
    check_device,
    check_in_file,
    check_label,
    check_out,
    check_readable,
    flush_notes,
    header_of,
    in_flag_words,
    progress_log,
    refuse_repeats,
    write_note,
    write_out,
    write_table_notes,
)
from engine.data import read_table
from engine.errors import ConfigError, DataError, DataWarning, format_names
from engine.values.uncertainty import p_change_stderr

if TYPE_CHECKING:
    from engine.values.result import DistributionalValues

__all__ = ["register", "run"]

logger = logging.getLogger(__name__)


# the options' names in the messages of resolve_operator and resolve_seed
_FLAGS = {"operator": "--operator", "seed": "--seed"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``explain`` subcommand."""
    from engine.values.models import MODEL_KINDS
    from engine.values.table_models import MAX_CATEGORIES

    p = subparsers.add_parser(
        "explain",
        help="distributional values (class-flip probabilities) of a classifier",
        description=(
            "Train a classifier on FILE (or load a skops model) and report, for the "
            "chosen rows, each feature's probability of changing the predicted class "
            "and into which class. The features are those of the Explain page: "
            f"numeric columns and text columns of at most {MAX_CATEGORIES} distinct "
            "values, one-hot encoded by the trained model and reported per column."
        ),
    )
    refuse_repeats(p)
    p.add_argument("file", help="CSV table with a label column")
    add_header_option(p)
    p.add_argument("--target", required=True, help="label column")
    add_fit_anyway_option(p)
    p.add_argument(
        "--model",
        choices=MODEL_KINDS,
        default=None,
        help="the classifier trained (default logistic)",
    )
    p.add_argument(
        "--model-file", help="a skops file to explain instead of training (--model)"
    )
    p.add_argument("--rows", default="0", help="comma-separated row positions")
    p.add_argument(
        "--missing",
        choices=("drop", "mean"),
        default="drop",
        help="rows with missing feature values: drop them or fill with the mean "
        "(an empty text cell with the column's most common value; rows with an "
        "empty label are left out of training either way)",
    )
    p.add_argument("--operator", default="shapley", help="shapley, banzhaf, ...")
    p.add_argument(
        "--estimator",
        choices=("auto", "exact", "permutation", "coalition"),
        default="auto",
    )
    p.add_argument("--samples", type=int, default=None, help="orderings/coalitions")
    p.add_argument(
        "--max-background",
        type=int,
        default=100,  # engine.values.explainer.MAX_BACKGROUND, not imported here
        help="table rows that removed features take their values from; a larger "
        "table is subsampled (seeded) to this many (default %(default)s)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto")
    p.add_argument(
        "--top",
        type=int,
        default=5,
        help="features listed per row (default %(default)s)",
    )
    p.add_argument(
        "--top-classes",
        type=int,
        default=None,
        metavar="K",
        help="keep the K classes most likely on the explained rows (by their "
        "largest probability) and pool the others into one class, 'other': "
        "K+1 classes, for a model with many (default: every class)",
    )
    p.add_argument(
        "--out",
        metavar="FILE.json",
        help="write the result as JSON here (engine.DistributionalValues.from_json "
        "loads it)",
    )
    p.set_defaults(func=run)


def _parse_rows(text: str, n: int) -> list[int]:
    try:
        rows = [int(t) for t in text.split(",") if t.strip()]
    except ValueError as err:
        raise ConfigError(
            f"explain: '--rows' must be comma-separated integers; got {text!r}."
        ) from err
    bad = [r for r in rows if not 0 <= r < n]
    if not rows or bad:
        raise ConfigError(
            f"explain: '--rows' must name rows in 0..{n - 1}; got {text!r}."
        )
    return rows


def _check_options(args: argparse.Namespace) -> None:
    """Reject bad options before the table is read or a model trained."""
    from engine.runtime import resolve_seed
    from engine.values.operators import resolve_operator

    if args.top < 1:
        raise ConfigError(f"explain: '--top' must be at least 1; got {args.top}.")
    if args.top_classes is not None and args.top_classes < 1:
        raise ConfigError(
            "explain: '--top-classes' must be a positive integer (the classes "
            f"kept, the others pooled into 'other'); got {args.top_classes}."
        )
    if args.samples is not None and args.samples < 1:
        raise ConfigError(
            f"explain: '--samples' must be a positive integer; got {args.samples}."
        )
    if args.max_background < 1:
        raise ConfigError(
            "explain: '--max-background' must be a positive integer (table rows "
            f"that removed features take their values from); got "
            f"{args.max_background}."
        )
    _check_pairs(args)
    try:
        resolve_operator(args.operator)
        resolve_seed(args.seed)
    except ConfigError as err:
        raise type(err)(in_flag_words("explain", str(err), _FLAGS)) from err
    check_device("explain", args.device)
    check_readable("explain", "the input table", args.file)
    check_in_file("explain", "--model-file", args.model_file)
    inputs = {"the input table": args.file, "the '--model-file' file": args.model_file}
    check_out("explain", args.out, inputs)


def _check_pairs(args: argparse.Namespace) -> None:
    """Refuse options that contradict each other."""
    if args.model is not None and args.model_file:
        raise ConfigError(
            f"explain: '--model {args.model}' trains a classifier and '--model-file' "
            f"{args.model_file!r} loads one; give one of them."
        )
    if args.estimator == "exact" and args.samples is not None:
        raise ConfigError(
            f"explain: '--samples {args.samples}' sets how many orderings or "
            "coalitions are sampled, and '--estimator exact' samples none; drop "
            "--samples or use --estimator permutation or coalition."
        )


SKLEARN_MANY_CLASSES = "The number of unique classes is greater than 50%"
"""The start of scikit-learn's warning on a label of many classes, which the
command's own note (``class_label_warning``) says already."""


def _check_label(frame: pd.DataFrame, args: argparse.Namespace) -> None:
    """Refuse a label column that is not in the table, or one that the pages
    refuse too (:func:`engine.commands.check_label`) unless ``--fit-anyway``
    is given.

    Raises
    ------
    DataError
        Naming ``--target``.
    """
    if args.target not in frame.columns:
        raise DataError(
            f"explain: label column {args.target!r} is not in {args.file}; columns "
            f"are {format_names(frame.columns)}."
        )
    check_label("explain", frame, frame[args.target], args, "train")


_MISSING_ADVICE = (
    "fill them with the column mean (missing='mean') or leave those columns out",
    "use --missing mean to fill them with the column mean",
)
"""The library's advice when dropping incomplete rows leaves none, and the
command's: it has no option to leave feature columns out."""


def _in_missing_words(message: str) -> str:
    """A feature-preparation error with its advice in this command's words."""
    return message.replace(*_MISSING_ADVICE)


CONSTANT_KEPT = (
    "explain keeps it as a feature, which never changes the class (P(change) 0: "
    "removed, it takes the same value from every table row)"
)
"""What the note on a constant feature column says instead of the reader's "left
out of the numeric matrix"."""


TEXT_TAKEN = "explain takes the text columns as features, one-hot encoded"
"""What the note on a table of no numeric column says instead of the reader's
"the learners need numeric columns"."""


def _in_explain_words(report: Any, target: str, features: list[str]) -> Any:
    """``report`` with its identifier-, constant- and no-numeric-column notes
    in this command's words.

    The reader's note offers 'Columns (nodes)' and ``--columns``, which
    ``explain`` has not: a column that looks like row identifiers is left out
    of the features (unless a ``--model-file`` model takes it, ``features``),
    and as the label it would make every row a class. A constant column is
    "left out of the numeric matrix" for the reader; ``explain`` keeps it as a
    feature (a classifier takes every column it is given, as on the Explain
    page), and it never changes the class. A table of no numeric column
    needs none here: the text columns are features.
    """
    from dataclasses import replace

    findings = []
    for finding in report.findings:
        if finding.code == "constant_column" and finding.column in features:
            head = finding.message.split("; it carries no information", 1)[0]
            finding = replace(finding, message=f"{head}; {CONSTANT_KEPT}.")
        elif finding.code == "no_numeric_columns":
            head = finding.message.split("; the learners need", 1)[0]
            finding = replace(finding, message=f"{head}; {TEXT_TAKEN}.")
        elif finding.code == "identifier_column":
            head = finding.message.split("; it is no feature", 1)[0]
            tail = "explain leaves it out of the features"
            if finding.column in features:
                tail = "the model of --model-file takes it as a feature all the same"
            elif finding.column == target:
                tail = (
                    "as the label (--target) it makes every row a class of its "
                    "own; pick a column of class labels"
                )
            finding = replace(finding, message=f"{head}; {tail}.")
        findings.append(finding)
    return replace(report, findings=tuple(findings))


def _check_estimator(args: argparse.Namespace, n_features: int, n_rows: int) -> None:
    """Refuse an estimator that cannot compute the operator, before any training.

    Parameters
    ----------
    args : argparse.Namespace
        The command's options.
    n_features : int
        Features of the classifier (the players).
    n_rows : int
        Table rows available as background.
    """
    from engine.values.explainer import (
        EXACT_HARD_LIMIT,
        choose_estimator,
        estimator_conflict,
    )
    from engine.values.operators import resolve_operator

    operator = resolve_operator(args.operator)
    chosen = args.estimator
    if chosen == "auto":
        chosen = choose_estimator(
            operator, n_features, min(n_rows, args.max_background)
        )
        if chosen == "exact" and args.samples is not None:
            write_note(
                "explain",
                f"'--samples {args.samples}' is not used: --estimator auto computes "
                f"the values of the {n_features} feature(s) exactly.",
            )
    conflict = estimator_conflict(operator, chosen, n_features)
    if conflict == "too_many_players":
        raise ConfigError(
            f"explain: '--estimator exact' would enumerate 2**{n_features} "
            f"coalitions per row for the {n_features} features of {args.file} (at "
            f"most {EXACT_HARD_LIMIT} features); use --estimator permutation, or "
            "auto."
        )
    if conflict == "not_by_orderings":
        raise ConfigError(
            f"explain: '--estimator permutation' estimates Shapley values only, not "
            f"'--operator {args.operator}'; use --estimator coalition or exact."
        )
    if conflict is not None:  # "not_a_semivalue", or any the library adds
        raise ConfigError(
            f"explain: '--estimator {chosen}' cannot compute '--operator "
            f"{args.operator}'; use --estimator permutation."
        )


def _check_kept(rows: list[int], kept: pd.Index, frame: pd.DataFrame) -> None:
    """Refuse explained rows that ``--missing drop`` removed, naming their holes.

    ``frame`` holds the feature columns: a missing or infinite number, or an
    empty text cell, is a hole.
    """
    lost = [r for r in rows if r not in kept]
    if not lost:
        return
    r = lost[0]
    holes = [str(c) for c in frame.columns if _is_hole(frame[c].iloc[r])]
    text = [c for c in holes if not pd.api.types.is_numeric_dtype(frame[c])]
    fill = "fill them with the column mean"
    if text and len(text) == len(holes):
        fill = "fill an empty text cell with the column's most common value"
    elif text:
        fill = (
            "fill them (a number with the column mean, an empty text cell with "
            "the column's most common value)"
        )
    raise DataError(
        f"explain: row(s) {lost[:10]} of '--rows' were dropped for missing or "
        f"infinite feature values (row {r} has no value in {holes[:5]}); use "
        f"--missing mean to {fill}, or choose other --rows."
    )


def _is_hole(value: Any) -> bool:
    """Whether a cell is missing, or a number that is not finite."""
    if pd.isna(value):
        return True
    return isinstance(value, (int, float, np.number)) and not np.isfinite(value)


def _note_label(labels: pd.Series, args: argparse.Namespace) -> None:
    """Say when the label column looks like no class labels
    (:func:`engine.validation.class_label_warning`): a column of class labels
    is needed, or, for a label that ``--fit-anyway`` let through, that each
    value is a class of its own."""
    from engine.validation import class_label_warning, label_refusal

    warning = class_label_warning(labels, args.target)
    if not warning:
        return
    tail = "explain needs a column of class labels (--target)"
    if args.fit_anyway and label_refusal(labels) is not None:
        tail = "as --fit-anyway asks, each value is a class of its own"
    write_note("explain", f"{warning}; {tail}")


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit status."""
    from engine.values import explain, load_skops
    from engine.values.models import check_model_classes, describe_left_out
    from engine.values.table_models import (
        booleans_as_numbers,
        train_table_classifier,
    )

    _check_options(args)
    frame, report = read_table(args.file, header=header_of(args))
    _check_label(frame, args)
    frame, booleans = booleans_as_numbers(frame, args.target)
    if booleans:
        write_note(
            "explain",
            f"boolean column(s) {format_names(booleans, limit=8, brackets=False)} "
            "are 0/1 features (True = 1)",
        )
    rows = _parse_rows(args.rows, len(frame))
    loaded = load_skops(Path(args.model_file)) if args.model_file else None
    try:
        table, record, text, left_out = _feature_table(frame, loaded, args)
    except DataError as err:
        raise type(err)(_in_missing_words(str(err))) from err
    features = list(table.columns)
    report = _in_explain_words(report, args.target, features)
    write_table_notes("explain", report, record)
    _check_estimator(args, len(features), len(table))
    _check_kept(rows, table.index, frame[features])
    _note_label(frame[args.target], args)
    labels = frame[args.target].iloc[table.index]
    if loaded is not None:
        model = loaded
        try:
            accuracy, mismatch = check_model_classes(
                model, table, labels, args.target, "explain"
            )
        except DataError as err:
            if not left_out:
                raise
            # the notes are dropped on an error: the line says what was left out
            raise DataError(
                f"{err} Columns left out: {describe_left_out(left_out)}."
            ) from err
        if mismatch:
            write_note("explain", mismatch)
        where = "" if accuracy is None else f", accuracy {accuracy:.3f} on the table"
        line = f"model: {type(model).__name__} from {args.model_file}{where}\n"
    else:
        with warnings.catch_warnings():  # said above as a note
            warnings.simplefilter("ignore", DataWarning)
            # scikit-learn's "unique classes > 50%" repeats the note as well
            warnings.filterwarnings("ignore", SKLEARN_MANY_CLASSES, UserWarning)
            trained = train_table_classifier(
                table.assign(**{args.target: labels.to_numpy()}),
                args.target,
                args.model or "logistic",
                text=text,
                seed=args.seed,
                progress=progress_log(logger),
            )
        for note in trained.notes:  # rows left out for an empty label
            write_note("explain", note)
        model = trained.model
        line = (
            f"model: {trained.kind}, held-out accuracy {trained.accuracy:.3f} "
            f"({trained.n_test} rows)\n"
        )
    flush_notes()  # the input is checked: say what was changed before the work
    sys.stdout.write(line)
    result = explain(
        model,
        table.loc[rows],
        background=table,
        operator=args.operator,
        estimator=args.estimator,
        n_samples=args.samples,
        seed=args.seed,
        device=args.device,
        row_labels=rows,
        progress=progress_log(logger),
        max_background=args.max_background,
        top_k=args.top_classes,
    )
    n_used = int(result.config.get("n_background", len(table)))
    if result.notes and n_used < len(table):  # the background was subsampled
        write_note(
            "explain",
            f"removed features take the values of a random {n_used} of the "
            f"{len(table)} table rows (seed {args.seed}); --max-background "
            f"{len(table)} uses them all (time and memory grow with it).",
        )
    _note_stderr(result)
    _note_top_classes(result, model, args.top_classes)
    _print_summary(result, args.top)
    if args.out:
        write_out(args.out, result.to_json())
    return 0


def _note_top_classes(
    result: DistributionalValues, model: object, top_classes: int | None
) -> None:
    """Say which classes ``--top-classes`` kept and how many it pooled.

    Parameters
    ----------
    result : DistributionalValues
        Its ``classes`` end with ``"other"`` when classes were pooled.
    model : object
        The classifier (its ``classes_``).
    top_classes : int or None
        The option's value.
    """
    if top_classes is None:
        return
    n_model = len(getattr(model, "classes_", result.classes))
    if top_classes >= n_model:
        write_note(
            "explain",
            f"'--top-classes {top_classes}' pools no class: the model has only "
            f"{n_model} classes.",
        )
        return
    kept = format_names(result.classes[:-1], limit=8, brackets=False)
    pooled = n_model - top_classes
    words = "other class is" if pooled == 1 else "other classes are"
    write_note(
        "explain",
        f"kept the {top_classes} class(es) most likely on the explained rows "
        f"({kept}); the model's {pooled} {words} pooled as 'other'.",
    )


def _note_stderr(result) -> None:
    """Say on stderr when the standard errors rest on too few samples."""
    from engine.values.explainer import STDERR_NOTE_START

    for note in result.notes:
        if note.startswith(STDERR_NOTE_START):
            write_note("explain", note.replace("n_samples", "--samples"))


def _feature_table(
    frame: pd.DataFrame, model: object, args: argparse.Namespace
) -> tuple[pd.DataFrame, Any, list[str], dict[str, str]]:
    """The feature columns the classifier is given, and the columns left out.

    The same features as on the Explain page: a model loaded with
    ``--model-file`` that was fitted on a DataFrame records its columns in
    ``feature_names_in_`` and is given those columns of the table, in its
    order, text ones as they are (e.g. for a Pipeline whose ColumnTransformer
    one-hot encodes them; :func:`engine.values.table_models.model_table`). A
    loaded model fitted on an array gets the numeric columns other than the
    label and row identifiers. A trained model gets those and the text columns
    of few distinct values, which it one-hot encodes
    (:func:`engine.values.table_models.classifier_features`). ``--missing``
    drops the rows with an empty text cell too, or fills the cell with the
    column's most common value.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        The table, label column included.
    model : object or None
        The loaded model, or ``None`` when one is trained.
    args : argparse.Namespace
        The command's options.

    Returns
    -------
    table : DataFrame of shape (n_kept, n_features)
        The features in the classifier's order, indexed by the positions of the
        kept rows in ``frame``.
    record : engine.data.MatrixRecord or None
        What was done to the numeric columns.
    text : list of str
        The text ones of the features.
    left_out : dict of str to str
        The table's other columns (the label excepted) and why; said in a note.

    Raises
    ------
    DataError
        The table lacks columns of the model, or has no feature column, or no
        row without an empty cell is left.
    """
    from engine.values.models import describe_left_out, feature_columns
    from engine.values.table_models import (
        MAX_CATEGORIES,
        classifier_features,
        table_features,
    )

    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        return _model_file_table(frame, names, args)
    if model is None:
        features, text, left_out = classifier_features(frame, args.target)
        takes = (
            f"numeric columns and text columns of at most {MAX_CATEGORIES} "
            "distinct values"
        )
    else:
        features, left_out = feature_columns(frame, args.target)
        text, takes = [], "numeric columns"
    if left_out:
        write_note(
            "explain",
            f"left out {describe_left_out(left_out)}: the classifier takes "
            f"{takes}, other than row identifiers",
        )
    if not features:
        raise DataError(
            f"explain: {args.file} has no feature column besides the label column "
            f"{args.target!r}: the classifier takes {takes} that are not row "
            "identifiers; add such columns or encode them as numbers."
        )
    if text:
        write_note(
            "explain",
            f"text feature(s) {format_names(text, limit=8, brackets=False)} are "
            "one-hot encoded by the trained model; removed features take the "
            "values of table rows",
        )
    table, record = table_features(frame, features, args.missing, "explain")
    return _text_filled(table, text, args), record, text, left_out


def _text_filled(
    table: pd.DataFrame, text: list[str], args: argparse.Namespace
) -> pd.DataFrame:
    """``table`` with ``--missing`` applied to its text cells, said in notes.

    Raises
    ------
    DataError
        Every row has an empty cell and ``--missing drop`` leaves none.
    """
    from engine.values.table_models import missing_text

    table, lines = missing_text(table, text, args.missing)
    for line in lines:
        write_note("explain", line)
    if table.empty:
        raise DataError(
            f"explain: every row of {args.file} has an empty cell in a feature "
            "column, so dropping incomplete rows leaves none; use --missing mean "
            "to fill them."
        )
    return table


def _model_file_table(
    frame: pd.DataFrame, names: Any, args: argparse.Namespace
) -> tuple[pd.DataFrame, Any, list[str], dict[str, str]]:
    """:func:`_feature_table` for a loaded model fitted on named columns."""
    from engine.values.models import describe_left_out
    from engine.values.table_models import model_table

    owner = f"explain: the model in {args.model_file!r}"
    table, record = model_table(frame, names, args.target, args.missing, owner)
    text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    left_out = {
        str(c): "not a column of the model"
        for c in frame.columns
        if c != args.target and c not in table.columns
    }
    if left_out:
        write_note(
            "explain",
            f"left out {describe_left_out(left_out)}: the model in "
            f"{args.model_file!r} takes "
            f"{format_names(table.columns, limit=8, brackets=False)}, in that order",
        )
    return _text_filled(table, text, args), record, text, left_out


RANK_SE = 2.0
"""The summary says the top ranking is unsettled when another feature's P(change)
lies within this many standard errors of the difference of the top one's. The
two estimates come from the same orderings or coalitions, with a covariance the
result does not hold: the sum of their standard errors bounds the difference's."""


def _print_summary(result: DistributionalValues, top: int) -> None:
    """Print, per row, the ``top`` features by P(change) and their top moves.

    Sampled values show the standard error of P(change) (at most, see
    :func:`p_change_stderr`) and a line when the top feature's lead is within
    :data:`RANK_SE` standard errors.
    """
    se = p_change_stderr(result)
    sys.stdout.write(
        f"{result.estimator} {result.operator} values, {result.n_rows} row(s), "
        f"{result.n_model_rows} model rows, {result.timings['total_s']:.2f} s\n"
    )
    if se is not None:
        legend = ""
        if np.isfinite(se).any():
            legend = (
                ": 's.e. <= x' says the Monte Carlo standard error of P(change) "
                "is at most x"
            )
        n = int(result.n_samples.max())
        sys.stdout.write(f"sampled from {n} {_unit(result)}{legend}\n")
    for r, label in enumerate(result.rows):
        pred = result.classes[result.predicted[r]]
        sys.stdout.write(f"row {label}: predicted {pred}\n")
        order = result.p_change[r].argsort()[::-1]
        for i in order[:top]:
            error = "" if se is None else _se_text(se[r, i])
            sys.stdout.write(
                f"  {result.features[i]:<28} P(change) {result.p_change[r, i]:.3f}"
                f"{error}  {_top_move(result, r, i)}\n"
            )
        if se is not None:
            _write_unsettled(result, se[r], r, order)


def _unit(result: DistributionalValues) -> str:
    """What ``n_samples`` counts, in the words of ``--samples``."""
    if result.estimator == "permutation":
        return "orderings"
    return "coalitions per feature"


def _se_text(se: float) -> str:
    """`` (s.e. <= 0.012)``, `` (s.e. < 0.001)`` below 0.0005, or nothing when
    there is no standard error (fewer than 2 samples)."""
    if not np.isfinite(se):
        return ""
    return " (s.e. < 0.001)" if se < 0.0005 else f" (s.e. <= {se:.3f})"


def _top_move(result: DistributionalValues, r: int, i: int) -> str:
    """The most likely class change feature ``i`` makes in row ``r``."""
    q = result.transitions[r, i].copy()
    q[range(len(q)), range(len(q))] = 0
    k, j = divmod(int(q.argmax()), q.shape[1])
    if q[k, j] <= 0:
        return "never changes the class"
    return f"top move {result.classes[j]} -> {result.classes[k]} {q[k, j]:.3f}"


def _write_unsettled(
    result: DistributionalValues, se: np.ndarray, r: int, order: np.ndarray
) -> None:
    """Say which features' P(change) is within noise of the top one's.

    Parameters
    ----------
    result : DistributionalValues
    se : ndarray of shape (M,)
        The standard errors of row ``r``'s P(change).
    r : int
        The row, by position in ``result``.
    order : ndarray of shape (M,), int
        The features by P(change), largest first.
    """
    p = result.p_change[r]
    first = int(order[0])
    # two standard errors of the difference, as the Explain page judges it
    # (engine.values.uncertainty.unsettled_top)
    close = [
        int(i)
        for i in order[1:]
        if p[first] - p[i] <= RANK_SE * math.hypot(se[first], se[i])
    ]
    if not close:
        return
    names = format_names([result.features[i] for i in close], limit=3, brackets=False)
    more = 4 * int(result.n_samples[r])
    verb = "is" if len(close) == 1 else "are"
    sys.stdout.write(
        f"  the top ranking is not settled: {names} {verb} within "
        f"{RANK_SE:g} standard errors of {result.features[first]!r}; --samples "
        f"{more} halves the errors (time grows with it)\n"
    )
