"""JSON round trips and read-only arrays for the frozen result dataclasses.

Each result class (``DagResult``, ``DistributionalValues``, ``GraphResult``) is a
frozen dataclass of NumPy arrays on the CPU plus plain provenance. Inheriting from
:class:`ResultMixin` gives it ``to_dict``, ``to_json``, ``from_dict`` and
``from_json``; arrays are tagged in the JSON with their dtype and shape so that they
come back exactly, non-finite floats included. Loading checks what it reads before
any method can trip on it: each field's kind (from the dataclass annotations), the
dtypes and shapes a class declares in ``_arrays`` (against each other and against
its names), repeated names, and the class's own ``_load_problems`` (acyclicity,
index ranges); anything wrong is one :class:`~engine.errors.DataError` naming the
fields.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar, overload

import numpy as np

from engine.errors import DataError, format_names

__all__ = [
    "ArraySpec",
    "ResultMixin",
    "dumps_strict",
    "finite_or_none",
    "format_summary",
    "from_jsonable",
    "to_jsonable",
    "values_equal",
]

T = TypeVar("T", bound="ResultMixin")
# the dtype kinds an array field may hold, and the shape it must have: a number is a
# fixed size, a letter a size shared by every axis that names it (see ResultMixin)
ArraySpec = tuple[str, tuple[str | int, ...]]
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


_ARRAY_KINDS = "biufU"
_MAX_ITEMSIZE = 4 * 100_000  # 100 000 characters per string element


def from_jsonable(obj: Any) -> Any:
    """Inverse of :func:`to_jsonable` for arrays and non-finite floats."""
    if isinstance(obj, dict) and _ARRAY_TAG in obj:
        dtype = np.dtype(obj["dtype"])
        if dtype.kind not in _ARRAY_KINDS or dtype.itemsize > _MAX_ITEMSIZE:
            # what to_jsonable writes: no objects, dates, bytes, complex or
            # strings of megabytes (a 40-byte tag could ask for gigabytes)
            raise ValueError(f"an array of dtype {dtype} is not one this writes")
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


def _summary_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    return str(value)


def format_summary(title: str, items: list[tuple[str, Any]], width: int = 88) -> str:
    """``title(name=value, ...)`` over as few lines of ``width`` as it takes.

    Parameters
    ----------
    title : str
        The class name.
    items : list of (str, object)
        Names and values; floats are shown with 4 significant digits, strings
        quoted.
    width : int, default=88
        Longest line.

    Returns
    -------
    str

    Examples
    --------
    >>> format_summary("DagResult", [("method", "dagdb"), ("edges", 3)])
    "DagResult(method='dagdb', edges=3)"
    """
    parts = [
        f"{k}={v!r}" if isinstance(v, str) else f"{k}={_summary_value(v)}"
        for k, v in items
    ]
    lines: list[str] = []
    line = f"{title}("
    for i, part in enumerate(parts):
        piece = part + (", " if i < len(parts) - 1 else ")")
        if len(line) + len(piece.rstrip()) > width and line.strip() != f"{title}(":
            lines.append(line.rstrip())
            line = "    "
        line += piece
    if not parts:
        line += ")"
    lines.append(line)
    return "\n".join(lines)


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

    def __repr__(self) -> str:
        """A short summary (a few lines), not the arrays: see :meth:`_summary`."""
        return format_summary(*self._summary())

    def _repr_html_(self) -> str:
        """The summary as a small HTML table, for notebooks."""
        import html

        title, items = self._summary()
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(_summary_value(v))}</td></tr>"
            for k, v in items
        )
        return f"<table><caption>{html.escape(title)}</caption>{rows}</table>"

    def _summary(self) -> tuple[str, list[tuple[str, Any]]]:
        """The title and the (name, value) pairs of the summary.

        The default names the class and lists the plain fields and the array
        shapes; result classes list what a reader looks for first.
        """
        items: list[tuple[str, Any]] = []
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                items.append((f.name, "array" + str(value.shape)))
            elif isinstance(value, str | int | float | bool):
                items.append((f.name, value))
        return type(self).__name__, items

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
        """Return a JSON-ready dict of the fields, ``type`` and ``schema_version``.

        Keys a class writes for readers without the library (:meth:`_readable`,
        e.g. a DAG's ``nodes`` and ``edges``) come first; :meth:`from_dict`
        checks them against the fields they are written from.
        """
        out = {**to_jsonable(self._readable()), **to_jsonable(self)}
        out["type"] = type(self).__name__
        out["schema_version"] = self.schema_version
        return out

    def _readable(self) -> dict[str, Any]:
        """Keys written from the fields for readers without the library; none
        by default. Not fields: :meth:`from_dict` reads the fields and asks
        :meth:`_readable_problems` whether these keys agree with them."""
        return {}

    def _readable_problems(self, data: dict[str, Any]) -> list[str]:
        """Where the :meth:`_readable` keys of loaded ``data`` disagree with the
        result loaded from its fields; ``[]`` when they agree or are absent."""
        return []

    @overload
    def to_json(self, path: None = None) -> str: ...

    @overload
    def to_json(self, path: str | Path) -> None: ...

    def to_json(self, path: str | Path | None = None) -> str | None:
        """The JSON text, or, given ``path``, write it there and return ``None``.

        As pandas' ``to_json``: a notebook cell that saves a result does not
        echo the whole text. The text is strict JSON: non-finite floats are
        tagged (see :func:`to_jsonable`), never written as bare ``NaN`` or
        ``Infinity``; :meth:`from_json` reads either the text or the file.
        """
        text = json.dumps(self.to_dict(), allow_nan=False)
        if path is None:
            return text
        Path(path).write_text(text, encoding="utf-8")
        return None

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        """Rebuild a result from :meth:`to_dict` output, checking it first.

        Parameters
        ----------
        data : dict
            What :meth:`to_dict` returned (or ``json.loads`` of :meth:`to_json`).

        Returns
        -------
        ResultMixin
            The result, equal to the one that was saved.

        Raises
        ------
        DataError
            ``data`` is not such a dict, holds another result type or a newer
            schema, lacks a required field, or holds something this type's methods
            cannot work with: a field of the wrong kind, arrays whose dtype or shape
            disagree with each other or with the names, repeated names, what
            the type checks in :meth:`_load_problems` (e.g. a cycle in a DAG),
            or keys written for readers without the library (a DAG's ``nodes``
            and ``edges``) that disagree with the fields.
        """
        owner = f"{cls.__name__}.from_dict"
        if not isinstance(data, dict):
            raise DataError(
                f"{owner}: expected a JSON object with the fields of a "
                f"{cls.__name__}; got {_shown(data)}. Pass what to_dict or to_json "
                "wrote."
            )
        if data.get("type", cls.__name__) != cls.__name__:
            raise DataError(
                f"{owner}: the data holds a {data.get('type')!r}, not a {cls.__name__}."
            )
        version = data.get("schema_version", cls.schema_version)
        if isinstance(version, bool) or not isinstance(version, int):
            raise DataError(
                f"{owner}: 'schema_version' must be a whole number; got "
                f"{_shown(version)}. Load the file written by to_json, unchanged."
            )
        if version > cls.schema_version:
            raise DataError(
                f"{owner}: schema_version {version} is newer than "
                f"this library reads ({cls.schema_version}); upgrade structure-lab."
            )
        fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        kwargs: dict[str, Any] = {}
        problems = []
        for name in [n for n in fields if n in data]:
            try:
                kwargs[name] = from_jsonable(data[name])
            except (TypeError, ValueError, KeyError, OverflowError) as err:
                problems.append(f"{name!r} holds a damaged array or number ({err})")
            except RecursionError:
                problems.append(f"{name!r} is nested too deeply to be a result field")
        missing = [
            name
            for name, f in fields.items()
            if name not in data
            and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
        ]
        if missing:
            problems.append(f"required field(s) {missing} are missing")
        problems += cls._kind_problems(kwargs)
        _refuse(owner, problems)
        for name in cls._tuple_fields:
            if name in kwargs and kwargs[name] is not None:
                kwargs[name] = tuple(kwargs[name])
        try:
            result = cls(**kwargs)
        except (TypeError, ValueError, ArithmeticError) as err:
            why = f"the fields do not make a {cls.__name__} ({err})"
            raise _damaged(owner, [why]) from err
        _refuse(owner, result._shape_problems())
        _refuse(owner, result._load_problems())
        _refuse(owner, result._readable_problems(data))
        return result

    @classmethod
    def from_json(cls: type[T], source: str | Path) -> T:
        """Read a result from a JSON string or from a file path.

        Parameters
        ----------
        source : str or Path
            The text :meth:`to_json` returned, or the path of the file it wrote.

        Returns
        -------
        ResultMixin

        Raises
        ------
        DataError
            ``source`` is neither JSON text nor the path of a readable file, is
            not valid JSON, or holds data :meth:`from_dict` refuses; or it is no
            text or path at all (a dict from :meth:`to_dict` is pointed to
            :meth:`from_dict`).
        """
        owner = f"{cls.__name__}.from_json"
        _check_json_source(source, owner, cls.__name__)
        text = str(source)
        if isinstance(source, Path) or not text.lstrip().startswith("{"):
            read = _read_text_or_none(source, owner)
            if read is None:
                try:  # other JSON text (a list, a number) is for from_dict to refuse
                    data = json.loads(text) if not isinstance(source, Path) else None
                except (ValueError, RecursionError):
                    data = None
                if data is None:
                    raise DataError(
                        f"{owner}: {_shown(text)} is neither JSON text nor the path "
                        "of an existing file; pass the text or file written by "
                        "to_json."
                    )
                return cls.from_dict(data)
            text = read
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as err:  # JSONDecodeError is one
            detail = str(err)
            if isinstance(err, json.JSONDecodeError):
                detail = f"{err.msg} at line {err.lineno}"
            raise DataError(
                f"{owner}: not valid JSON ({detail}); pass the text or file "
                "written by to_json."
            ) from err
        return cls.from_dict(data)

    # --- what a loaded result must satisfy ------------------------------------------

    # per array field: ArraySpec = (dtype kinds, e.g. "b", "iu", "fiu"; "" for
    # any) and shape; a letter of a shape is the length of the tuple field it maps
    # to in _sizes, or else the size the first array with that letter has
    _arrays: ClassVar[dict[str, ArraySpec]] = {}
    _sizes: ClassVar[dict[str, str]] = {}
    # tuple fields whose names must be distinct
    _unique_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def _kind_problems(cls, values: dict[str, Any]) -> list[str]:
        """Fields of ``values`` that are not of their annotated kind or dtype.

        A plain (nested) list given for an array field, as a hand-written file may
        hold, is turned into an array in ``values`` first.
        """
        hints = typing.get_type_hints(cls)
        problems = []
        for name, value in values.items():
            hint = hints.get(name, Any)
            if isinstance(value, list) and _matches(np.zeros(0), hint):
                try:
                    value = values[name] = np.asarray(value)
                except ValueError as err:  # ragged rows
                    problems.append(f"{name!r} is not a rectangular array ({err})")
                    continue
                if value.dtype.kind == "O":
                    problems.append(f"{name!r} is not a rectangular array of values")
                    continue
            if not _matches(value, hint):
                problems.append(
                    f"{name!r} must be {_describe(hint)}; got {_shown(value)}"
                )
                continue
            kinds = cls._arrays.get(name, ("", ()))[0]
            if (
                isinstance(value, np.ndarray)
                and kinds
                and value.dtype.kind not in kinds
            ):
                problems.append(
                    f"{name!r} must hold {_KIND_WORDS.get(kinds, kinds)} values; got "
                    f"dtype {value.dtype}"
                )
        return problems

    def _shape_problems(self) -> list[str]:
        """Arrays whose shapes disagree with ``_arrays``, and repeated names."""
        sizes = {
            letter: (len(getattr(self, field)), f"the length of {field!r}")
            for letter, field in self._sizes.items()
        }
        problems = []
        for name, (_, shape) in self._arrays.items():
            value = getattr(self, name)
            if value is None:
                continue
            if value.ndim != len(shape):
                problems.append(
                    f"{name!r} has shape {value.shape}; it must have {len(shape)} "
                    f"dimension(s), {_letters(shape)}"
                )
                continue
            for axis, (want, got) in enumerate(zip(shape, value.shape, strict=True)):
                if isinstance(want, str) and want not in sizes:
                    sizes[want] = (got, f"axis {axis} of {name!r}")
            expected = tuple(w if isinstance(w, int) else sizes[w][0] for w in shape)
            if value.shape != expected:
                letters = dict.fromkeys(w for w in shape if isinstance(w, str))
                why = ", ".join(f"{w} = {sizes[w][0]} ({sizes[w][1]})" for w in letters)
                problems.append(
                    f"{name!r} has shape {value.shape}, but it must be {expected}: "
                    f"{_letters(shape)} with {why}"
                )
        for name in self._unique_fields:
            names = getattr(self, name)
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                problems.append(
                    f"{name!r} repeats {format_names(repeated, 10)}; names must be "
                    "distinct"
                )
        return problems

    def _load_problems(self) -> list[str]:
        """What else makes this result unusable; ``[]`` when nothing does.

        Called by :meth:`from_dict` once the fields have their kinds and the arrays
        their shapes; subclasses override it for their own rules (index ranges,
        acyclicity). Each problem names the field and what is wrong with it.
        """
        return []


_KIND_WORDS = {
    "b": "boolean",
    "iu": "integer",
    "f": "floating-point",
    "fiu": "numeric",
    "biuf": "numeric",
}


def _letters(shape: tuple[str | int, ...]) -> str:
    """A shape of letters and sizes as Python writes a tuple: ``(n,)``, ``(d, d)``."""
    inner = ", ".join(map(str, shape))
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _damaged(owner: str, problems: list[str]) -> DataError:
    """One DataError listing what is wrong with loaded data."""
    return DataError(
        f"{owner}: the data is damaged: {'; '.join(problems)}. Load the text or "
        "file written by to_json, unchanged, or save the result again."
    )


def _refuse(owner: str, problems: list[str]) -> None:
    """Raise :func:`_damaged` when there are ``problems``."""
    if problems:
        raise _damaged(owner, problems)


def _check_json_source(source: Any, owner: str, type_name: str) -> None:
    """Refuse a ``from_json`` source that is neither text nor a path.

    ``str(source)`` of a dict is no JSON (single quotes): "not valid JSON
    (Expecting property name ...)" hid that the dict itself could be loaded.
    """
    if isinstance(source, str | os.PathLike):
        return
    if isinstance(source, Mapping):
        raise DataError(
            f"{owner}: got a dict; from_json reads the JSON text or the file that "
            f"to_json wrote. For a dict such as to_dict returns, use "
            f"{type_name}.from_dict(data)."
        )
    how = ""
    if isinstance(source, bytes | bytearray):
        how = " Decode bytes first: data.decode('utf-8')."
    raise DataError(
        f"{owner}: expected the JSON text (a str) or the path of the file that "
        f"to_json wrote; got {_shown(source)}.{how}"
    )


def _read_text_or_none(source: str | Path, owner: str) -> str | None:
    """The text of the file at ``source``; None when no such file exists."""
    try:
        path = Path(source)
        if not path.is_file():
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError) as err:  # unreadable, not UTF-8, odd name
        if not str(source).strip():
            return None
        raise DataError(
            f"{owner}: cannot read {_shown(str(source))} ({err}); pass the text or "
            "file written by to_json."
        ) from err


def _shown(value: Any) -> str:
    """A short description of a value received, for messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _matches(value: Any, hint: Any) -> bool:
    """Whether a loaded value is of the kind a field annotation names."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (types.UnionType, typing.Union):
        return any(_matches(value, a) for a in args)
    if hint is type(None):
        return value is None
    if hint is np.ndarray or origin is np.ndarray:
        return isinstance(value, np.ndarray)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        item = args[0] if args else Any
        return isinstance(value, list | tuple) and all(_matches(v, item) for v in value)
    if hint is dict or origin is dict:
        item = args[1] if len(args) == 2 else Any
        return isinstance(value, dict) and all(
            _matches(v, item) for v in value.values()
        )
    return True  # a kind this check does not know: the class's own hook decides


def _describe(hint: Any) -> str:
    """The kind of value a field annotation names, in words."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return " or ".join(_describe(a) for a in args)
    if hint is np.ndarray or origin is np.ndarray:
        return "an array (as to_json writes it)"
    if origin is tuple:
        return f"a list of {_describe(args[0]) if args else 'values'}"
    if hint is dict or origin is dict:
        item = _describe(args[1]) if len(args) == 2 else "values"
        return f"an object of {item}"
    words = {
        type(None): "null",
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        str: "text",
    }
    return words.get(hint, str(hint))


def _untimed(value: Any, keys: tuple[str, ...]) -> Any:
    """``value`` without wall-clock entries: dict keys in ``keys``, at any depth."""
    if isinstance(value, dict):
        return {k: _untimed(v, keys) for k, v in value.items() if k not in keys}
    return value


def _items(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)
