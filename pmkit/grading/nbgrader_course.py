"""`pmkit grade` on any nbgrader course: parallel, resumable, time-limited autograding with nbgrader's own scores.

A plain nbgrader course (an ``nbgrader_config.py``, ``source/<assignment>/*.ipynb``,
``submitted/<student>/<assignment>/*.ipynb``) is read with nbgrader's own config loading, so its
``CourseDirectory`` settings and gradebook are the ones ``nbgrader autograde`` uses. Grading
follows nbgrader's ``Autograde`` converter step by step: its sanitising preprocessors restore the
source's read-only and test cells, the notebook runs whole (test cells included) in a kernel, and
its autograde preprocessors (``SaveAutoGrades``, the late policy, ...) record the scores. Two
things differ: the kernel runs in pmkit's sandbox (:mod:`pmkit.grading.sandbox`), and each score is clamped
to its cell's maximum. Because a plain course's tests are arbitrary code that may call the learner's
functions, they cannot run in pmkit's trusted interpreter: hidden tests run in the learner's
(sandboxed) kernel, as in nbgrader, which is weaker than pmkit's own exercises.

:class:`PlainCourse` is a source for the grading run (:class:`pmkit.runs.runner.Grader`), as a cohort
is: parallel workers, the resume state, the lock and the time limits are the run's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pmkit.errors import PmkitError
from pmkit.files import file_digest
from pmkit.grading.engine import GradeOne
from pmkit.grading.gradebook import check_db_url, clamp_grades, gradebook, resources, run_steps, sanitise
from pmkit.notebooks import MAX_NOTEBOOK_BYTES, execution_problems, is_test_cell

CONFIG_FILE = "nbgrader_config.py"
#: The file that makes a folder a pmkit cohort rather than a plain course (written by `pmkit cohort init`).
COHORT_SETTINGS = "pmkit-cohort.json"
#: Said in the output of every grading run on a plain course.
TRUST_NOTE = ("note: this is a plain nbgrader course, so its hidden tests run inside the learner's kernel (sandboxed, "
              "as nbgrader runs them); pmkit's own exercises run them in a separate trusted interpreter instead")


def is_plain_course(root: Path) -> bool:
    """True for an nbgrader course folder that is not a ``pmkit cohort init`` cohort."""
    return (Path(root) / CONFIG_FILE).is_file() and not (Path(root) / COHORT_SETTINGS).is_file()


def load_config(root: Path, db_url: str | None = None) -> Any:
    """The course's nbgrader config, loaded as nbgrader loads it when run in ``root``."""
    from nbgrader.apps.baseapp import NbGrader
    from traitlets.config.application import Application

    root = Path(root).resolve()
    app = NbGrader()
    app.raise_config_file_errors = True
    previous = Path.cwd()
    try:
        os.chdir(root)  # a relative path in the course's config is relative to the course folder, as for nbgrader
        # nbgrader's search path: the course folder first, then Jupyter's config folders (~/.jupyter, ...)
        Application.load_config_file(app, CONFIG_FILE.removesuffix(".py"), path=[str(root), *app.config_file_paths])
    except Exception as error:  # a config file is the course's code; its error is the instructor's to fix
        raise PmkitError(f"{root / CONFIG_FILE}: nbgrader could not load it ({type(error).__name__}: {error}); "
                         "fix it and run this again") from None
    finally:
        os.chdir(previous)
    config = app.config
    if "root" not in config.CourseDirectory:
        config.CourseDirectory.root = str(root)
    if db_url:
        config.CourseDirectory.db_url = db_url
    return config


class PlainCourse:
    """A plain nbgrader course folder, as its own ``nbgrader_config.py`` describes it; a source the run grades."""

    def __init__(self, root: Path, db_url: str | None = None) -> None:
        from nbgrader.coursedir import CourseDirectory

        root = Path(root).resolve()
        if not (root / CONFIG_FILE).is_file():
            raise PmkitError(f"{root}: no {CONFIG_FILE}; give an nbgrader course folder (or a `pmkit cohort init` one)")
        if db_url:
            check_db_url(db_url)
        self.config = load_config(root, db_url)
        self.coursedir = CourseDirectory(config=self.config)
        self.root = Path(self.coursedir.root).resolve()
        self.db_url: str = self.coursedir.db_url
        self.solutions = self.root / self.coursedir.source_directory

    def folder(self, kind: str, student: str, exercise: str) -> Path:
        """A student's ``submitted``, ``autograded`` or ``source`` assignment folder, per the course's settings."""
        directory = getattr(self.coursedir, f"{kind}_directory")
        return Path(self.coursedir.format_path(directory, student, exercise))

    def notebooks(self, exercise: str) -> list[str]:
        """The assignment's notebook names, as its gradebook knows them."""
        with gradebook(self.db_url) as book:
            return sorted(n.name for n in book.find_assignment(exercise).notebooks)

    def start(self, exercise: str) -> list[str]:
        """Check the assignment is in the gradebook, as ``nbgrader autograde`` requires; say where tests run."""
        self.generate(exercise)
        return [TRUST_NOTE]

    def generate(self, exercise: str) -> None:
        """Check the assignment is in the gradebook, as ``nbgrader autograde`` requires (this never generates it)."""
        from nbgrader.api import MissingEntry

        with gradebook(self.db_url) as book:
            try:
                book.find_assignment(exercise)
            except MissingEntry:
                raise PmkitError(f"{self.root}: the gradebook {self.db_url} has no assignment {exercise!r}; run "
                                 f"`nbgrader generate_assignment {exercise}` in the course folder first") from None
        if not self.notebooks(exercise):
            raise PmkitError(f"assignment {exercise!r} has no notebooks in the gradebook; run "
                             f"`nbgrader generate_assignment {exercise}` first")

    def submissions(self, exercise: str) -> dict[str, Path]:
        """Student id to submitted assignment folder, for every submission of ``exercise``."""
        top = self.root / self.coursedir.submitted_directory
        found = {}
        for student in sorted(p.name for p in top.iterdir() if p.is_dir()) if top.is_dir() else []:
            folder = self.folder("submitted", student, exercise)
            if folder.is_dir():
                found[student] = folder
        return found

    def test_cells(self, exercise: str) -> dict[str, frozenset[str]]:
        """Notebook name to the grade ids of its autograder test cells, read from the assignment's source."""
        import nbformat

        cells = {}
        for name in self.notebooks(exercise):
            path = self.folder("source", ".", exercise) / f"{name}.ipynb"
            nb = nbformat.read(path, as_version=4) if path.is_file() else nbformat.v4.new_notebook()
            cells[name] = frozenset(c.metadata["nbgrader"]["grade_id"] for c in nb.cells if is_test_cell(c))
        return cells

    def refusal(self, learner: str, path: Path) -> str | None:
        """None: any student folder is graded, as nbgrader does."""
        return None

    def fingerprint(self, path: Path) -> str:
        """A submission folder's content hash: its notebooks' names and bytes."""
        sha = hashlib.sha256()
        for notebook in sorted(path.glob("*.ipynb")):
            sha.update(notebook.name.encode() + b"\0" + bytes.fromhex(file_digest(notebook)))
        return sha.hexdigest()

    def open_worker(self, exercise: str, *, cell_timeout: int, sandboxed: bool,
                    submission_timeout: float) -> tuple[GradeOne, Callable[[], None]]:
        """In a worker: run each submission's notebooks in sandboxed kernels; the payload is their JSON."""
        from pmkit.grading.sandbox import local_kernels

        local_kernels(self.config)
        inner = max(10.0, submission_timeout - 3) if submission_timeout else 120.0  # reported before the kill
        self.notebooks(exercise)

        def grade_one(learner: str, path: Path) -> tuple[str, None]:
            executed = _execute(self, exercise, learner, path, cell_timeout, time.monotonic() + inner, sandboxed)
            return json.dumps(executed), None

        return grade_one, lambda: None

    def save_graded(self, exercise: str, learner: str, payload: str) -> tuple[float, float, str]:
        """Finish nbgrader's autograde of one submission in the parent: files, scores, late policy."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader code vs SQLAlchemy 2.0
            return self._finish(exercise, learner, payload)

    def _finish(self, exercise: str, learner: str, payload: str) -> tuple[float, float, str]:
        """Save one submission's executed notebooks as nbgrader's Autograde converter would."""
        import nbformat
        from nbconvert.preprocessors import ClearMetadataPreprocessor
        from nbgrader.preprocessors import (
            AssignLatePenalties,
            CheckCellMetadata,
            IgnorePattern,
            LimitOutput,
            SaveAutoGrades,
        )

        executed = json.loads(payload)
        source = self.folder("submitted", learner, exercise)
        dest = self.folder("autograded", learner, exercise)
        with gradebook(self.db_url) as book:
            book.update_or_create_student(learner)
            timestamp = self.coursedir.get_existing_timestamp(str(source))
            book.update_or_create_submission(exercise, learner, **({"timestamp": timestamp} if timestamp else {}))
        _copy_files(self, source, dest, exercise)
        (dest / "FAILED.txt").unlink(missing_ok=True)
        notes = []
        tests = self.test_cells(exercise)
        for name in self.notebooks(exercise):
            if name not in executed:
                _zero_missing(self.db_url, exercise, learner, name)
                (dest / f"{name}.ipynb").unlink(missing_ok=True)
                notes.append(f"{name}.ipynb not submitted, scored 0")
                continue
            nb = nbformat.reads(executed[name], as_version=4)
            found = resources(exercise, learner, self.db_url, name)
            nb = run_steps([IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades], nb, found,
                           self.config)
            clamp_grades(self.db_url, exercise, learner, name)
            nb = run_steps([AssignLatePenalties, CheckCellMetadata], nb, found, self.config)
            nbformat.write(nb, dest / f"{name}.ipynb")
            missing = sorted(tests[name] - {c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                                            for c in nb.cells})
            if missing:
                notes.append(f"{name}: test cell(s) missing from the submission, scored 0: {', '.join(missing)}")
            notes += [f"{name}: {problem}" for problem in execution_problems(nb)]
        score = maximum = 0.0
        with gradebook(self.db_url) as book:
            for name in self.notebooks(exercise):
                for grade in book.find_submission_notebook(name, exercise, learner).grades:
                    if grade.name in tests[name]:
                        score, maximum = score + (grade.auto_score or 0), maximum + grade.max_score
        return score, maximum, "; ".join(notes)

    def save_failed(self, exercise: str, learner: str, reason: str) -> None:
        """No stale grades: drop automatic scores (an instructor's stay) and say why in the autograded folder."""
        from pmkit.grading.regrade import record_failure

        record_failure(self.db_url, exercise, learner, self.folder("autograded", learner, exercise),
                       self.notebooks(exercise), reason)

    def diagnose(self, exercise: str, path: Path, reason: str) -> str:
        """Nbgrader's own reason: a plain course has no releases pmkit could compare with."""
        return reason


def _execute(course: PlainCourse, exercise: str, student: str, folder: Path, cell_timeout: int,
             deadline: float, sandboxed: bool) -> dict[str, str]:
    """Sanitise and run every notebook of one submission in the sandbox; notebook name to executed notebook JSON."""
    import nbformat

    from pmkit import notebooks
    from pmkit.grading import sandbox

    executed = {}
    for name in course.notebooks(exercise):
        path = folder / f"{name}.ipynb"
        if not path.is_file():
            continue  # scored 0 when saved, as nbgrader does
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise PmkitError(f"{path}: over the {MAX_NOTEBOOK_BYTES // 2**20} MB limit for a notebook; not graded")
        nb = sanitise(notebooks.read(path), resources(exercise, student, course.db_url, name), path, course.config)
        left = deadline - time.monotonic()
        if left <= 1:
            raise sandbox.SandboxError("stopped: the submission's time limit ran out before all its notebooks ran")
        sandbox.run(nb, export_cells=set(), cell_timeout=cell_timeout, deadline=left, sandboxed=sandboxed,
                    on_cell_executed=_record_reply_error)
        executed[name] = nbformat.writes(nb)
    return executed


def _record_reply_error(**hook: Any) -> None:
    """Nbgrader's own check: a cell whose reply is an error fails even if its traceback display was disabled."""
    from nbgrader.preprocessors import Execute

    Execute.on_cell_executed(None, **hook)  # type: ignore[arg-type]  # it uses only its arguments


def _copy_files(course: PlainCourse, source: Path, dest: Path, exercise: str) -> None:
    """The submission's other files, then the assignment's own non-notebook files over them, as nbgrader does."""
    from nbgrader import utils

    dest.mkdir(parents=True, exist_ok=True)
    for path in utils.find_all_files(str(source), [*course.coursedir.ignore, "*.ipynb"]):
        target = dest / Path(path).relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not Path(path).is_symlink():
            shutil.copy(path, target)
    origin = course.folder("source", ".", exercise)
    for path in utils.find_all_files(str(origin), [*course.coursedir.ignore, "*.ipynb"]):
        target = dest / Path(path).relative_to(origin)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        shutil.copy(path, target)


def _zero_missing(db_url: str, exercise: str, learner: str, notebook: str) -> None:
    """A notebook missing from a submission scores 0 on every cell, as in nbgrader."""
    with gradebook(db_url) as book:
        for grade in book.find_submission_notebook(notebook, exercise, learner).grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        book.db.commit()
