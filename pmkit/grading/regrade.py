"""What a failed re-grade may remove from the gradebook: the automatic scores only, never an instructor's work.

When a submission that was graded before fails its re-grade (a time limit under ``--force``, say),
its old automatic scores must not linger as if still true. Manual scores, extra credit and
comments an instructor entered in Formgrader stay; a submission nobody graded by hand is removed
whole, as before, so the report shows it as failed rather than scored.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

from pmkit.grading.gradebook import gradebook


def drop_automatic_grades(db_url: str, exercise: str, learner: str) -> bool:
    """Clear ``learner``'s automatic scores of ``exercise``; True when an instructor's grades or comments were kept."""
    from nbgrader.api import MissingEntry

    with warnings.catch_warnings(), gradebook(db_url) as book:
        warnings.filterwarnings("ignore", message=".*not in session.*")
        try:
            submission = book.find_submission(exercise, learner)
        except MissingEntry:
            return False
        manual = [g for nb in submission.notebooks for g in nb.grades
                  if g.manual_score is not None or g.extra_credit]
        comments = [c for nb in submission.notebooks for c in nb.comments if c.manual_comment]
        if not manual and not comments:
            book.remove_submission(exercise, learner)
            return False
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = None
                if grade.manual_score is None:
                    grade.needs_manual_grade = True
            for comment in notebook.comments:
                comment.auto_comment = None
        book.db.commit()
        return True


def record_failure(db_url: str, exercise: str, learner: str, folder: Path, notebooks: Iterable[str],
                   reason: str) -> None:
    """A failed grade, recorded: no stale automatic scores, no stale graded notebook, and ``FAILED.txt`` saying why."""
    drop_automatic_grades(db_url, exercise, learner)
    folder.mkdir(parents=True, exist_ok=True)
    for name in notebooks:
        (folder / f"{name}.ipynb").unlink(missing_ok=True)
    (folder / "FAILED.txt").write_text(f"Grading failed: {reason}\nThe submission is kept in submitted/.\n",
                                       encoding="utf-8")
