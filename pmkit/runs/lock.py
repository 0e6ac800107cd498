"""One grading run per cohort at a time: a lock file that names its holder and dies with it.

``pmkit grade`` takes ``<cohort>/.pmkit/grade.lock`` with ``flock``: the kernel releases it when the
holder exits, even on ``kill -9``, so a lock is never stale. A second run is refused at once with
who holds the lock (process id, user, host, exercise, since when) instead of grading everything
twice or crashing on the gradebook's UNIQUE constraints.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import getpass
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from pmkit.errors import PmkitError


class LockedError(PmkitError):
    """Another pmkit run holds the cohort's lock."""


@contextlib.contextmanager
def cohort_lock(root: Path, what: str, shard: str | None = None) -> Iterator[None]:
    """Hold the cohort's grading lock for the duration of the block, or raise LockedError naming its holder.

    A whole run holds ``grade.lock`` alone. Shard ``2-of-3`` shares ``grade.lock`` with the other shards (so
    shards run side by side, but never beside a whole run) and holds ``grade-shard-2-of-3.lock`` alone (so
    the same shard never runs twice).
    """
    folder = Path(root) / ".pmkit"
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        if shard is None:
            stack.enter_context(_held(folder / "grade.lock", fcntl.LOCK_EX, what, "another run is grading this "
                                      "cohort"))
        else:
            stack.enter_context(_held(folder / "grade.lock", fcntl.LOCK_SH, what, "a whole (unsharded) run is "
                                      "grading this cohort", record=False))
            stack.enter_context(_held(folder / f"grade-shard-{shard}.lock", fcntl.LOCK_EX, what,
                                      f"shard {shard.replace('-of-', '/')} is already running"))
        yield


@contextlib.contextmanager
def prepare_lock(root: Path) -> Iterator[None]:
    """Wait for, then hold, the lock under which one shard at a time prepares the exercise in the gradebook."""
    folder = Path(root) / ".pmkit"
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder / "prepare.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


@contextlib.contextmanager
def _held(path: Path, mode: int, what: str, busy: str, record: bool = True) -> Iterator[None]:
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(f"{busy} ({_holder(path)}); wait for it to finish, or stop it, then run this again "
                              "(it resumes where that one stopped)") from None
        if record:
            info = {"pid": os.getpid(), "user": _user(), "host": socket.gethostname(), "what": what,
                    "since": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}
            os.ftruncate(handle, 0)
            os.pwrite(handle, (json.dumps(info) + "\n").encode(), 0)
        try:
            yield
        finally:
            if record:
                os.ftruncate(handle, 0)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return (f"process {info['pid']} of {info['user']} on {info['host']}, {info['what']}, "
                f"since {info['since']}")
    except (OSError, ValueError, KeyError, TypeError):
        return f"its lock is {path}"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())
