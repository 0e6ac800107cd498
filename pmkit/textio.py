"""Reading learners' and real-world text files: byte-order marks, Windows line endings, old encodings.

Real backlogs and PRDs come as UTF-8 with or without a byte-order mark, or as Windows-1252 from
older tools. :func:`read_text` tries those in turn and says which one it used, so a reviewer can
report it instead of failing on the first accented character.
"""

from __future__ import annotations

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
