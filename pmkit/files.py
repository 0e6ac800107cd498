"""Writing and fingerprinting files safely: one atomic write and one digest for all of pmkit.

A kill or a full disk mid-write leaves the previous file whole, never half of one: every write goes
to a temporary file beside the target (``.<name>.<random>.tmp``, so concurrent writers never share
one), is flushed to disk, then renamed over the target.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


def _read_umask() -> int:
    """The process's umask (read by setting it and putting it back, the only way POSIX offers: done once)."""
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


#: The mode a new file gets from ``open()`` here; the writers below use it unless told otherwise.
DEFAULT_MODE = 0o666 & ~_read_umask()


@contextlib.contextmanager
def temp_beside(path: Path | str, mode: int | None = None) -> Iterator[Path]:
    """A new empty temporary file beside ``path``, gone on exit unless renamed over ``path`` first.

    For a writer that must look at what it wrote before it replaces the target (collect checks a
    submission's size and exercise); everything else calls :func:`write_bytes_atomic`.
    """
    path = Path(path)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, DEFAULT_MODE if mode is None else mode)  # mkstemp's 0600 would hide it from nbgrader
    finally:
        os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def write_bytes_atomic(path: Path | str, data: bytes | Iterator[bytes], mode: int | None = None) -> Path:
    """Write ``data`` (bytes, or chunks of them) to ``path`` all at once or not at all (``mode``: open()'s)."""
    path = Path(path)
    with temp_beside(path, mode) as temp:
        with open(temp, "wb") as stream:
            for chunk in [data] if isinstance(data, bytes) else data:
                stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    return path


def write_text_atomic(path: Path | str, text: str, mode: int | None = None) -> Path:
    """Write UTF-8 text to ``path`` all at once or not at all."""
    return write_bytes_atomic(path, text.encode("utf-8"), mode)


def write_json_atomic(path: Path | str, data: Any, mode: int | None = None) -> Path:
    """Write JSON (indented, keys sorted, so diffs read well) to ``path`` all at once or not at all."""
    return write_text_atomic(path, json.dumps(data, indent=1, sort_keys=True) + "\n", mode)


def file_digest(path: Path | str) -> str:
    """The SHA-256 of a file's bytes, read in chunks (a large notebook is never held in memory whole)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
