"""One of pmkit's exercises in a course folder, as the grading run grades it: every input handed in as data.

A cohort builds it (:meth:`pmkit.cohort.folder.Cohort.grading_source`) with its roster, the exercise's
extensions and the late policy as an nbgrader config; the run (:class:`pmkit.runs.runner.Grader`)
then reads submissions from ``submitted/``, grades each in a worker with the engine, and saves here:
``autograded/`` and the gradebook through nbgrader's ``SaveAutoGrades`` and ``AssignLatePenalties``.
"""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmkit.files import file_digest
from pmkit.grading.engine import GradeOne, GradingCourse, exercise_worker
from pmkit.grading.gradebook import gradebook, save_autogrades
from pmkit.notebooks import MAX_NOTEBOOK_BYTES, execution_problems


def read_timestamp(folder: Path) -> dt.datetime | None:
    """The UTC time in ``folder/timestamp.txt``, or None when there is none or it cannot be read."""
    path = folder / "timestamp.txt"
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text).replace(tzinfo=dt.UTC) if text else None
    except (ValueError, OverflowError):
        return None


def submitted_at(root: Path, exercise: str, learner: str) -> dt.datetime | None:
    """When a submission was handed in (naive UTC, as nbgrader stores it): its ``timestamp.txt``, if readable."""
    when = read_timestamp(Path(root) / "submitted" / learner / exercise)
    return when.replace(tzinfo=None) if when else None


def submitted_notebooks(root: Path, exercise: str) -> dict[str, Path]:
    """Learner id to submitted notebook, ``<root>/submitted/<learner>/<exercise>/<exercise>.ipynb``."""
    paths = sorted((Path(root) / "submitted").glob(f"*/{exercise}/{exercise}.ipynb"))
    return {path.parent.parent.name: path for path in paths}


@dataclass
class ExerciseSource:
    """A pmkit exercise's submissions in a course folder (a :class:`pmkit.runs.source.GradingSource`).

    ``engine`` is the folder's course (its root, sources and gradebook); ``roster`` the learners who
    may be graded; ``extensions`` each learner's extra hours on this exercise; ``late_config`` the
    nbgrader config of the late policy (``AssignLatePenalties``), or None for no penalties.
    """

    engine: GradingCourse
    exercise: str
    roster: frozenset[str]
    extensions: dict[str, float] = field(default_factory=dict)
    late_config: Any = None
    max_bytes: int = MAX_NOTEBOOK_BYTES  # the largest notebook graded (``pmkit grade --max-notebook-mb``)

    @property
    def root(self) -> Path:
        """The course folder: submissions, graded notebooks, the run's lock and resume state."""
        return self.engine.root

    @property
    def db_url(self) -> str:
        """The gradebook the scores go to."""
        return self.engine.db_url

    def start(self, exercise: str) -> list[str]:
        """Generate the exercise in the gradebook (its grade cells must exist before scores are saved)."""
        self._same(exercise)
        self.engine.prepare(exercise)
        return []

    def submissions(self, exercise: str) -> dict[str, Path]:
        """Learner id to submitted notebook."""
        self._same(exercise)
        return submitted_notebooks(self.root, exercise)

    def refusal(self, learner: str, path: Path) -> str | None:
        """Not on the roster, not a regular file, or over the size limit (a zip bomb is never loaded into a kernel)."""
        if learner not in self.roster:
            return (f"submitted/{learner}/ is not on the roster: add them with `pmkit cohort roster`, or remove "
                    "the folder; not graded")
        try:
            info = path.lstat()
        except OSError as error:
            return f"{path.name} cannot be read ({error.strerror or error}); not graded"
        if not stat.S_ISREG(info.st_mode):  # a link could point at anything the grader may read: never followed
            return f"{path.name} is not a regular file (a folder or a symbolic link); not graded"
        size = info.st_size
        if size > self.max_bytes:
            return (f"{size / 2**20:.0f} MB is over the {self.max_bytes / 2**20:g} MB limit for a notebook; "
                    f"not graded (a real notebook that big: grade with --max-notebook-mb {-(-size // 2**20)})")
        return None

    def fingerprint(self, path: Path) -> str:
        """The notebook's SHA-256."""
        return file_digest(path)

    def open_worker(self, exercise: str, *, cell_timeout: int, sandboxed: bool,
                    submission_timeout: float) -> tuple[GradeOne, Callable[[], None]]:
        """A private grading course in the worker, built from the folder's sources."""
        return exercise_worker(self.engine.solutions.resolve(), exercise, cell_timeout=cell_timeout,
                               sandboxed=sandboxed, submission_timeout=submission_timeout, max_bytes=self.max_bytes)

    def save_graded(self, exercise: str, learner: str, payload: str) -> tuple[float, float, str]:
        """Write an autograded notebook into the folder and its scores into the gradebook.

        Returns the autograded score, the maximum (from the source, so a deleted test cell still
        counts) and a note naming any test cell missing from the submission.
        """
        import nbformat

        self._same(exercise)
        folder = self.root / "autograded" / learner / exercise
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "FAILED.txt").unlink(missing_ok=True)
        (folder / f"{exercise}.ipynb").write_text(payload, encoding="utf-8")
        nb = nbformat.reads(payload, as_version=4)
        tests = {test.grade_id for test in self.engine.spec(exercise).tests}  # the source's, read once per run
        missing = sorted(tests - {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells})
        notes = [f"test cell(s) missing from the submission, scored 0: {', '.join(missing)}"] if missing else []
        notes += execution_problems(nb)
        save_autogrades(self.db_url, exercise, learner, nb, fields=self._fields(learner),  # each score clamped
                        penalty=self._penalty)
        with gradebook(self.db_url) as book:
            notebook = book.find_submission_notebook(exercise, exercise, learner)
            grades = [g for g in notebook.grades if g.name in tests]
            return float(sum(g.auto_score or 0 for g in grades)), float(sum(g.max_score for g in grades)), \
                "; ".join(notes)

    def save_failed(self, exercise: str, learner: str, reason: str) -> None:
        """No stale grades: drop this learner's automatic scores (an instructor's grades and comments stay).

        A folder of someone not on the roster is left alone: they have no gradebook entry and no feedback.
        """
        from pmkit.grading.regrade import record_failure

        if learner not in self.roster:
            return

        record_failure(self.db_url, exercise, learner, self.root / "autograded" / learner / exercise, [exercise],
                       reason)

    def diagnose(self, exercise: str, path: Path, reason: str) -> str:
        """Nbgrader's reason, or ours when the notebook is another exercise's or an older release's."""
        from pmkit.grading.releases import exercise_grade_ids, submission_problem

        return submission_problem(path, exercise, exercise_grade_ids(self.engine.solutions)) or reason

    def _fields(self, learner: str) -> dict[str, Any]:
        """The submission's gradebook fields the late policy needs: its extension and when it was handed in."""
        fields: dict[str, Any] = {}
        hours = self.extensions.get(learner)
        if hours:  # never clear an extension given with nbgrader's own tools
            fields["extension"] = dt.timedelta(hours=hours)
        when = submitted_at(self.root, self.exercise, learner)
        if when is not None:
            fields["timestamp"] = when
        return fields

    def _penalty(self, nb: Any, found: dict[str, Any]) -> None:
        """Nbgrader's ``AssignLatePenalties`` with the folder's late policy, after the scores are saved."""
        if self.late_config is not None:
            from nbgrader.preprocessors import AssignLatePenalties

            AssignLatePenalties(config=self.late_config).preprocess(nb, found)

    def _same(self, exercise: str) -> None:
        if exercise != self.exercise:
            raise ValueError(f"this source grades {self.exercise!r}, not {exercise!r}")
