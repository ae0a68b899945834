"""Devices, seeds and progress reporting shared by every learner.

Conventions
-----------
* ``device="auto"`` means CUDA when it is available, else the CPU. An explicitly
  requested device that is missing raises :class:`~engine.errors.DeviceError`.
* ``seed=None`` draws a fresh integer seed; results record the seed actually used.
  Only local generators are created; global random state is never touched.
* A progress callback receives a :class:`ProgressEvent`. Returning ``True`` (or
  :data:`STOP`, ``engine.STOP``, which says the same in words) asks the running fit
  to stop after the current step and return what it has, marked as stopped. Every
  other return value (``None``, ``False``, ``1``, text) is ignored. A progress bar's
  ``update`` (tqdm's) returns ``True`` when it redraws, so
  ``progress=lambda e: bar.update(1)`` stops the fit: give such a callback a body
  that returns nothing. A stop asked by ``True`` is logged once at WARNING with that
  advice; :data:`STOP` stops without the note.
* Whether or not a callback is given, progress is logged at INFO on the
  ``engine.progress`` logger at a modest rate: the first event of the program,
  then at most one line every :data:`LOG_EVERY_S` seconds (task, stage,
  step/total, elapsed time and up to three metrics). See it with
  ``logging.basicConfig(level=logging.INFO)``; silence it with
  ``logging.getLogger("engine.progress").setLevel(logging.WARNING)``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from engine.errors import ConfigError, DeviceError, plain

__all__ = [
    "STOP",
    "ProgressCallback",
    "ProgressEvent",
    "Reporter",
    "asks_to_stop",
    "duration_range",
    "duration_words",
    "make_generators",
    "resolve_device",
    "resolve_seed",
    "spawn_seeds",
]

MAX_SEED = 2**31 - 1

# Seconds between two progress lines logged at INFO (all fits together).
LOG_EVERY_S = 15.0

progress_logger = logging.getLogger("engine.progress")

# perf_counter() of the last progress line logged (one clock for every reporter,
# so that nested fits, e.g. the fits of a bootstrap, do not multiply the lines).
_last_logged: list[float] = [-float("inf")]


def resolve_device(
    device: str | torch.device = "auto", owner: str | None = None
) -> torch.device:
    """Turn a device request into a :class:`torch.device` that exists here.

    Parameters
    ----------
    device : str or torch.device, default="auto"
        ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"`` or
        ``"cuda:N"``.
    owner : str, optional
        The function whose ``device`` this is, put first in an error
        (``learn_dag: 'device' must ...``), as :func:`resolve_seed` does;
        ``resolve_device`` without one.

    Returns
    -------
    torch.device
        The resolved device.

    Raises
    ------
    DeviceError
        When an explicitly requested device is not available.
    ConfigError
        When the string is not a device name.

    Examples
    --------
    >>> resolve_device("cpu")
    device(type='cpu')
    """
    who = owner or "resolve_device"
    if isinstance(device, torch.device):
        device = str(device)
    if not isinstance(device, str):
        raise ConfigError(
            f"{who}: 'device' must be 'auto', 'cpu', 'cuda' or 'cuda:N'; "
            f"got {device!r}."
        )
    name = device.strip().lower()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(name)
    except RuntimeError as err:
        raise ConfigError(
            f"{who}: 'device' must be 'auto', 'cpu', 'cuda' or 'cuda:N'; "
            f"got {device!r}."
        ) from err
    if resolved.type == "cpu":
        return resolved
    if resolved.type != "cuda":
        raise DeviceError(
            f"{who}: device {device!r} is not supported; use 'auto', 'cpu' or 'cuda'."
        )
    if not torch.cuda.is_available():
        raise DeviceError(
            f"{who}: device {device!r} was requested but CUDA is not "
            "available on this machine; use device='cpu' or device='auto'."
        )
    index = resolved.index or 0
    if index >= torch.cuda.device_count():
        raise DeviceError(
            f"{who}: device {device!r} was requested but only "
            f"{torch.cuda.device_count()} CUDA device(s) exist."
        )
    return resolved


def resolve_seed(seed: int | None, owner: str | None = None) -> int:
    """Return ``seed`` checked, or a freshly drawn seed when it is ``None``.

    Parameters
    ----------
    seed : int or None
        A non-negative integer, or ``None`` to draw one from the OS entropy pool.
    owner : str, optional
        The function whose ``seed`` this is, put first in an error
        (``learn_dag: 'seed' must ...``) as other option errors name theirs.

    Returns
    -------
    int
        The seed to use and record, in ``[0, 2**31 - 1]``.

    Examples
    --------
    >>> resolve_seed(7)
    7
    """
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1)[0] % MAX_SEED)
    who = f"{owner}: " if owner else ""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ConfigError(
            f"{who}'seed' must be an integer or None; got {plain(seed)!r}."
        )
    if not 0 <= int(seed) <= MAX_SEED:
        raise ConfigError(
            f"{who}'seed' must lie in [0, {MAX_SEED}]; got {plain(seed)!r}."
        )
    return int(seed)


def spawn_seeds(seed: int, n: int) -> list[int]:
    """Derive ``n`` independent integer seeds from ``seed``.

    Job ``i`` of a call always gets the same seed, whatever executor runs it.

    Parameters
    ----------
    seed : int
        The parent seed.
    n : int
        How many child seeds.

    Returns
    -------
    list of int
        ``n`` seeds in ``[0, 2**31 - 1]``.
    """
    children = np.random.SeedSequence(seed).spawn(n)
    return [int(c.generate_state(1)[0] % MAX_SEED) for c in children]


def make_generators(
    seed: int, device: torch.device | str = "cpu"
) -> tuple[np.random.Generator, torch.Generator]:
    """Build the local NumPy and torch generators of one fit.

    Parameters
    ----------
    seed : int
        The resolved seed.
    device : torch.device or str, default="cpu"
        Device of the torch generator.

    Returns
    -------
    rng : numpy.random.Generator
    gen : torch.Generator
    """
    rng = np.random.default_rng(seed)
    gen = torch.Generator(device=torch.device(device))
    gen.manual_seed(seed)
    return rng, gen


@dataclass(frozen=True)
class ProgressEvent:
    """One progress report of a running fit.

    Attributes
    ----------
    task : str
        What is running, e.g. ``"dag.fit"``, ``"values.explain"``, ``"graphs.fit"``.
    stage : str
        Phase within the task, e.g. ``"train"``, ``"refit"``, ``"done"``.
    step : int
        Steps done so far.
    total : int or None
        Steps planned, when known.
    metrics : dict of str to float
        Current figures (``loss``, ``val_accuracy``, ...).
    elapsed_s : float
        Seconds since the task started.
    message : str
        Optional human-readable line.
    fraction : float or None
        Share of the whole task's planned work done, in [0, 1], when the
        stage's ``step / total`` is not it: e.g. the inner steps of one of
        several outer iterations (``None``: ``step / total`` is).
    """

    task: str
    stage: str
    step: int
    total: int | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    elapsed_s: float = 0.0
    message: str = ""
    fraction: float | None = None


class _Stop:
    """The type of :data:`STOP`, whose copies and unpickled copies are STOP itself."""

    def __repr__(self) -> str:
        return "engine.STOP"

    def __reduce__(self) -> str:
        # pickled as the module-level name: unpickles (and copies) to STOP itself
        return "STOP"


#: What a progress callback returns to ask the running fit to stop, as ``True``
#: does, but without the progress-bar note (see :func:`asks_to_stop`). Exported as
#: ``engine.STOP``.
STOP = _Stop()

ProgressCallback = Callable[[ProgressEvent], Any]

_TRUE_STOPS = (
    "{task}: the progress callback returned True at {stage} step {step}, which asks"
    " the fit to stop (a fit already done returns complete). If the callback only"
    " shows progress (a progress bar's update, tqdm's, returns True when it"
    " redraws), make it return nothing, e.g. `def on_event(e): bar.update(1)`."
    " Return engine.STOP to stop without this note."
)


def asks_to_stop(answer: object) -> bool:
    """Whether a progress callback's return value asks the fit to stop.

    Parameters
    ----------
    answer : object
        What the callback returned.

    Returns
    -------
    bool
        ``True`` for :data:`STOP`, ``True`` and ``np.bool_(True)``; ``False``
        for everything else (``None``, ``False``, ``1``, text, arrays).

    Examples
    --------
    >>> [asks_to_stop(a) for a in (True, STOP, None, 1, "stop")]
    [True, True, False, False, False]
    """
    if answer is STOP:
        return True
    return isinstance(answer, bool | np.bool_) and bool(answer)


class Reporter:
    """Send progress events to an optional callback and remember stop requests.

    Parameters
    ----------
    callback : callable or None
        Called with each :class:`ProgressEvent`; returning ``True`` or
        :data:`STOP` asks to stop (:func:`asks_to_stop`; any other return value
        is ignored).
    task : str
        Task name put on every event.
    total : int or None
        Planned number of steps.

    Attributes
    ----------
    stop_requested : bool
        Whether the callback has asked to stop (once set, it stays set).
    """

    def __init__(
        self, callback: ProgressCallback | None, task: str, total: int | None = None
    ) -> None:
        if callback is not None and not callable(callback):
            raise ConfigError(
                f"'progress' must be a callable or None; got {type(callback).__name__}."
            )
        self.callback = callback
        self.task = task
        self.total = total
        self.start = time.perf_counter()
        self.stop_requested = False

    @property
    def elapsed_s(self) -> float:
        """Seconds since the reporter was created."""
        return time.perf_counter() - self.start

    def __call__(
        self,
        stage: str,
        step: int,
        metrics: dict[str, float] | None = None,
        message: str = "",
        total: int | None = None,
        fraction: float | None = None,
    ) -> bool:
        """Emit one event; return ``True`` when the fit should stop now.

        ``total`` replaces the reporter's own for this event, ``fraction`` is
        the task's share done (:attr:`ProgressEvent.fraction`).
        """
        self._log(stage, step, metrics, total, fraction)
        if self.callback is None:
            return self.stop_requested
        event = ProgressEvent(
            task=self.task,
            stage=stage,
            step=int(step),
            total=self.total if total is None else total,
            metrics={k: float(v) for k, v in (metrics or {}).items()},
            elapsed_s=self.elapsed_s,
            message=message,
            fraction=None if fraction is None else float(fraction),
        )
        answer = self.callback(event)
        if not self.stop_requested and asks_to_stop(answer):
            self.stop_requested = True
            if answer is not STOP:
                text = _TRUE_STOPS.format(task=self.task, stage=stage, step=step)
                progress_logger.warning(text)
        return self.stop_requested

    def _log(
        self,
        stage: str,
        step: int,
        metrics: dict[str, float] | None,
        total: int | None,
        fraction: float | None,
    ) -> None:
        """Log the event at INFO if :data:`LOG_EVERY_S` passed since the last line."""
        if not progress_logger.isEnabledFor(logging.INFO):
            return
        now = time.perf_counter()
        if now - _last_logged[0] < LOG_EVERY_S:
            return
        _last_logged[0] = now
        total = self.total if total is None else total
        where = f"{int(step)}/{total}" if total else f"{int(step)}"
        if fraction is not None:
            where += f" ({100 * float(fraction):.0f}% of the task)"
        elif total:
            where += f" ({100 * int(step) / total:.0f}%)"
        figures = ", ".join(
            f"{k}={float(v):.4g}" for k, v in list((metrics or {}).items())[:3]
        )
        progress_logger.info(
            "%s %s: step %s, %.0f s elapsed%s",
            self.task,
            stage,
            where,
            self.elapsed_s,
            f", {figures}" if figures else "",
        )


def duration_words(seconds: float) -> str:
    """An estimated duration in rounded words, for cost warnings.

    Parameters
    ----------
    seconds : float

    Returns
    -------
    str

    Examples
    --------
    >>> duration_words(0.09), duration_words(40.4), duration_words(200)
    ('0.09 s', '40 s', '3 min')
    >>> duration_words(7200), duration_words(9000)
    ('2 h', '2.5 h')
    """
    if seconds < 1:
        return f"{seconds:.2g} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f}".removesuffix(".0") + " h"


def duration_range(low: float, high: float) -> str:
    """A range of estimated seconds in words, one figure when both ends read
    the same (:func:`duration_words`).

    Examples
    --------
    >>> duration_range(40, 200), duration_range(1080, 1090)
    ('40 s to 3 min', '18 min')
    """
    low_words, high_words = duration_words(low), duration_words(high)
    return low_words if low_words == high_words else f"{low_words} to {high_words}"
