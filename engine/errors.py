"""Exceptions raised by the engine.

Every class refines a built-in exception as well as :class:`EngineError`, so that
``except ValueError`` in user code keeps working. Messages are written for users:
they name the file, column, row or parameter, the value received, and what to do.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np

__all__ = [
    "ConfigError",
    "ConvergenceWarning",
    "DataError",
    "DataWarning",
    "DeviceError",
    "EngineError",
    "ExecutorError",
    "GraphError",
    "NotFittedError",
    "NumericalError",
    "ResourceError",
    "StoppedWarning",
    "UnsupportedError",
    "format_names",
    "memory_words",
    "plain",
    "warn_user",
]


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class DataError(EngineError, ValueError):
    """A table, array or file cannot be used as given (shape, values, encoding)."""


class ConfigError(EngineError, ValueError):
    """A parameter or option has a value outside what it accepts."""


class DeviceError(ConfigError):
    """An explicitly requested compute device is not available."""


class ExecutorError(EngineError, RuntimeError):
    """The executor could not run the jobs (e.g. its worker processes died)."""


class GraphError(DataError):
    """A graph is malformed: unknown nodes, self-loops, cycles where a DAG is needed."""


class NotFittedError(EngineError, AttributeError):
    """A fitted attribute was read before ``fit`` was called."""


class NumericalError(EngineError, ArithmeticError):
    """A computation produced non-finite values or met a singular system."""


class ResourceError(EngineError, MemoryError):
    """A fit would need more memory (or time) than the stated budget allows."""


class UnsupportedError(EngineError, NotImplementedError):
    """A valid but unimplemented combination of options."""


class ConvergenceWarning(UserWarning):
    """An iterative method used all its iterations before meeting its tolerance.

    Raised by :func:`engine.learn_dag` when a fit with early stopping on ran all
    ``max_iter`` epochs (the message is kept in ``result.warnings``).
    """


class DataWarning(UserWarning):
    """The data can be used but is probably not what was meant (e.g. a label)."""


class StoppedWarning(UserWarning):
    """A fit was stopped on request and returned a partial result."""


# the folder of the engine package: frames of files under it are the library's
_ENGINE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

# the warnings collected by the innermost collect_warnings() of this thread (or
# asyncio task), or None where none is active
_COLLECTED: ContextVar[list[tuple[type[Warning], str | Warning]] | None] = ContextVar(
    "engine_collected_warnings", default=None
)


@contextmanager
def collect_warnings() -> Iterator[list[tuple[type[Warning], str | Warning]]]:
    """Keep the engine's warnings raised inside the block instead of showing them.

    A thread-safe stand-in for ``warnings.catch_warnings(record=True)``, which
    swaps the process-wide filter list: two fits in two threads then took each
    other's warnings and could leave an ``"always"`` filter behind. This one
    holds its list in a context variable, so each thread (and asyncio task)
    collects only its own. It sees what :func:`warn_user` issues (every engine
    warning), not warnings of other libraries, which are shown as usual.

    Yields
    ------
    list of (category, message)
        Filled as the block runs, in the order the warnings were raised; the
        caller decides what to show or keep (e.g. re-issue with
        :func:`warn_user` once the block has ended).
    """
    caught: list[tuple[type[Warning], str | Warning]] = []
    token = _COLLECTED.set(caught)
    try:
        yield caught
    finally:
        _COLLECTED.reset(token)


# the comment that ends the message regex of every silence_warnings entry
_OWN_TAG = "(?#engine.errors.silence_warnings "
_OWN_NUMBERS = itertools.count()


def _own_regex(message: str) -> re.Pattern[str]:
    """The message slot of a :func:`silence_warnings` filter entry.

    It matches as ``warnings.filterwarnings(message=message)`` would (at the
    start of the text, case ignored; any text when empty), and ends in a
    regex comment numbered anew for each entry: the entry then equals no
    filter anyone else adds, so ``list.remove`` takes out exactly this one,
    in one step. A plain ``re.Pattern`` in a plain tuple, as libraries that
    copy the filters expect (scikit-learn's joblib workers read ``.pattern``).
    """
    return re.compile(f"(?:{message}){_OWN_TAG}{next(_OWN_NUMBERS)})", re.IGNORECASE)


class _Held:
    """One filter entry of :func:`silence_warnings` and the blocks holding it."""

    def __init__(self, category: type[Warning], message: str) -> None:
        self.entry = ("ignore", _own_regex(message), category, None, 0)
        self.count = 0
        # every filter list the entry was put in (``catch_warnings`` swaps lists)
        self.lists: list[list[object]] = []


# the entries silence_warnings has in the filters, by (category, message)
_HELD: dict[tuple[type[Warning], str], _Held] = {}
_HELD_LOCK = threading.Lock()


@contextmanager
def silence_warnings(
    category: type[Warning] = Warning, message: str = ""
) -> Iterator[None]:
    """Ignore a third-party warning inside the block, safely across threads.

    A thread-safe stand-in for ``warnings.catch_warnings()`` followed by
    ``warnings.simplefilter("ignore", category)``. That pair saves the
    process-wide filter list on entry and puts it back on exit, so two blocks
    overlapping in two threads (A enters, B enters, A exits, B exits) left
    A's ``"ignore"`` filter behind for good and dropped every filter added
    meanwhile. This one adds one ``"ignore"`` entry per (category, message),
    shared by the blocks that ask for it (counted under a lock), in front of
    the other filters, and removes exactly that entry when the last of those
    blocks ends; it never copies or restores the list, so filters others add
    or remove meanwhile stay as they are.

    What it cannot do: Python 3.11's filter list is process-wide, so while
    any thread is inside the block, the category (and message) is also
    ignored in every other thread; silence only what nobody needs to see.
    A ``warnings.catch_warnings()`` block that another thread enters while
    this one is inside copies the entry into its own list, which holds it
    until that block ends.

    Unlike ``warnings.filterwarnings``, it leaves the "already shown"
    registries as they are: Python records no ignored warning in them (3.11
    to 3.13), so nothing silenced here counts as shown afterwards, and an
    ``"ignore"`` entry can only hide warnings, so a warning shown once under
    ``"default"`` is not shown again because the block ran.

    Parameters
    ----------
    category : type of Warning, default=Warning
        The warnings to ignore, subclasses included (``Warning``: all).
    message : str, default=""
        A regular expression the start of the warning's text must match
        (case ignored), as for ``warnings.filterwarnings``; empty: any text.

    Raises
    ------
    ConfigError
        ``category`` is not a Warning class.

    Examples
    --------
    >>> import warnings
    >>> before = list(warnings.filters)
    >>> with silence_warnings(UserWarning, "noisy"):
    ...     warnings.warn("noisy third-party remark")  # not shown
    >>> warnings.filters == before
    True
    """
    if not (isinstance(category, type) and issubclass(category, Warning)):
        raise ConfigError(
            "silence_warnings: 'category' must be a Warning class; got "
            f"{category!r}. Pass e.g. UserWarning."
        )
    key = (category, message)
    with _HELD_LOCK:
        held = _HELD.get(key)
        if held is None:
            held = _HELD[key] = _Held(category, message)
        held.count += 1
        _put_in_front(held)
    try:
        yield
    finally:
        with _HELD_LOCK:
            held.count -= 1
            if held.count == 0:
                del _HELD[key]
                for filters in [*held.lists, warnings.filters]:
                    _take_out(held.entry, filters)


def _is_own(item: object) -> bool:
    """Whether a filter entry is one of :func:`silence_warnings`."""
    if not (isinstance(item, tuple) and len(item) > 1):
        return False
    return isinstance(item[1], re.Pattern) and _OWN_TAG in item[1].pattern


def _put_in_front(held: _Held) -> None:
    """Put ``held``'s entry ahead of every filter not of silence_warnings.

    Put in when the current list lacks it, moved when another filter was put
    before it since; left where it is behind other entries of
    silence_warnings (all ``"ignore"``: their order among them is moot).
    """
    filters = warnings.filters
    for item in filters:
        if item is held.entry:
            return
        if not _is_own(item):
            break
    _take_out(held.entry, filters)
    filters.insert(0, held.entry)
    if not any(known is filters for known in held.lists):
        held.lists.append(filters)


def _take_out(entry: tuple[object, ...], filters: list[object]) -> None:
    """Remove ``entry`` from ``filters``, and any copy made of it (nothing else
    equals it)."""
    while entry in filters:
        try:
            filters.remove(entry)
        except ValueError:  # removed meanwhile (e.g. warnings.resetwarnings)
            return


def warn_user(message: str | Warning, category: type[Warning]) -> None:
    """Issue an engine warning at the line of the user's code that called it.

    The warning is shown (file and line) at the first frame outside the
    ``engine`` package, however deep in the library it arose: the user's call of
    ``learn_dag``, a bootstrap, an estimator's ``fit``. Filters match it by its
    category, its message, and by the engine module that issued it (the module
    of the caller of this function), so ``warnings.filterwarnings("ignore",
    module="engine")`` silences every engine warning and ``module="engine.dag"``
    those of DAG learning. The ``"default"`` action shows a warning once per
    line of the user's code, as for a warning issued with ``stacklevel``; as
    there, Python forgets what it has shown whenever the filters are changed
    with the ``warnings`` module's functions (``filterwarnings``, a
    ``catch_warnings`` block), so a call repeated in a loop that also changes
    them may show its warning again (:func:`silence_warnings`, with which
    fits silence third-party warnings, makes Python forget nothing).

    Inside :func:`collect_warnings` (in this thread) the warning is kept in
    the collector's list instead of being shown.

    Parameters
    ----------
    message : str or Warning
        The text, or a warning instance (re-issuing a caught warning).
    category : type of Warning
        The warning class (ignored for an instance, which has its own).
    """
    collected = _COLLECTED.get()
    if collected is not None:
        kind = type(message) if isinstance(message, Warning) else category
        collected.append((kind, message))
        return
    issuer = sys._getframe(1)
    module = str(issuer.f_globals.get("__name__", "engine"))
    frame = issuer
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_ENGINE_DIR):
        frame = frame.f_back
    # no module_globals: for code run by `python -c` or piped into `python -`,
    # __main__'s loader is the built-in importer, which raises when asked for the
    # source; like warnings.warn, the source line is read from the file by name
    warnings.warn_explicit(
        message,
        category,
        frame.f_code.co_filename,
        frame.f_lineno,
        module=module,
        registry=frame.f_globals.setdefault("__warningregistry__", {}),
    )


def plain(value: object) -> object:
    """``value`` as a message shows it: NumPy scalars as the Python ones.

    ``repr`` of a NumPy scalar names its type (``np.int64(30)``,
    ``np.str_('a')``); a message shows the value the user typed or read in
    their file instead (``30``, ``'a'``). Tuples and lists are converted
    element-wise; anything else is returned as it is.

    Parameters
    ----------
    value : object

    Returns
    -------
    object

    Examples
    --------
    >>> plain(np.int64(30)), plain(np.str_("a")), plain((np.float64(0.5), 2))
    (30, 'a', (0.5, 2))
    """
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return type(value)(plain(v) for v in value)
    return value


def format_names(names: object, limit: int = 30, *, brackets: bool = True) -> str:
    """Show a list of names in a message, saying how many were left out.

    Parameters
    ----------
    names : iterable
        The names (columns, nodes, ...), in order; each is shown with ``repr``
        of its text.
    limit : int, default=30
        Most names shown; the rest are counted (``... and 12 more``).
    brackets : bool, default=True
        Enclose the list in ``[...]``; ``False`` for running text.

    Returns
    -------
    str
        ``"['a', 'b']"``, or ``"['a', 'b', ... and 12 more]"`` when some are left
        out.

    Examples
    --------
    >>> format_names(["a", "b", "c"], limit=2)
    "['a', 'b', ... and 1 more]"
    >>> format_names(["a", "b"], brackets=False)
    "'a', 'b'"
    """
    items = [str(n) for n in names]  # type: ignore[attr-defined]
    shown = ", ".join(repr(n) for n in items[:limit])
    if len(items) > limit:
        shown += f", ... and {len(items) - limit} more"
    return f"[{shown}]" if brackets else shown


# Units of memory sizes in messages, each 1000 times the one before.
_MEMORY_UNITS = ("bytes", "KB", "MB", "GB", "TB")


def memory_words(n_bytes: float) -> str:
    """A memory size in one unit of powers of 1000, for estimates and refusals.

    Every memory figure a page or message shows goes through here, so that a
    caption and the refusal below it say the same size in the same unit (KB, MB,
    GB and TB of 1000, as the app's upload limit counts them). Two significant
    figures below 10 of a unit, whole units above.

    Parameters
    ----------
    n_bytes : float
        The size in bytes (non-negative).

    Returns
    -------
    str

    Examples
    --------
    >>> memory_words(512), memory_words(57_657_888), memory_words(1.489e9)
    ('512 bytes', '58 MB', '1.5 GB')
    >>> memory_words(999_600_000), memory_words(1.6e12)
    ('1 GB', '1.6 TB')
    """
    value, unit = float(n_bytes), 0
    while unit < len(_MEMORY_UNITS) - 1 and round(value) >= 1000:
        value, unit = value / 1000, unit + 1
    if unit == 0:
        return f"{value:.0f} byte" + ("" if value == 1 else "s")
    text = f"{value:.1f}".removesuffix(".0") if value < 9.95 else f"{value:.0f}"
    return f"{text} {_MEMORY_UNITS[unit]}"


def check_choice(owner: str, name: str, value: object, choices: object) -> None:
    """Raise :class:`ConfigError` when ``value`` is not one of ``choices``.

    Parameters
    ----------
    owner : str
        Function or class that owns the parameter, used in the message.
    name : str
        Parameter name.
    value : object
        Value received.
    choices : iterable of str
        Allowed values; listed sorted in the message.

    Examples
    --------
    >>> check_choice("learn_dag", "method", "permutahedron", ["permutahedron"])
    """
    allowed = sorted(str(c) for c in choices)  # type: ignore[attr-defined]
    if value not in allowed:
        raise ConfigError(
            f"{owner}: '{name}' must be one of {allowed}; got {plain(value)!r}."
        )


# what an option of each kind accepts: Python and NumPy numbers (np.int64(3) from an
# array, np.float32 from a float32 model), never bools (True is no count or rate)
_INTEGERS = (int, np.integer)
_NUMBERS = (int, float, np.integer, np.floating)


def plain_number(value: object, *, integer: bool = False) -> int | float | None:
    """``value`` as a plain Python ``int`` or ``float``, or ``None`` if it is none.

    The one rule of what a numeric option accepts. An integer option takes a
    Python or NumPy integer (``3``, ``np.int64(3)``) but no float, however whole
    (``3.0``); a number option takes those and Python or NumPy floats. Booleans
    (``True``, ``np.True_``) are neither. The value returned is a Python number,
    so that configs and results built from it compare equal and write to JSON
    whatever type was passed.

    Parameters
    ----------
    value : object
        The value received.
    integer : bool, default=False
        Whether only integers are accepted.

    Returns
    -------
    int, float or None
        ``int`` for an integer, ``float`` for a float, ``None`` when ``value`` is
        not accepted.

    Examples
    --------
    >>> plain_number(np.int64(3)), plain_number(np.float32(0.5))
    (3, 0.5)
    >>> plain_number(3.0, integer=True) is None, plain_number(True) is None
    (True, True)
    """
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, _INTEGERS):
        return int(value)
    if not integer and isinstance(value, _NUMBERS):
        return float(value)
    return None


def check_int(
    owner: str,
    name: str,
    value: object,
    *,
    low: int | None = None,
    high: int | None = None,
) -> int:
    """``value`` as a plain ``int``; :class:`ConfigError` unless it is an integer
    in ``[low, high]``.

    Python and NumPy integers are accepted (see :func:`plain_number`); floats,
    even whole ones, and booleans are not.

    Parameters
    ----------
    owner, name : str
        Owner and parameter, for the message.
    value : object
        Value received.
    low, high : int or None
        Bounds, both included; ``None`` leaves that side open.

    Returns
    -------
    int

    Examples
    --------
    >>> check_int("learn_dag", "max_iter", np.int64(3), low=1)
    3
    """
    number = plain_number(value, integer=True)
    if number is None or not _within(number, low, high, False):
        words = _range_words(low, high, False, kind="integer")
        raise ConfigError(f"{owner}: '{name}' must be {words}; got {plain(value)!r}.")
    return number  # type: ignore[return-value]


def check_range(
    owner: str,
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
) -> float:
    """``value`` as a plain number; :class:`ConfigError` unless it lies in
    ``[low, high]``.

    Python and NumPy numbers are accepted (see :func:`plain_number`), booleans
    are not. NaN and infinities are refused whatever the bounds (``outer_lr=inf``
    made every LDS edge probability NaN), and the message never offers an
    infinite bound: ``must be a finite number >= 0.0; got inf``.

    Parameters
    ----------
    owner, name : str
        Owner and parameter, for the message.
    value : object
        Value received.
    low, high : float or None
        Bounds; ``None`` leaves that side open.
    low_open : bool, default=False
        Whether ``low`` itself is excluded.

    Returns
    -------
    float
        A Python ``float``, or ``int`` for an integer received (``1`` stays
        ``1``).

    Examples
    --------
    >>> check_range("learn_dag", "lr", np.float32(0.5), low=0.0, low_open=True)
    0.5
    """
    number = plain_number(value)
    # an int is always finite (and one beyond float range must not overflow here)
    finite = isinstance(number, int) or (number is not None and math.isfinite(number))
    if not (finite and _within(number, low, high, low_open)):  # type: ignore[arg-type]
        raise ConfigError(
            f"{owner}: '{name}' must be {_range_words(low, high, low_open)}; got "
            f"{plain(value)!r}."
        )
    return number  # type: ignore[return-value]


def _within(
    number: float, low: float | None, high: float | None, low_open: bool
) -> bool:
    """Whether ``number`` lies within the bounds (``None``: that side open)."""
    above = low is None or (number > low if low_open else number >= low)
    return above and (high is None or number <= high)


def _range_words(
    low: float | None, high: float | None, low_open: bool, kind: str = "number"
) -> str:
    """The values accepted, in words that never offer an infinite bound.

    ``kind`` is ``"number"`` or ``"integer"``.
    """
    finite = "finite " if kind == "number" else ""
    article = "an" if kind == "integer" else "a"
    if low is not None and high is not None:
        return f"{article} {kind} in {'(' if low_open else '['}{low}, {high}]"
    if low is not None:
        return f"{article} {finite}{kind} {'>' if low_open else '>='} {low}"
    return f"{article} {finite}{kind}" + (f" <= {high}" if high is not None else "")
