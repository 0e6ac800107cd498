"""What the grading run and its workers say to each other: named records, never positional tuples."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Task:
    """One submission to grade: whose, where it is, and its fingerprint when it was picked."""

    learner: str
    path: Path
    sha: str


@dataclass(frozen=True)
class Ready:
    """A worker has set up its course and waits for work."""


@dataclass(frozen=True)
class Graded:
    """A worker graded a submission: the payload its source saves, and where the time went."""

    learner: str
    payload: str
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    """A worker could not grade a submission.

    ``retry``: the failure was the run's (a crash outside the notebook), so the next run tries again;
    ``damaged_metadata``: the notebook's nbgrader metadata could not be restored (whose exercise is it?).
    """

    learner: str
    reason: str
    seconds: float
    retry: bool = False
    damaged_metadata: bool = False
