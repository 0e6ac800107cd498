"""How a cohort's submissions are graded and saved: the cohort as a source for the grading run.

The run (:class:`pmkit.runs.runner.Grader`) asks this source for submissions and hands back each
graded notebook; the source files it under ``autograded/``, records its scores through nbgrader's
``SaveAutoGrades`` with the cohort's deadlines and late policy, and explains failures.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pmkit.files import file_digest
from pmkit.grading.engine import GradeOne, exercise_worker
from pmkit.grading.gradebook import gradebook, save_autogrades
from pmkit.notebooks import MAX_NOTEBOOK_BYTES, execution_problems, is_test_cell

if TYPE_CHECKING:
    from pmkit.cohort.folder import Cohort


class CohortSource:
    """A pmkit cohort as the grading run sees it (:class:`pmkit.runs.source.GradingSource`)."""

    def __init__(self, cohort: Cohort) -> None:
        self.cohort = cohort
        self.root: Path = cohort.root
        self.db_url: str = cohort.db_url
        self._roster: set[str] | None = None

    def start(self, exercise: str) -> list[str]:
        """Generate the exercise in the gradebook (its grade cells must exist before scores are saved)."""
        self.cohort.generate(exercise)
        self._roster = set(self.cohort.learner_ids())
        return []

    def submissions(self, exercise: str) -> dict[str, Path]:
        """Learner id to submitted notebook."""
        return self.cohort.submissions(exercise)

    def refusal(self, learner: str, path: Path) -> str | None:
        """Not on the roster, or over the size limit (a zip bomb is never loaded into a kernel)."""
        if learner not in (self._roster if self._roster is not None else set(self.cohort.learner_ids())):
            return (f"submitted/{learner}/ is not on the roster: add them with `pmkit cohort roster`, or remove "
                    "the folder; not graded")
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            return (f"{size / 2**20:.0f} MB is over the {MAX_NOTEBOOK_BYTES // 2**20} MB limit for a notebook; "
                    "not graded")
        return None

    def fingerprint(self, path: Path) -> str:
        """The notebook's SHA-256."""
        return file_digest(path)

    def open_worker(self, exercise: str, *, cell_timeout: int, sandboxed: bool,
                    submission_timeout: float) -> tuple[GradeOne, Callable[[], None]]:
        """A private grading course in the worker, built from the cohort's sources."""
        return exercise_worker(self.cohort.solutions.resolve(), exercise, cell_timeout=cell_timeout,
                               sandboxed=sandboxed, submission_timeout=submission_timeout)

    @functools.cache  # noqa: B019 - one source per run; the exercise's test cells do not change during it
    def test_cells(self, exercise: str) -> frozenset[str]:
        """Grade ids of the exercise's autograder test cells, read from its source once per run."""
        import nbformat

        source = nbformat.read(self.cohort.solutions / exercise / f"{exercise}.ipynb", as_version=4)
        return frozenset(c.metadata["nbgrader"]["grade_id"] for c in source.cells if is_test_cell(c))

    def save_graded(self, exercise: str, learner: str, payload: str) -> tuple[float, float, str]:
        """Write an autograded notebook into the cohort and its scores into the gradebook.

        Returns the autograded score, the maximum (from the source, so a deleted test cell still
        counts) and a note naming any test cell missing from the submission.
        """
        import nbformat

        from pmkit.cohort import deadlines

        folder = self.root / "autograded" / learner / exercise
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "FAILED.txt").unlink(missing_ok=True)
        (folder / f"{exercise}.ipynb").write_text(payload, encoding="utf-8")
        nb = nbformat.reads(payload, as_version=4)
        tests = self.test_cells(exercise)
        missing = sorted(tests - {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells})
        notes = [f"test cell(s) missing from the submission, scored 0: {', '.join(missing)}"] if missing else []
        notes += execution_problems(nb)
        save_autogrades(self.db_url, exercise, learner, nb,  # scores clamped to each cell's maximum
                        fields=deadlines.submission_fields(self.root, exercise, learner),
                        penalty=lambda graded, found: deadlines.assign_penalty(self.root, graded, found))
        with gradebook(self.db_url) as book:
            notebook = book.find_submission_notebook(exercise, exercise, learner)
            grades = [g for g in notebook.grades if g.name in tests]
            return float(sum(g.auto_score or 0 for g in grades)), float(sum(g.max_score for g in grades)), \
                "; ".join(notes)

    def save_failed(self, exercise: str, learner: str, reason: str) -> None:
        """No stale grades: drop this learner's automatic scores (an instructor's grades and comments stay)."""
        from pmkit.grading.regrade import record_failure

        record_failure(self.db_url, exercise, learner, self.root / "autograded" / learner / exercise, [exercise],
                       reason)

    def diagnose(self, exercise: str, path: Path, reason: str) -> str:
        """Nbgrader's reason, or ours when the notebook is another exercise's or an older release's."""
        from pmkit.cohort.collect import exercise_grade_ids, submission_problem

        return submission_problem(path, exercise, exercise_grade_ids(self.cohort.solutions)) or reason
