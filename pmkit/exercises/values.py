"""A learner's answer as plain values, read with trusted code.

:func:`plain` turns an answer into str, int, float, bool, None, list, tuple and dict with trusted
code, so a learner's object never brings its own ``__eq__``. No key, and no digest of one, is made
here: a digest over a few possible answers is inverted by trying them all.
"""

from __future__ import annotations

# Builtins are bound here at import time, so a learner who later replaces ``builtins.len`` or
# ``builtins.sorted`` in their kernel does not change what these checks compute.
import hashlib
import json
import math
import sys
from builtins import (  # noqa: UP029
    abs,
    all,
    bool,
    dict,
    float,
    frozenset,
    int,
    isinstance,
    len,
    list,
    map,
    repr,
    round,
    set,
    sorted,
    str,
    tuple,
    type,
    zip,
)
from collections.abc import Mapping, Sequence
from typing import Any

from pmkit.exercises.outcomes import _incorrect, _not_attempted

_PLAIN_SCALARS = (str, int, float, bool, type(None))


def _upper(text: Any) -> str:
    try:
        text = plain(text)
    except (TypeError, RecursionError):
        text = _type_name(text)
    return str.upper(str.strip(text if type(text) is str else repr(text)))


def _type_name(value: Any) -> str:
    return type.__dict__["__name__"].__get__(type(value))


def _numpy_scalar(value: Any) -> Any:
    numpy = sys.modules.get("numpy")
    if numpy is None or type(value) not in (numpy.int64, numpy.int32, numpy.float64, numpy.float32, numpy.bool_,
                                              numpy.str_):
        raise TypeError(_type_name(value))
    return plain(numpy.generic.item(value))


def plain(value: Any) -> Any:
    """``value`` as plain data, built by trusted code only: str, int, float, bool, None, list, tuple, dict.

    A pandas Series becomes a dict (index to value, in its order), a DataFrame a dict of column
    lists, a set a sorted list. Subclasses are copied into their base type, so a learner's object
    cannot bring its own ``__eq__``; anything else raises TypeError naming its type.
    """
    kind = type(value)
    if kind in _PLAIN_SCALARS:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return bool(int.__int__(value))
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if kind is list or kind is tuple or isinstance(value, (list, tuple)):
        items = [plain(item) for item in (list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value))]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in dict.items(value)}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(item) for item in (set.__iter__(value) if isinstance(value, set)
                                                 else frozenset.__iter__(value))), key=_sort_key)
    pandas = sys.modules.get("pandas")
    if pandas is not None and kind is pandas.Series:
        return {plain(k): _cell(v) for k, v in zip(pandas.Series.tolist(value.index.to_series()),
                                                    pandas.Series.tolist(value), strict=True)}
    if pandas is not None and kind is pandas.DataFrame:
        return {plain(c): [_cell(v) for v in pandas.Series.tolist(value[c])] for c in list(value.columns)}
    return _numpy_scalar(value)


def _cell(value: Any) -> Any:
    """A pandas cell as plain data; missing values (NaN, NaT, NA) become None, timestamps ISO text."""
    pandas = sys.modules.get("pandas")
    if pandas is not None and type(value) is pandas.Timestamp:
        return pandas.Timestamp.isoformat(value)
    if type(value) is float and math.isnan(value):
        return None
    if pandas is not None and (value is pandas.NA or value is pandas.NaT):
        return None
    return plain(value)


def _sort_key(value: Any) -> tuple[str, str]:
    return (_type_name(value), repr(value))


def _as_plain(name: str, value: Any) -> Any:
    """:func:`plain`, reporting a value that is not plain data as an incorrect answer."""
    try:
        return plain(value)
    except TypeError as error:
        raise _incorrect(name, f"expected plain data (text, numbers, lists, dicts or a pandas table), "
                               f"got a {error}") from None
    except RecursionError:
        raise _incorrect(name, "the value contains itself") from None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=repr)






def _whole(value: Any) -> Any:
    """Plain data with whole floats as ints (900.0 and 900 are the same count)."""
    kind = type(value)
    if kind is float and value == value and abs(value) < 2 ** 53 and float.is_integer(value):
        return int(value)
    if kind is list or kind is tuple:
        return kind(_whole(v) for v in value)
    if kind is dict:
        return {_whole(k): _whole(v) for k, v in dict.items(value)}
    return value


def _item_text(value: Any) -> str:
    value = _whole(value)
    return _upper(value) if type(value) is str else _canonical(value)




def _is_blank(value: Any) -> bool:
    return value is None or value is Ellipsis or (isinstance(value, str) and not value.strip())


def _same(a: Any, b: Any) -> bool:
    """Equality of two plain values, by their canonical text (no learner ``__eq__`` involved)."""
    try:
        return _canonical(_whole(plain(a))) == _canonical(_whole(plain(b)))
    except (TypeError, RecursionError):
        return False


def check_answered(name: str, value: Any, starter: Any = None, what_to_do: str = "replace the placeholder") -> None:
    """Raise NotAttempted if ``value`` is blank (None, ``...``, empty) or still equals ``starter``."""
    if value is not None and value is not Ellipsis:
        value = _as_plain(name, value)
    unchanged = starter is not None and _same(value, plain(starter))
    if _is_blank(value) or unchanged:
        raise _not_attempted(name, what_to_do)


def as_plain(name: str, value: Any) -> Any:
    """A learner's answer as plain data (see :func:`plain`); a value that is not plain data is incorrect."""
    check_answered(name, value, None, "assign your answer to it")
    return _as_plain(name, value)


def table(name: str, value: Any, columns: Sequence[str]) -> dict[Any, list[Any]]:
    """A learner's DataFrame as plain columns, after checking it is there and has ``columns``."""
    check_answered(name, value, None, "assign your table to it")
    frame = _as_plain(name, value)
    if type(frame) is not dict or not all(type(v) is list for v in dict.values(frame)):
        raise _incorrect(name, f"expected a pandas DataFrame, got a {_type_name(value)}")
    missing = [c for c in columns if c not in frame]
    if missing:
        raise _incorrect(name, f"missing column(s) {', '.join(missing)}; it has {', '.join(map(str, frame))}")
    return frame


def pairs(frame: Mapping[Any, list[Any]], key: str, value: str | Sequence[str]) -> dict[Any, Any]:
    """From plain columns, a dict from ``key`` to ``value`` (a tuple of values if several columns)."""
    frame = plain(frame)
    if type(value) is str:
        return dict(zip(frame[key], frame[value], strict=True))
    return dict(zip(frame[key], zip(*(frame[c] for c in value), strict=True), strict=True))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _show(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"
