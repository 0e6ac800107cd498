"""Reading learners' and real-world text files: byte-order marks, Windows line endings, old encodings.

Real backlogs and PRDs come as UTF-8 with or without a byte-order mark, or as Windows-1252 from
older tools. :func:`read_text` tries those in turn and says which one it used, so a reviewer can
report it instead of failing on the first accented character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pmkit.errors import PmkitError

#: Tried in order; latin-1 decodes any byte string, so reading never fails on encoding alone.
ENCODINGS = ("utf-8", "cp1252", "latin-1")


@dataclass(frozen=True)
class Decoded:
    """Text with newlines normalised, the encoding that decoded it, and whether it had a BOM."""

    text: str
    encoding: str
    had_bom: bool


def decode(raw: bytes) -> Decoded:
    """Decode bytes as UTF-8 (with or without BOM), else Windows-1252, else latin-1."""
    had_bom = raw.startswith(b"\xef\xbb\xbf")
    if had_bom:
        raw = raw[3:]
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return Decoded(normalise(text), encoding, had_bom)
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def normalise(text: str) -> str:
    """Windows and old Mac line endings to ``\\n``; a leading BOM character removed."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_bytes(path: str | Path, what: str = "file") -> bytes:
    """A file's bytes; a missing file or a folder is a PmkitError naming the path and ``what`` was expected."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PmkitError(f"{path}: no such {what}; check the path") from None
    except IsADirectoryError:
        raise PmkitError(f"{path}: is a folder; give the {what}") from None


def read_text(path: str | Path) -> Decoded:
    """Read a text file whatever its encoding; a missing file is a PmkitError naming it."""
    return decode(read_bytes(path, "text file"))


#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection list: = + - @ tab CR), and LF.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def spreadsheet_safe(cell: object) -> str:
    """A CSV cell a spreadsheet shows as text, never runs: a formula's first character is escaped with ``'``.

    OWASP's advice for CSV injection; plain numbers (a negative score included) are left as numbers.
    """
    text = "" if cell is None else str(cell)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def printable(name: str) -> str:
    """A learner-supplied name made safe to print on a terminal (control, bidi and escape characters escaped).

    Shown as ``\\xNN`` / ``\\uNNNN``, so a file name can never move the cursor, recolour or rewrite the screen.
    """
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)
