"""Errors pmkit raises, each naming the file, row or field at fault and what to do."""

from __future__ import annotations

from pathlib import Path


class PmkitError(Exception):
    """Base class of every error pmkit raises on purpose."""


class DataError(PmkitError):
    """A data file is missing, truncated or malformed.

    ``path`` is the file, ``line`` the 1-based line in it (the header is line 1) or None when the
    problem is the whole file, ``column`` the field at fault if there is one.
    """

    def __init__(self, path: str | Path, problem: str, *, line: int | None = None,
                 column: str | None = None, hint: str | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.column = column
        self.problem = problem
        self.hint = hint
        where = str(self.path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        message = f"{where}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class SubmissionError(PmkitError):
    """One submission cannot be graded as it is: its own reason, never the end of anyone else's grading."""


class NotebookUnreadable(SubmissionError):
    """A file is not a notebook pmkit can read: not JSON, or JSON that is not a notebook.

    ``reason`` is the sentence without the file's path, for a summary row that already names the learner.
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path, self.reason = Path(path), reason
        super().__init__(f"{path}: {reason}")


class DamagedMetadata(SubmissionError):
    """A submission's nbgrader metadata cannot be restored from the release (another exercise's, or edited)."""


class NbgraderFailed(PmkitError):
    """One of nbgrader's own steps failed; ``log`` is what nbgrader said, for a caller to turn into a sentence."""

    def __init__(self, action: str, log: str) -> None:
        self.action, self.log = action, log
        super().__init__(f"nbgrader could not {action}: {log}")
