"""Nbgrader's side of grading, done one way: its gradebook, its preprocessors' resources, its sanitising steps.

Both kinds of course pmkit grades (a pmkit exercise and any nbgrader course) restore a submission
with the same sanitising steps, hand nbgrader's preprocessors the same ``resources``, and keep every
automatic score within its cell's points with the same clamp.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pmkit.errors import DamagedMetadata, PmkitError


def put_interpreter_scripts_on_path() -> None:
    """Nbgrader runs ``alembic`` by name; make it findable when the venv is not activated."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def gradebook(db_url: str) -> Any:
    """Open nbgrader's Gradebook at ``db_url``; every pmkit use of the gradebook goes through here."""
    put_interpreter_scripts_on_path()
    from nbgrader.api import Gradebook

    return Gradebook(db_url)


def check_db_url(url: str) -> None:
    """Refuse a gradebook URL that cannot work, before anything is created: name the part at fault."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise PmkitError(f"--db {url!r} is not a database URL; write sqlite:////path/to/gradebook.db or "
                         "postgresql://user@host/name") from None
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        raise PmkitError(f"--db {url!r}: no database driver for {parsed.drivername!r}; use sqlite:/// or "
                         "postgresql:// (with its driver installed)") from None
    except ImportError as error:
        raise PmkitError(f"--db {url!r}: the driver for {parsed.drivername!r} is not installed ({error})") from None
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise PmkitError(f"--db {url!r}: an in-memory SQLite gradebook would be lost; give a file")
        database = Path(parsed.database)
        if database.is_absolute() and not database.parent.is_dir():
            raise PmkitError(f"--db {url!r}: the folder {database.parent} does not exist; create it first")
        if database.is_dir():
            raise PmkitError(f"--db {url!r}: {database} is a folder; name the gradebook file inside it")


def probe(db_url: str) -> None:
    """Open a SQLite gradebook read-only first: a damaged or locked one is named before nbgrader's long log."""
    import sqlite3

    from pmkit.operator_errors import explain

    if not db_url.startswith("sqlite:///"):
        return
    path = Path(db_url[len("sqlite:///"):].partition("?")[0])
    if not path.is_file():
        return
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            db.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.Error as error:
        raise PmkitError(explain(error, db_url) or f"the gradebook {path} cannot be read: {error}") from None


def resources(exercise: str, learner: str, db_url: str, notebook: str | None = None) -> dict[str, Any]:
    """What nbgrader's converter hands its preprocessors for one notebook of one learner's submission."""
    notebook = notebook or exercise
    return {"unique_key": notebook, "output_files_dir": f"{notebook}_files",
            "nbgrader": {"student": learner, "assignment": exercise, "notebook": notebook, "db_url": db_url}}


def run_steps(steps: Sequence[type], nb: Any, found: dict[str, Any], config: Any = None) -> Any:
    """Run nbgrader preprocessors in order, configured by ``config`` (a disabled one does nothing)."""
    for step in steps:
        nb, found = (step(config=config) if config is not None else step())(nb, found)
    return nb


def sanitise(nb: Any, found: dict[str, Any], path: Path, config: Any = None) -> Any:
    """Nbgrader's sanitising steps: read-only cells, test cells and metadata restored from the gradebook.

    A submission whose metadata cannot be restored (another exercise's notebook, an edited one) is
    :class:`~pmkit.errors.DamagedMetadata`: that submission's failure, named by its path.
    """
    from nbgrader.nbgraderformat import ValidationError
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        OverwriteCells,
        OverwriteKernelspec,
    )

    try:
        return run_steps([ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata],
                         nb, found, config)
    except (ValidationError, KeyError, AttributeError, TypeError) as error:
        raise DamagedMetadata(f"{path}: the notebook's nbgrader metadata is damaged: {error}") from None


def clamp(score: float, maximum: float) -> float:
    """A score within ``0..maximum``: learner code may fake a test's output, never a cell's points."""
    return min(max(score, 0.0), float(maximum))


def clamp_grades(db_url: str, exercise: str, learner: str, notebook: str | None = None) -> None:
    """Clamp every automatic score of one submitted notebook in the gradebook to its cell's points."""
    with gradebook(db_url) as book:
        _clamp_in(book, exercise, learner, notebook or exercise)


def _clamp_in(book: Any, exercise: str, learner: str, notebook: str) -> None:
    book.db.expire_all()  # read what a preprocessor committed in its own session
    for grade in book.find_submission_notebook(notebook, exercise, learner).grades:
        if grade.auto_score is not None:
            grade.auto_score = clamp(grade.auto_score, grade.max_score)
    book.db.commit()


def save_autogrades(db_url: str, exercise: str, learner: str, nb: Any, *, fields: dict[str, Any] | None = None,
                    penalty: Callable[[Any, dict[str, Any]], None] | None = None) -> None:
    """Record a graded notebook's scores with nbgrader's SaveAutoGrades, each clamped to its cell's maximum.

    ``fields`` (a submission's timestamp and extension) go on the submission first, so ``penalty``
    (nbgrader's late policy, run last) sees them.
    """
    from nbgrader.preprocessors import SaveAutoGrades

    found = resources(exercise, learner, db_url)
    with warnings.catch_warnings(), gradebook(db_url) as book:
        warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader code vs SQLAlchemy 2.0
        book.update_or_create_submission(exercise, learner, **(fields or {}))
        SaveAutoGrades().preprocess(nb, found)
        _clamp_in(book, exercise, learner, exercise)
    if penalty is not None:
        penalty(nb, found)


def submission_details(db_url: str, exercise: str) -> dict[str, tuple[float, float]]:
    """Per learner with a submission of ``exercise``: its late penalty and the points awaiting manual grading."""
    from nbgrader.api import MissingEntry

    details: dict[str, tuple[float, float]] = {}
    with gradebook(db_url) as book:
        try:
            submissions = book.find_assignment(exercise).submissions
        except MissingEntry:
            return details
        for submission in submissions:
            penalty = sum(float(nb.late_submission_penalty or 0) for nb in submission.notebooks)
            waiting = sum(float(g.max_score or 0) for nb in submission.notebooks for g in nb.grades
                          if g.needs_manual_grade)
            details[submission.student_id] = (penalty, waiting)
    return details
