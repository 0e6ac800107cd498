"""A cohort's roster: one CSV row per learner, validated whole before anything is imported.

Rosters come out of spreadsheets: UTF-8 with or without a byte-order mark, Windows-1252, Excel's
"Unicode text" (UTF-16, tab-separated) and European Excel's ";"-separated CSV are all read, and the
reader says which it met. Ids are what learners log in with, so two ids that differ only in case
("Alice", "alice") are refused: JupyterHub and most file systems would treat them as one.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from pmkit import textio
from pmkit.errors import PmkitError

MAX_ID = 64
LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(rf"^{_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$")
ROSTER_COLUMNS = ("id", "first_name", "last_name", "email")


@dataclass(frozen=True)
class Learner:
    """One roster row."""

    id: str
    first_name: str
    last_name: str
    email: str


def id_problem(value: str) -> str:
    """Why ``value`` cannot be a learner or instructor id, or "" when it can."""
    if not value:
        return "is empty"
    if len(value) > MAX_ID:
        return f"is {len(value)} characters long; ids are at most {MAX_ID} (they are login and folder names)"
    if not LEARNER_ID.match(value):
        accented = sorted({c for c in value if c.isalpha() and not c.isascii()})
        if accented:
            plain = "".join(_plain(c) for c in value)
            return (f"has {', '.join(repr(c) for c in accented)}: an id is a login and a folder name, so it takes "
                    f"unaccented letters a-z only (e.g. {plain!r}); names keep their accents")
        return "must be letters a-z, digits, '.', '_' or '-', starting with a letter or digit"
    return ""


def _plain(char: str) -> str:
    """A letter without its accent ("é" -> "e"), for suggesting an id."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", char) if c.isascii()) or "_"


#: What no name holds: markup (a page that printed it unescaped would run it) and control characters.
_NOT_IN_NAMES = re.compile(r"[<>\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def name_problem(value: str) -> str:
    """Why ``value`` cannot be a first or last name, or "" when it can: names are plain text."""
    found = _NOT_IN_NAMES.search(value)
    if found is None:
        return ""
    if found.group() in "<>":
        return "holds markup ('<' or '>'); names are plain text, write it without them"
    return f"holds a control character ({found.group().encode('unicode_escape').decode()}); remove it"


def email_problem(value: str) -> str:
    """Why ``value`` is not an e-mail address, or "" when it is one (or empty: e-mail is optional)."""
    if not value:
        return ""
    if len(value) > 254 or not EMAIL.match(value) or len(value.split("@")[0]) > 64:
        return "is not an e-mail address (name@domain.tld)"
    return ""


def _decode(raw: bytes) -> tuple[str, str]:
    """The roster's text and, when it is not plain UTF-8, what it was read as."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16 (Excel's \"Unicode text\")"
    if raw[:200].count(b"\x00") > 20:  # UTF-16 without a byte-order mark
        return raw.decode("utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be"), "UTF-16"
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), ""
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "Windows-1252 (not UTF-8)"


def _delimiter(first_line: str) -> str:
    """The separator of the header line: the one that splits it into the roster's columns."""
    best = max((",", ";", "\t"), key=lambda d: sum(c.strip().lower() in ROSTER_COLUMNS
                                                   for c in first_line.split(d)))
    return best


def read_roster(path: Path) -> list[Learner]:
    """Parse and validate a roster CSV; every problem is reported with its line, nothing half-read."""
    path = Path(path)
    text, encoding = _decode(textio.read_bytes(path, "roster CSV file"))
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    first = text.split("\n", 1)[0]
    delimiter = _delimiter(first)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise PmkitError(f"{path}: the roster cannot be read as CSV ({error})") from None
    if not rows:
        raise PmkitError(f"{path}: the roster is empty; give a header {','.join(ROSTER_COLUMNS)} "
                         "and one row per learner")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if missing:
        read_as = f" (read as {encoding}, separated by {_name(delimiter)})" if encoding or delimiter != "," else ""
        raise PmkitError(f"{path}, line 1: the header lacks {', '.join(missing)}; expected {','.join(ROSTER_COLUMNS)}"
                         f"{read_as}")
    index = {c: header.index(c) for c in ROSTER_COLUMNS}
    learners, problems = [], []
    seen: dict[str, tuple[int, str]] = {}
    emails: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"line {line}: {len(row)} fields, expected {len(header)}")
            continue
        values = {c: row[i].strip() for c, i in index.items()}
        learner_id = values["id"]
        if problem := id_problem(learner_id):
            problems.append(f"line {line}: id {learner_id[:80]!r} {problem}")
        elif learner_id.casefold() in seen:
            first_line, first_id = seen[learner_id.casefold()]
            same = "repeats" if first_id == learner_id else f"differs only in case from {first_id!r} on"
            problems.append(f"line {line}: id {learner_id!r} {same} line {first_line}")
        else:
            seen[learner_id.casefold()] = (line, learner_id)
        for column in ("first_name", "last_name"):
            if problem := name_problem(values[column]):
                problems.append(f"line {line}: {column} {textio.printable(values[column][:80])!r} {problem}")
        if problem := email_problem(values["email"]):
            problems.append(f"line {line}: email {values['email']!r} {problem}")
        elif values["email"]:
            key = values["email"].casefold()
            if key in emails:  # an LMS matching by e-mail would give both rows' grades to one person
                problems.append(f"line {line}: email {values['email']!r} is also on line {emails[key]} (e-mails "
                                "compare without case); each learner needs an address of their own")
            else:
                emails[key] = line
        learners.append(Learner(**values))
    if problems:
        raise PmkitError(f"{path}: nothing was imported; fix these rows first:\n  " + "\n  ".join(problems))
    return learners


def _name(delimiter: str) -> str:
    return {",": "commas", ";": "semicolons", "\t": "tabs"}[delimiter]


def case_clashes(new: list[Learner], existing: list[str]) -> list[str]:
    """New ids that differ only in case from an id already in the cohort, each with the one it clashes with."""
    known = {i.casefold(): i for i in existing}
    return [f"{learner.id!r} (the cohort has {known[learner.id.casefold()]!r})" for learner in new
            if learner.id.casefold() in known and known[learner.id.casefold()] != learner.id]
