"""What the grading run needs from a course, whichever kind it is (a pmkit cohort, or any nbgrader course)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from pmkit.grading.engine import GradeOne


class GradingSource(Protocol):
    """A course the runner can grade: where submissions are, how one is graded, and how a result is saved.

    The parent process calls everything but :meth:`open_worker`, which runs in each worker process.
    ``root`` holds the run's lock and resume state; ``db_url`` is the gradebook results go to.
    """

    root: Path
    db_url: str

    def start(self, exercise: str) -> list[str]:
        """Check ``exercise`` can be graded (it is in the gradebook); return lines to say before grading."""
        ...

    def submissions(self, exercise: str) -> dict[str, Path]:
        """Learner id to their submission (a notebook or a folder) of ``exercise``."""
        ...

    def refusal(self, learner: str, path: Path) -> str | None:
        """Why this submission is not graded at all (not on the roster, too large), or None."""
        ...

    def fingerprint(self, path: Path) -> str:
        """The submission's content hash: an unchanged submission is not graded again."""
        ...

    def open_worker(self, exercise: str, *, cell_timeout: int, sandboxed: bool,
                    submission_timeout: float) -> tuple[GradeOne, Callable[[], None]]:
        """In a worker process: get ready to grade ``exercise``; return ``grade_one`` and a ``close``."""
        ...

    def save_graded(self, exercise: str, learner: str, payload: str) -> tuple[float, float, str]:
        """Save one graded submission; return its autograded score, the maximum and a note."""
        ...

    def save_failed(self, exercise: str, learner: str, reason: str) -> None:
        """Record a failure: drop stale automatic scores (never an instructor's) and say why."""
        ...

    def diagnose(self, exercise: str, path: Path, reason: str) -> str:
        """A clearer reason for a notebook whose metadata is damaged (another exercise's, an older release)."""
        ...
