"""One loader for every CSV data file: read, validate against a schema, return a DataFrame.

Every data file in ``datasets/`` has a :class:`Schema`. :func:`load` checks the header, every
row's field count (a truncated file fails on the line where it stops), every value's type and
allowed values, and the uniqueness of the key, and raises :class:`~pmkit.errors.DataError`
naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

FIX_HINT = "restore it with `git checkout -- datasets/` or fix the value"


def _parse_int(text: str) -> int:
    return int(text.replace("_", ""))


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"true", "yes", "1"}:
        return True
    if lowered in {"false", "no", "0"}:
        return False
    raise ValueError("expected true or false")


_PARSERS: dict[str, Callable[[str], Any]] = {
    "str": str,
    "int": _parse_int,
    "float": float,
    "bool": _parse_bool,
    "datetime": dt.datetime.fromisoformat,
}

_DTYPES = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean", "datetime": "datetime64[ns]"}


@dataclass(frozen=True)
class Column:
    """One column: its name, type (str, int, float, bool, datetime), whether it may be empty, allowed values."""

    name: str
    kind: str = "str"
    required: bool = True
    choices: frozenset[str] | None = None
    description: str = ""

    def parse(self, text: str) -> Any:
        """Turn the raw text of one cell into a value, raising ValueError with the reason."""
        text = text.strip()
        if not text:
            if self.required:
                raise ValueError("is empty but a value is required")
            return None
        if self.choices is not None and text not in self.choices:
            allowed = ", ".join(sorted(self.choices))
            raise ValueError(f"has {text!r}, which is not one of: {allowed}")
        try:
            return _PARSERS[self.kind](text)
        except ValueError:
            raise ValueError(f"has {text!r}, which is not a valid {self.kind}") from None


@dataclass(frozen=True)
class Schema:
    """The layout of one CSV file: its name, columns, key columns and a row-level check."""

    filename: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""
    row_check: Callable[[dict[str, Any]], str | None] | None = field(default=None, compare=False)
    min_rows: int = 1

    @property
    def names(self) -> list[str]:
        """Column names in file order."""
        return [c.name for c in self.columns]


def read_rows(schema: Schema, path: Path) -> list[dict[str, Any]]:
    """Read and validate ``path`` against ``schema``; return the parsed rows as dicts."""
    if not path.is_file():
        raise DataError(path, "the file is missing", hint="restore it with `git checkout -- datasets/`")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(path, f"is not valid UTF-8 (byte {exc.start}, character {column} of the line)",
                        line=line, hint="save it as UTF-8") from None
    if not text.strip():
        raise DataError(path, "the file is empty", hint="restore it with `git checkout -- datasets/`")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataError(path, f"the header cannot be read: {exc}", line=1) from None
    header = [h.strip() for h in header]
    missing = [n for n in schema.names if n not in header]
    extra = [h for h in header if h not in schema.names]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("unexpected " + ", ".join(extra))
        raise DataError(path, "the header does not match the schema: " + "; ".join(parts), line=1,
                        hint="expected columns: " + ", ".join(schema.names))
    by_name = {c.name: c for c in schema.columns}
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    line = 1
    while True:
        start = reader.line_num + 1  # a quoted field may span lines: errors name the row's first line
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DataError(path, f"the row cannot be read: {exc}", line=start) from None
        line = start
        if not values or all(not v.strip() for v in values):
            continue
        if reader.line_num > start and text.count('"') % 2 and any("\n" in v for v in values):
            raise DataError(path, "a quote opened on this line is never closed", line=start,
                            hint="close the quote or remove it; " + FIX_HINT)
        if len(values) != len(header):
            raise DataError(path, f"has {len(values)} fields, expected {len(header)}", line=line,
                            hint="the row is truncated or has an unquoted comma; " + FIX_HINT)
        row: dict[str, Any] = {}
        for name, value in zip(header, values, strict=True):
            try:
                row[name] = by_name[name].parse(value)
            except ValueError as exc:
                raise DataError(path, str(exc), line=line, column=name, hint=FIX_HINT) from None
        if schema.row_check is not None:
            problem = schema.row_check(row)
            if problem:
                raise DataError(path, problem, line=line, hint=FIX_HINT)
        if schema.key:
            key = tuple(row[k] for k in schema.key)
            if key in seen:
                raise DataError(path, f"duplicates the key {dict(zip(schema.key, key, strict=True))} "
                                f"of line {seen[key]}", line=line, hint=FIX_HINT)
            seen[key] = line
        rows.append({n: row[n] for n in schema.names})
    if len(rows) < schema.min_rows:
        raise DataError(path, f"has {len(rows)} data rows, expected at least {schema.min_rows}",
                        hint="the file looks truncated; restore it with `git checkout -- datasets/`")
    return rows


def check_all(groups: Mapping[str, Mapping[str, Schema]], root: Path) -> list[tuple[str, int | DataError]]:
    """Validate every file of every data set: (``folder/file``, row count or the DataError), none left out."""
    results: list[tuple[str, int | DataError]] = []
    for folder, schemas in groups.items():
        for schema in schemas.values():
            try:
                results.append((f"{folder}/{schema.filename}", len(read_rows(schema, root / folder / schema.filename))))
            except DataError as error:
                results.append((f"{folder}/{schema.filename}", error))
    return results


def load(schema: Schema, folder: Path) -> pd.DataFrame:
    """Load ``folder / schema.filename`` as a validated DataFrame with the schema's dtypes."""
    import pandas as pd

    rows = read_rows(schema, folder / schema.filename)
    frame = pd.DataFrame(rows, columns=schema.names)
    return frame.astype({c.name: _DTYPES[c.kind] for c in schema.columns})


def load_named(schemas: Mapping[str, Schema], name: str, folder: Path) -> pd.DataFrame:
    """Load the data set called ``name`` from ``folder``; an unknown name lists the known ones."""
    if name not in schemas:
        raise KeyError(f"no data set named {name!r} in {folder.name}/; choose one of: {', '.join(sorted(schemas))}")
    return load(schemas[name], folder)


def with_row_counts(schemas: Mapping[str, Schema], rows: Mapping[str, int]) -> dict[str, Schema]:
    """``schemas`` with each file's generated row count as its minimum, so a truncated file is refused by name.

    Every schema must have a count: a data set added without one fails here, not silently later.
    """
    missing = sorted(set(schemas) - set(rows))
    if missing:
        raise KeyError(f"no row count for {', '.join(missing)}; add the generated count beside the schemas")
    return {name: replace(schema, min_rows=max(schema.min_rows, rows[name])) for name, schema in schemas.items()}


def choices(values: Sequence[str]) -> frozenset[str]:
    """Shorthand for a column's allowed values."""
    return frozenset(values)
