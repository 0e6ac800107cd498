"""The late policy as nbgrader applies it: its own late-submission plugin, plus a share lost per started day.

A cohort keeps its policy in ``deadlines.json`` (:mod:`pmkit.cohort.deadlines`) and hands it to grading
as an nbgrader config naming :class:`LatePolicy`; nbgrader's ``AssignLatePenalties`` then runs it, in
``pmkit grade`` and in ``nbgrader autograde`` or Formgrader alike.
"""

from __future__ import annotations

import math
from typing import Any

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Enum, Float

METHODS = ("none", "zero", "percent_per_day")


class LatePolicy(LateSubmissionPlugin):
    """nbgrader's late-submission plugin, plus ``percent_per_day``: each started day late costs a share."""

    penalty_method = Enum(METHODS, default_value="none",
                          help="'none', 'zero' (nbgrader's), or 'percent_per_day'").tag(config=True)
    percent_per_day = Float(10.0, help="Share of the score lost per started day late").tag(config=True)
    max_percent = Float(100.0, help="The most a late submission can lose, in percent").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        """The points taken off ``score`` for a submission ``total_seconds_late`` late."""
        if self.penalty_method != "percent_per_day":
            return super().late_submission_penalty(student_id, score, total_seconds_late)
        days = math.ceil(total_seconds_late / 86400)
        return round(score * min(self.max_percent, days * self.percent_per_day) / 100, 2)


def reapply(db_url: str, exercise: str, extensions: dict[str, float], config: Any) -> list[tuple[str, float, float]]:
    """Apply the due date, extensions and policy to every graded submission, without running a notebook again.

    It does what nbgrader's ``AssignLatePenalties`` does at grading, so a deadline changed after grading
    (an extension, a new due date, another policy) takes at once.
    Returns ``(learner, old penalty, new penalty)`` for each submission whose penalty changed.
    """
    import datetime as dt

    from pmkit.grading.gradebook import gradebook

    plugin = LatePolicy(config=config)
    changed = []
    with gradebook(db_url) as book:
        for submission in book.find_assignment(exercise).submissions:
            learner = submission.student_id
            hours = extensions.get(learner)
            if hours:
                submission.extension = dt.timedelta(hours=hours)
            elif submission.extension is not None and learner in extensions:
                submission.extension = None
            late = submission.total_seconds_late
            for notebook in submission.notebooks:
                old = float(notebook.late_submission_penalty or 0.0)
                new = None
                if late > 0:
                    new = plugin.late_submission_penalty(learner, notebook.score, late)
                    if new is not None:
                        new = min(max(0.0, float(new)), float(notebook.score))
                notebook.late_submission_penalty = new
                if abs((new or 0.0) - old) > 1e-9:
                    changed.append((learner, old, float(new or 0.0)))
        book.db.commit()
    return changed
