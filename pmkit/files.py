"""Writing and fingerprinting files safely: one atomic write and one digest for all of pmkit.

A kill or a full disk mid-write leaves the previous file whole, never half of one: every write goes
to a temporary file beside the target (``.<name>.<random>.tmp``, so concurrent writers never share
one), is flushed to disk, then renamed over the target. Files a learner controls are opened with
:func:`open_regular` (never blocks on a pipe) and timed with :func:`file_time` (any mtime they set reads).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

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


def open_regular(path: Path | str, *, follow_links: bool = True) -> BinaryIO:
    """Open a file for reading only if it is a regular file: a pipe or device never blocks, a link is refused.

    Opened with ``O_NONBLOCK`` (a FIFO swapped in after a check does not hang the reader) and, unless
    ``follow_links``, ``O_NOFOLLOW``; then ``fstat`` on the open descriptor decides, so no swap can slip between.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | (0 if follow_links else os.O_NOFOLLOW)
    handle = os.open(path, flags)
    try:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file (a pipe, socket or device)", str(path))
        os.set_blocking(handle, True)
        return os.fdopen(handle, "rb")
    except BaseException:
        os.close(handle)
        raise


def file_time(seconds: float) -> dt.datetime:
    """A file's modification time as UTC, clamped to between 1970 and now: a learner can set any mtime at all."""
    now, epoch = dt.datetime.now(dt.UTC), dt.datetime.fromtimestamp(0, dt.UTC)
    try:
        when = dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (ValueError, OverflowError, OSError):
        return now if seconds > 0 else epoch
    return min(max(when, epoch), now)
