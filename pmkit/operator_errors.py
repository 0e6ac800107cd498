"""Turning what goes wrong around the operator into one clear sentence: never a traceback for their mistake.

The command line catches what :func:`explain` recognises (a locked or corrupt gradebook, a full
disk, a read-only folder, a database that cannot be reached) and prints the sentence instead of a
traceback. :func:`last_meaningful_line` picks nbgrader's reason out of its captured log.
"""

from __future__ import annotations

import errno
import re

_NOISE = re.compile(r"^(Traceback|\s+File |\s+\^|\s*$|During handling|The above exception|\[\w+\]\s*$|-{5,})")
_VAGUE = ("above traceback", "see the above", "Please see the error above",
          "There was an error processing", "nbgrader.nbgraderformat", "Exception: ")


def last_meaningful_line(log: str, limit: int = 300) -> str:
    """The line of a captured nbgrader log or traceback that says what went wrong, not where."""
    kept = [line for line in log.splitlines() if not _NOISE.match(line)]
    errors = [line.strip() for line in kept if re.match(r"^\s*[\w.]*(Error|Exception)\b:", line)]
    plain = [re.sub(r"^\[\w+\]\s*", "", line).strip() for line in kept if not line[:1].isspace()]
    for line in [*reversed(errors), *reversed(plain)]:
        if line and not any(v in line for v in _VAGUE):
            return _tidy(line, limit)
    return "no reason given (run with --workers 1 to see nbgrader's log)"


def nbgrader_failure(log: str, db_url: str | None = None) -> str:
    """Nbgrader's failure as one sentence: the gradebook's own problem if that is what it was, else its reason.

    Nbgrader answers every database error with advice to run ``nbgrader db upgrade``, which is wrong for
    a locked or damaged gradebook; the driver's message underneath says which it was.
    """
    for marker, name in (("database is locked", "OperationalError"), ("file is not a database", "DatabaseError"),
                         ("readonly database", "OperationalError"), ("unable to open database", "OperationalError")):
        if marker in log:
            return explain(type(name, (Exception,), {"__module__": "sqlite3"})(marker), db_url) or marker
    return last_meaningful_line(log.replace("nbgrader db upgrade", "").replace("BACK UP your database", ""))


def _tidy(line: str, limit: int) -> str:
    line = re.sub(r"^(nbgrader\.\w+\.)+", "", line)
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"


def explain(error: BaseException, db_url: str | None = None) -> str | None:
    """A sentence for an operator's or the machine's problem, or None for a real bug (which keeps its traceback)."""
    where = f" ({_safe_url(db_url)})" if db_url else ""
    text = str(error)
    name = type(error).__name__
    if name in ("OperationalError", "DatabaseError", "InvalidEntry", "PendingRollbackError", "ProgrammingError") \
            or "sqlalchemy" in type(error).__module__ or "sqlite3" in type(error).__module__:
        lowered = text.lower()
        if "disk is full" in lowered:
            return f"the disk holding the gradebook{where} is full; free some space and run this again"
        if "database is locked" in lowered:
            return (f"the gradebook{where} is locked by another program (Formgrader, a second pmkit or nbgrader "
                    "command); wait for it to finish, or stop it, then run this again")
        if "file is not a database" in lowered or "malformed" in lowered or "no such table" in lowered:
            return (f"the gradebook{where} is damaged or is not an nbgrader gradebook; restore it from a backup "
                    "(the submissions are safe in submitted/, so `pmkit grade --force` rebuilds the scores)")
        if "readonly database" in lowered or "read-only" in lowered:
            return f"the gradebook{where} is read-only; give pmkit write access to it and to its folder"
        if "unable to open database file" in lowered:
            return f"the gradebook{where} cannot be opened: its folder is missing or not writable"
        if "could not connect" in lowered or "connection refused" in lowered or "could not translate host" in lowered:
            return f"the gradebook's database server{where} cannot be reached; check the URL and that it is running"
        return f"the gradebook{where} could not be used: {_first_line(text)}"
    if isinstance(error, OSError):
        target = f" {error.filename}" if error.filename else ""
        if error.errno == errno.ENOSPC:
            return (f"the disk is full{f' (writing{target})' if target else ''}; free some space and run this "
                    "again: nothing done is lost")
        if error.errno == errno.EROFS:
            return f"the folder is on a read-only file system (writing{target}); run this where pmkit may write"
        if error.errno in (errno.EACCES, errno.EPERM):
            return f"permission denied on{target or ' a file'}; the cohort folder must be writable by you"
        if error.errno == errno.EDQUOT:
            return f"your disk quota is used up (writing{target}); free some space and run this again"
        if error.errno == errno.ENOENT:
            return f"no such file or folder:{target or ' ' + text}"
    return None


def _first_line(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "no reason given"
    return re.sub(r"\s*\(Background on this error.*", "", first)[:300]


def _safe_url(url: str) -> str:
    """A database URL without its password."""
    return re.sub(r"://([^:/@]+):[^@/]*@", r"://\1:***@", url)
