"""JSON round trips and read-only arrays for the frozen result dataclasses.

Each result class (``DagResult``, ``DistributionalValues``, ``GraphResult``) is a
frozen dataclass of NumPy arrays on the CPU plus plain provenance. Inheriting from
:class:`ResultMixin` gives it ``to_dict``, ``to_json``, ``from_dict`` and
``from_json``; arrays are tagged in the JSON with their dtype and shape so that they
come back exactly, non-finite floats included.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import numpy as np

from engine.errors import DataError

__all__ = [
    "ResultMixin",
    "dumps_strict",
    "finite_or_none",
    "from_jsonable",
    "to_jsonable",
    "values_equal",
]

T = TypeVar("T", bound="ResultMixin")
_ARRAY_TAG = "__ndarray__"
_FLOAT_TAG = "__float__"  # a non-finite scalar float: {"__float__": "nan"}


def _float_to_json(x: float) -> float | str:
    return x if math.isfinite(x) else str(x)


def to_jsonable(obj: Any) -> Any:
    """Convert arrays, dataclasses, tuples and NumPy scalars to JSON-ready values.

    Parameters
    ----------
    obj : object
        Nested structure to convert.

    Returns
    -------
    object
        Only dicts, lists, strings, numbers, booleans and ``None``.
    """
    if isinstance(obj, np.ndarray):
        flat = obj.ravel().tolist()
        if obj.dtype.kind == "f":
            flat = [_float_to_json(v) for v in flat]
        return {_ARRAY_TAG: flat, "dtype": obj.dtype.str, "shape": list(obj.shape)}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)
        }
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return {_FLOAT_TAG: str(obj)}
    return obj


def from_jsonable(obj: Any) -> Any:
    """Inverse of :func:`to_jsonable` for arrays and non-finite floats."""
    if isinstance(obj, dict) and _ARRAY_TAG in obj:
        dtype = np.dtype(obj["dtype"])
        values = obj[_ARRAY_TAG]
        if dtype.kind == "f":
            values = [float(v) for v in values]
        return np.asarray(values, dtype=dtype).reshape(obj["shape"])
    if isinstance(obj, dict) and set(obj) == {_FLOAT_TAG}:
        return float(obj[_FLOAT_TAG])
    if isinstance(obj, dict):
        return {k: from_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [from_jsonable(v) for v in obj]
    return obj


def finite_or_none(obj: Any) -> Any:
    """Replace non-finite floats by ``None`` in a nested structure.

    For summaries meant to be read by other tools: ``NaN`` and ``Infinity`` are
    not JSON, and a missing number is ``null`` to every parser.

    Parameters
    ----------
    obj : object
        Dicts, lists, tuples, arrays, NumPy scalars and plain values.

    Returns
    -------
    object
        The same structure (tuples and arrays as lists, NumPy scalars as Python
        values) with every NaN or infinite float replaced by ``None``.

    Examples
    --------
    >>> finite_or_none({"a": float("nan"), "b": [1.5, float("inf")]})
    {'a': None, 'b': [1.5, None]}
    """
    if isinstance(obj, dict):
        return {k: finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite_or_none(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return finite_or_none(obj.tolist())
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def values_equal(a: Any, b: Any) -> bool:
    """Whether two field values of a result are equal, arrays included.

    Arrays are equal when they have the same shape and elements (NaN equal to
    NaN); dicts when they have the same keys and equal values; lists and tuples
    (a tuple comes back from JSON as a list) when their items are equal in order;
    floats also when both are NaN; other values by ``==``.

    Parameters
    ----------
    a, b : object
        The values.

    Returns
    -------
    bool

    Examples
    --------
    >>> values_equal({"x": np.array([1.0, np.nan])}, {"x": np.array([1.0, np.nan])})
    True
    >>> values_equal((1, 2), [1, 2])
    True
    """
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        nan_ok = a.dtype.kind in "fc" and b.dtype.kind in "fc"
        return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=nan_ok))
    if isinstance(a, dict) or isinstance(b, dict):
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and a.keys() == b.keys()
            and all(values_equal(a[k], b[k]) for k in a)
        )
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(map(values_equal, a, b))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return bool(a == b)


def dumps_strict(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` of :func:`finite_or_none` ``(obj)``: always strict JSON.

    Parameters
    ----------
    obj : object
        The structure to write; non-finite floats become ``null``.
    **kwargs
        Passed to :func:`json.dumps` (e.g. ``indent``).

    Returns
    -------
    str
        JSON text without ``NaN`` or ``Infinity`` tokens.
    """
    return json.dumps(finite_or_none(obj), allow_nan=False, **kwargs)


class ResultMixin:
    """Serialisation and freezing shared by the result dataclasses.

    Subclasses are ``@dataclass(frozen=True)`` and may call :meth:`_freeze_arrays`
    from ``__post_init__`` so that shared results cannot be edited by accident.
    Fields that should come back as tuples are listed in ``_tuple_fields``.
    """

    schema_version: ClassVar[int] = 1
    _tuple_fields: ClassVar[tuple[str, ...]] = ()
    # wall-clock fields, and the key of the same name inside dict fields
    _timing_fields: ClassVar[tuple[str, ...]] = ("elapsed_s", "timings")

    def __eq__(self, other: object) -> bool:
        """Equal when every field but the wall-clock timings is (see values_equal).

        Subclasses are declared ``@dataclass(frozen=True, eq=False)`` so that this
        comparison is used: arrays compare element by element, NaN equal to NaN.
        Timings (``elapsed_s``, ``timings`` and ``elapsed_s`` keys in dicts such
        as ``history``) are left out, so two runs with the same seed are equal.
        """
        if type(other) is not type(self):
            return NotImplemented
        return all(
            values_equal(
                _untimed(getattr(self, name), self._timing_fields),
                _untimed(getattr(other, name), self._timing_fields),
            )
            for name in self._compared_fields()
        )

    def __hash__(self) -> int:
        """Hash of the type and the plain (str, int, bool, tuple) compared fields."""
        plain = tuple(
            (name, value)
            for name in self._compared_fields()
            if isinstance(value := getattr(self, name), str | int | bool | tuple)
            and all(isinstance(v, str | int | bool) for v in _items(value))
        )
        return hash((type(self).__name__, plain))

    def _compared_fields(self) -> list[str]:
        return [
            f.name
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.name not in self._timing_fields
        ]

    def _freeze_arrays(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                value = np.array(value, copy=True)
                value.setflags(write=False)
                object.__setattr__(self, f.name, value)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the fields, ``type`` and ``schema_version``."""
        out = to_jsonable(self)
        out["type"] = type(self).__name__
        out["schema_version"] = self.schema_version
        return out

    def to_json(self, path: str | Path | None = None) -> str:
        """Serialise to a JSON string, also written to ``path`` when given.

        The text is strict JSON: non-finite floats are tagged (see
        :func:`to_jsonable`), never written as bare ``NaN`` or ``Infinity``.
        """
        text = json.dumps(self.to_dict(), allow_nan=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        """Rebuild a result from :meth:`to_dict` output."""
        if data.get("type", cls.__name__) != cls.__name__:
            raise DataError(
                f"{cls.__name__}.from_dict: the data holds a {data.get('type')!r}, "
                f"not a {cls.__name__}."
            )
        version = data.get("schema_version", cls.schema_version)
        if version > cls.schema_version:
            raise DataError(
                f"{cls.__name__}.from_dict: schema_version {version} is newer than "
                f"this library reads ({cls.schema_version}); upgrade structure-lab."
            )
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        kwargs = {k: from_jsonable(v) for k, v in data.items() if k in names}
        for name in cls._tuple_fields:
            if name in kwargs and kwargs[name] is not None:
                kwargs[name] = tuple(kwargs[name])
        return cls(**kwargs)

    @classmethod
    def from_json(cls: type[T], source: str | Path) -> T:
        """Read a result from a JSON string or from a file path."""
        text = str(source)
        if not text.lstrip().startswith("{"):
            text = Path(source).read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise DataError(
                f"{cls.__name__}.from_json: not valid JSON ({err.msg} at line "
                f"{err.lineno}); pass the text or file written by to_json."
            ) from err
        return cls.from_dict(data)


def _untimed(value: Any, keys: tuple[str, ...]) -> Any:
    """``value`` without wall-clock entries: dict keys in ``keys``, at any depth."""
    if isinstance(value, dict):
        return {k: _untimed(v, keys) for k, v in value.items() if k not in keys}
    return value


def _items(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)
