"""The one grading engine: nbgrader's own generate and autograde, in a course folder pmkit manages.

`pmkit check` (a learner checking their own notebook) and, later, cohort grading both go
through :class:`GradingCourse`, so there is one way to execute and score a notebook. Scores come
from nbgrader's gradebook; each question's feedback is the message of the check that failed.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmkit.errors import PmkitError
from pmkit.paths import REPO_ROOT

COURSE_ID = "apm-vs-jpm"
SOURCE_DIR, RELEASE_DIR = "solutions", "exercises"
#: Solution regions become this stub: no ``raise NotImplementedError``, so a released notebook runs clean.
CODE_STUB = "# YOUR CODE HERE\n"
TEXT_STUB = "YOUR ANSWER HERE"
CELL_TIMEOUT = 60


def apply_course_settings(config: Any) -> Any:
    """Put the course's nbgrader settings on a traitlets Config (used by nbgrader_config.py too)."""
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.source_directory = SOURCE_DIR
    config.CourseDirectory.release_directory = RELEASE_DIR
    config.ClearSolutions.code_stub = {"python": CODE_STUB}
    config.ClearSolutions.text_stub = TEXT_STUB
    config.ExecutePreprocessor.timeout = CELL_TIMEOUT
    config.Execute.timeout = CELL_TIMEOUT
    config.Execute.interrupt_on_timeout = True
    return config


def exercise_ids(solutions: Path = REPO_ROOT / SOURCE_DIR) -> list[str]:
    """Every exercise with a source notebook, ``solutions/<id>/<id>.ipynb``."""
    return sorted(p.name for p in solutions.iterdir() if (p / f"{p.name}.ipynb").is_file())


@dataclass(frozen=True)
class CellResult:
    """One graded cell: its grade id, points, and what the learner should read about it."""

    grade_id: str
    score: float | None
    max_score: float
    status: str  # correct, incorrect, not_attempted, manual
    message: str

    @property
    def autograded(self) -> bool:
        """True for test cells nbgrader scores itself."""
        return self.status != "manual"


@dataclass
class SubmissionResult:
    """Everything graded in one learner's notebook."""

    exercise: str
    learner: str
    cells: list[CellResult] = field(default_factory=list)

    @property
    def auto_score(self) -> float:
        """Points earned on autograded cells."""
        return sum(c.score or 0 for c in self.cells if c.autograded)

    @property
    def auto_max(self) -> float:
        """Points available on autograded cells."""
        return sum(c.max_score for c in self.cells if c.autograded)

    @property
    def manual_max(self) -> float:
        """Points left for a human grader."""
        return sum(c.max_score for c in self.cells if not c.autograded)

    def scores(self) -> dict[str, float | None]:
        """Score per grade id (None for manually graded cells not yet graded)."""
        return {c.grade_id: c.score for c in self.cells}


def graded_cell_outcome(cell: Any) -> tuple[str, str]:
    """Read a test cell's outputs: our checks' messages, or the error's last line for anything else."""
    printed = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            ename, evalue = output.get("ename", ""), output.get("evalue", "")
            if ename == "NotAttempted":
                return "not_attempted", evalue
            if ename == "Incorrect":
                return "incorrect", evalue
            return "incorrect", f"\u2718 the test stopped with {ename}: {evalue}".strip()
    return "correct", printed.strip() or "\u2714 passed."


def _put_interpreter_scripts_on_path() -> None:
    """Nbgrader runs ``alembic`` by name; make it findable when the venv is not activated."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def gradebook(db_url: str) -> Any:
    """Open nbgrader's Gradebook at ``db_url``; every pmkit use of the gradebook goes through here."""
    _put_interpreter_scripts_on_path()
    from nbgrader.api import Gradebook

    return Gradebook(db_url)


class GradingCourse:
    """A private nbgrader course folder with its own gradebook, sourced from ``solutions/``.

    Use as a context manager; the folder is deleted on exit unless it was given by the caller.
    """

    def __init__(self, root: Path | None = None, solutions: Path = REPO_ROOT / SOURCE_DIR,
                 db_url: str | None = None) -> None:
        self._owned = root is None
        self.root = Path(tempfile.mkdtemp(prefix="pmkit-course-")) if root is None else Path(root)
        self.solutions = solutions
        self.db_url = db_url or f"sqlite:///{self.root / 'gradebook.db'}"
        self.exchange = self.root / "exchange"
        self._api: Any = None
        self._generated: set[str] = set()

    def __enter__(self) -> GradingCourse:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._owned:
            shutil.rmtree(self.root, ignore_errors=True)

    @property
    def api(self) -> Any:
        """Nbgrader's API object for this course folder (made on first use)."""
        if self._api is None:
            _put_interpreter_scripts_on_path()
            from nbgrader.apps import NbGraderAPI
            from nbgrader.coursedir import CourseDirectory
            from traitlets.config import Config

            config = apply_course_settings(Config())
            config.CourseDirectory.root = str(self.root)
            config.CourseDirectory.db_url = self.db_url
            config.Exchange.root = str(self.exchange)
            # Releasing again replaces the earlier release (after a fix); learners' fetched copies stay theirs.
            config.ExchangeReleaseAssignment.force = True
            self._api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        return self._api

    def generate(self, exercise: str) -> None:
        """Copy an exercise's source into the course and run nbgrader's generate_assignment on it."""
        if exercise in self._generated:
            return
        source = self.solutions / exercise / f"{exercise}.ipynb"
        if not source.is_file():
            known = ", ".join(exercise_ids(self.solutions))
            raise PmkitError(f"no exercise named {exercise!r}; the course's exercises are: {known}")
        target = self.root / SOURCE_DIR / exercise
        if not (target / source.name).exists() or not (target / source.name).samefile(source):
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / source.name)
        result = self.api.generate_assignment(exercise, force=True, create=True)
        if not result["success"]:
            raise PmkitError(f"nbgrader could not generate {exercise}: {result.get('error') or result.get('log')}")
        self._generated.add(exercise)

    def grade(self, exercise: str, learner: str, notebook: Path, *, read_results: bool = True
              ) -> SubmissionResult | None:
        """Autograde one learner's notebook with nbgrader and return the per-cell results.

        Batch workers pass ``read_results=False``: their parent scores the autograded notebook itself.
        """
        from pmkit import notebooks

        notebooks.read(notebook)  # a clear reason for an unreadable file, before nbgrader's own
        self.generate(exercise)
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", learner):
            raise PmkitError(f"learner id {learner!r} may use only letters, digits, '.', '_' and '-'")
        submitted = self.root / "submitted" / learner / exercise
        submitted.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, submitted / f"{exercise}.ipynb")
        with warnings.catch_warnings():  # nbgrader's gradebook code trips SQLAlchemy 2.0 warnings
            warnings.filterwarnings("ignore", message=".*not in session.*")
            result = self.api.autograde(exercise, learner, force=True, create=True)
        if not result["success"]:
            log = (result.get("error") or "") + (result.get("log") or "")
            raise PmkitError(f"{notebook}: nbgrader could not grade it: {log.strip()[-1500:]}")
        return self.results(exercise, learner) if read_results else None

    def results(self, exercise: str, learner: str) -> SubmissionResult:
        """Scores from the gradebook, with messages from the autograded notebook's test cells."""
        import nbformat

        graded = nbformat.read(self.root / "autograded" / learner / exercise / f"{exercise}.ipynb", as_version=4)
        cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.cells}
        outcome = SubmissionResult(exercise, learner)
        with gradebook(self.db_url) as book:
            notebook = book.find_submission_notebook(exercise, exercise, learner)
            order = {grade_id: i for i, grade_id in enumerate(cells)}
            for grade in sorted(notebook.grades, key=lambda g: order.get(g.name, 0)):
                meta = cells.get(grade.name, {}).get("metadata", {}).get("nbgrader", {})
                if meta.get("solution") or meta.get("task"):  # a written answer or task: a human grades it
                    blank = grade.auto_score == 0 and grade.manual_score is None
                    outcome.cells.append(CellResult(
                        grade.name, grade.score if grade.manual_score is not None or blank else None,
                        grade.max_score, "manual",
                        "not answered yet" if blank else "graded by your instructor"))
                    continue
                status, message = graded_cell_outcome(cells.get(grade.name, {}))
                outcome.cells.append(CellResult(grade.name, grade.score, grade.max_score, status, message))
        return outcome
