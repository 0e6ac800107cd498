"""Answers crossing from a learner's kernel to the trusted tests as plain data, and nothing else.

Each autograded test cell is replaced, in the learner's (sandboxed) kernel, by an *export step*
that serialises the values the test reads as tagged JSON. The trusted side decides which names
those are (from the test's own trusted source) and parses what comes back strictly: plain
``str``/``int``/``float``/``bool``/``None``, lists, tuples, sets, dicts, pandas Series and
DataFrames, timestamps and missing values. Anything else (a learner's class with its own ``__eq__``,
a function) never reaches a test: it is reported as not plain data.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
from dataclasses import dataclass
from typing import Any

from pmkit.errors import PmkitError

#: The MIME type of an export step's output; its data is the answers' JSON text.
MIME = "text/x-pmkit-answers"
#: Largest answers payload one test cell may send, in characters of JSON.
MAX_PAYLOAD = 4_000_000
#: Longest written (Markdown) answer a test reads, in characters: a one-page PRD is a few thousand.
MAX_WRITTEN = 100_000
MAX_DEPTH = 24
MAX_ITEMS = 400_000
_DIRECTIVE = re.compile(r"^\s*#\s*answers\s*:\s*(.*)$")
#: "# from markdown: prd_text = answer-prd": the test reads ``prd_text`` as the text of that Markdown answer cell.
_FROM_MARKDOWN = re.compile(r"^\s*#\s*from\s+markdown\s*:\s*(?P<name>\w+)\s*=\s*(?P<cell>[\w-]+)\s*$", re.I)
_BUILTINS = frozenset(dir(builtins))


class AnswerError(PmkitError):
    """An answer that is not plain data, or an export that could not be read."""


def defined_names(source: str) -> set[str]:
    """Names a cell binds at top level or anywhere (assignments, imports, defs, loop targets)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def answer_names(test_source: str, trusted: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The learner's names a test cell reads: an explicit ``# answers: a, b`` first line, or found by AST.

    ``trusted`` holds names the trusted side defines itself (setup cells, earlier test cells):
    those are never taken from the learner, so rebinding them in a notebook changes nothing.
    """
    first = test_source.lstrip("\n").splitlines()[0] if test_source.strip() else ""
    if match := _DIRECTIVE.match(first):
        return [n for n in (x.strip() for x in match.group(1).split(",")) if n.isidentifier()]
    own = defined_names(test_source)
    loaded = [node.id for node in ast.walk(ast.parse(test_source))
              if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)]
    skip = own | set(trusted) | _BUILTINS
    return list(dict.fromkeys(n for n in loaded if n not in skip))


def markdown_names(test_source: str) -> dict[str, str]:
    """The names a test cell reads from a Markdown answer cell (name -> cell id), from its leading comment lines.

    The grader takes those from the submitted notebook itself, never from the learner's kernel, so code
    that sets the variable cannot stand in for the written answer.
    """
    found = {}
    for line in test_source.lstrip("\n").splitlines():
        if not line.lstrip().startswith("#"):
            break
        if match := _FROM_MARKDOWN.match(line):
            found[match.group("name")] = match.group("cell")
    return found


# --- the export step: runs inside the learner's kernel, so it must be self-contained ---------------

_EXPORT = r'''
def _pmkit_export(names, ns, mime, limit):
    import json, math, sys
    pd = sys.modules.get("pandas")
    np = sys.modules.get("numpy")

    def enc(v, depth):
        if depth > 24:
            raise ValueError("nested too deeply")
        t = type(v)
        if v is None or t is bool or t is int or t is str:
            return v
        if t is float:
            return v if math.isfinite(v) else {"float": repr(v)}
        if np is not None and isinstance(v, np.generic) and getattr(v, "ndim", 1) == 0 and \
                t.__module__ == "numpy":
            return enc(v.item(), depth + 1)
        if t is list:
            return [enc(x, depth + 1) for x in v]
        if t is tuple:
            return {"tuple": [enc(x, depth + 1) for x in v]}
        if t is set or t is frozenset:
            return {"set": [enc(x, depth + 1) for x in v]}
        if t is dict:
            return {"dict": [[enc(k, depth + 1), enc(x, depth + 1)] for k, x in v.items()]}
        if np is not None and t is np.ndarray:
            return enc(v.tolist(), depth + 1)
        if pd is not None:
            if t is pd.Timestamp:
                return {"timestamp": v.isoformat()}
            if v is pd.NaT:
                return {"nat": None}
            if v is pd.NA:  # a missing value in a nullable column (load_data's Float64, Int64, string)
                return {"na": None}
            if t is pd.Series:
                return {"series": {"name": enc(v.name, depth + 1), "index": enc(v.index.tolist(), depth + 1),
                                   "values": enc(v.tolist(), depth + 1), "dtype": str(v.dtype)}}
            if t is pd.DataFrame:
                return {"frame": {"columns": enc(v.columns.tolist(), depth + 1),
                                  "index": enc(v.index.tolist(), depth + 1),
                                  "values": [enc(v.iloc[:, i].tolist(), depth + 1) for i in range(v.shape[1])],
                                  "dtypes": [str(d) for d in v.dtypes]}}
        return {"unsupported": ("a function" if callable(v) else "a " + t.__name__)}

    out = {}
    for name in names:
        if name not in ns:
            out[name] = {"missing": None}
            continue
        try:
            out[name] = enc(ns[name], 0)
        except Exception as error:
            out[name] = {"unsupported": "a value that could not be read (" + type(error).__name__ + ")"}
    text = json.dumps(out)
    if len(text) > limit:
        text = json.dumps({n: {"unsupported": "a value too large to grade"} for n in names})
    from IPython.display import display
    display({mime: text}, raw=True)

_pmkit_export({names!r}, globals(), {mime!r}, {limit!r})
del _pmkit_export
'''


def export_source(grade_id: str, names: list[str]) -> str:
    """The code that replaces test cell ``grade_id`` in the learner's kernel: it only sends ``names``."""
    body = _EXPORT.replace("{names!r}", repr(names)).replace("{mime!r}", repr(MIME))
    return f"# pmkit: the answers {grade_id} checks, sent to the grader as data\n" + \
        body.replace("{limit!r}", repr(MAX_PAYLOAD)).lstrip("\n")


# --- the trusted side: strict parsing ----------------------------------------------------------------

@dataclass(frozen=True)
class Unsupported:
    """An answer that is not plain data; ``what`` says what it was, for the learner."""

    what: str


MISSING = object()


def parse_payload(text: Any, names: list[str]) -> dict[str, Any]:
    """Parse one export step's JSON into tagged values for ``names``; unknown or malformed parts raise."""
    if not isinstance(text, str):
        raise AnswerError("the answers were not sent as text")
    if len(text) > MAX_PAYLOAD:
        raise AnswerError("the answers are too large to grade")
    try:
        raw = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except (ValueError, RecursionError) as error:
        raise AnswerError(f"the answers could not be read: {str(error)[:80]}") from None
    if not isinstance(raw, dict):
        raise AnswerError("the answers were not a JSON object")
    counter = [0]
    return {name: _check(raw[name], 0, counter) if name in raw else {"missing": None} for name in names}


def _check(value: Any, depth: int, counter: list[int]) -> Any:
    """Validate the tagged JSON shape (depth, size, known tags); the value itself is rebuilt later."""
    counter[0] += 1
    if depth > MAX_DEPTH or counter[0] > MAX_ITEMS:
        raise AnswerError("the answers are nested too deeply or hold too many items")
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is list:
        return [_check(x, depth + 1, counter) for x in value]
    if type(value) is dict and len(value) == 1:
        (tag, inner), = value.items()
        if tag in ("missing", "nat", "na") and inner is None:
            return value
        if tag in ("float", "timestamp", "unsupported") and type(inner) is str and len(inner) < 200:
            return value
        if tag in ("tuple", "set") and type(inner) is list:
            return {tag: [_check(x, depth + 1, counter) for x in inner]}
        if tag == "dict" and type(inner) is list and all(type(p) is list and len(p) == 2 for p in inner):
            return {tag: [[_check(k, depth + 1, counter), _check(x, depth + 1, counter)] for k, x in inner]}
        if tag == "series" and type(inner) is dict and set(inner) == {"name", "index", "values", "dtype"}:
            return {tag: {k: _check(x, depth + 1, counter) for k, x in inner.items()}}
        if tag == "frame" and type(inner) is dict and set(inner) == {"columns", "index", "values", "dtypes"}:
            return {tag: {k: _check(x, depth + 1, counter) for k, x in inner.items()}}
    raise AnswerError("the answers hold a part the grader does not know")


def rebuild(value: Any) -> Any:
    """Plain Python (and pandas) values from checked tagged JSON; :class:`Unsupported` or MISSING where due."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is list:
        return [rebuild(x) for x in value]
    (tag, inner), = value.items()
    if tag == "missing":
        return MISSING
    if tag == "unsupported":
        return Unsupported(inner)
    if tag == "float":
        if inner not in ("nan", "inf", "-inf"):
            raise AnswerError(f"not a number: {inner[:20]!r}")
        return float(inner)
    if tag == "tuple":
        return tuple(rebuild(x) for x in inner)
    items = [rebuild(x) for x in inner] if tag in ("set",) else None
    if tag == "set":
        if any(_unhashable(x) for x in items):
            raise AnswerError("a set holds something that cannot be in a set")
        return set(items)
    if tag == "dict":
        pairs = [(rebuild(k), rebuild(x)) for k, x in inner]
        if any(_unhashable(k) for k, _ in pairs):
            raise AnswerError("a dict has a key that cannot be a key")
        return dict(pairs)
    import pandas as pd

    if tag == "nat":
        return pd.NaT
    if tag == "na":
        return pd.NA
    if tag == "timestamp":
        return pd.Timestamp(inner)
    if tag == "series":
        index, values = rebuild(inner["index"]), rebuild(inner["values"])
        if not isinstance(index, list) or not isinstance(values, list) or len(index) != len(values):
            raise AnswerError("a Series whose index and values differ in length")
        _plain_cells(index + values)
        series = pd.Series(values, index=pd.Index(index) if index else None, name=_label(rebuild(inner["name"])),
                           dtype=_dtype(inner["dtype"], values))
        return series
    columns, index, values = rebuild(inner["columns"]), rebuild(inner["index"]), inner["values"]
    dtypes = inner["dtypes"]
    if not (isinstance(columns, list) and isinstance(index, list) and type(values) is list and type(dtypes) is list
            and len(columns) == len(values) == len(dtypes)):
        raise AnswerError("a DataFrame whose columns do not match its values")
    data = {}
    for i, (column, dtype) in enumerate(zip(values, dtypes, strict=True)):
        cells = rebuild(column)
        if not isinstance(cells, list) or len(cells) != len(index):
            raise AnswerError("a DataFrame column of the wrong length")
        _plain_cells(cells)
        data[i] = pd.Series(cells, dtype=_dtype(dtype, cells), index=range(len(cells)))
    frame = pd.DataFrame(data, index=range(len(index)))
    frame.columns = [_label(c) for c in columns]
    if index:
        frame.index = pd.Index(index)
    return frame


def _unhashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return True
    return False


def _label(value: Any) -> Any:
    if isinstance(value, (Unsupported, list, dict, set)) or value is MISSING:
        raise AnswerError("a column or index label must be a string, number or tuple")
    return value


def _plain_cells(cells: list[Any]) -> None:
    if any(isinstance(c, Unsupported) or c is MISSING for c in cells):
        raise AnswerError("a table holds a value that is not plain data")


def _dtype(name: Any, values: list[Any]) -> Any:
    """Keep simple dtypes (int, float, bool, datetime, string); anything else is left to pandas."""
    if not isinstance(name, str):
        return None
    if name.startswith("datetime64"):
        return "datetime64[ns]"
    if name in ("int64", "int32", "float64", "float32", "bool") and all(
            type(v) in (int, float, bool) for v in values):
        return name
    return None


def describe(value: Any) -> str:
    """How a learner's value is named in feedback: 'a function', 'a list', ..."""
    if isinstance(value, Unsupported):
        return value.what
    return f"a {type(value).__name__}"
