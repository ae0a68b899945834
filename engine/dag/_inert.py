"""Options that act only under certain values of another option.

Both learners' configs refuse such an option set away from its default while the
other option makes it inert, and tell the app's form which ones to hide
(``inert_because``). DAG-DB has several (``lam`` only with ``estimator='imle'``,
...); both have ``tol``, which acts only with early stopping on (``patience`` >
0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from engine.errors import ConfigError

__all__ = ["EARLY_STOP", "ActsOnlyWith", "inert_reason", "refuse_inert"]


@dataclass(frozen=True)
class ActsOnlyWith:
    """An option that does something only when another one has certain values."""

    other: str  # the deciding option
    acts: Callable[[Any], bool]  # whether the option acts at this value of other
    wanted: str  # the values of other under which it acts, in words
    why: str  # why it does nothing otherwise


EARLY_STOP = ActsOnlyWith(
    "patience",
    lambda v: v > 0,
    "patience > 0",
    "early stopping is off, so no improvement is measured",
)


def refuse_inert(owner: str, config: Any, rules: Mapping[str, ActsOnlyWith]) -> None:
    """Raise when an option of the dataclass ``config`` is set away from its
    default while ``rules`` (option -> when it acts) make it inert.

    Raises
    ------
    ConfigError
        Naming the option, its value, the deciding option and what to do.
    """
    values = asdict(config)
    defaults = {f.name: f.default for f in fields(config)}
    for name, rule in rules.items():
        if values[name] == defaults[name] or rule.acts(values[rule.other]):
            continue
        raise ConfigError(
            f"{owner}: {name}={values[name]!r} does nothing with "
            f"{rule.other}={values[rule.other]!r} ({rule.why}); set "
            f"{rule.wanted}, or leave '{name}' at its default "
            f"{defaults[name]!r}."
        )


def inert_reason(
    config_class: type,
    rules: Mapping[str, ActsOnlyWith],
    name: str,
    settings: Mapping[str, Any],
) -> str | None:
    """The deciding option and its value (``"patience=0"``) when ``rules`` make
    option ``name`` of ``config_class`` inert under ``settings`` (a missing
    setting counts as its default); ``None`` when it acts."""
    rule = rules.get(name)
    if rule is None:
        return None
    default = next(f.default for f in fields(config_class) if f.name == rule.other)
    value = settings.get(rule.other, default)
    return None if rule.acts(value) else f"{rule.other}={value!r}"
