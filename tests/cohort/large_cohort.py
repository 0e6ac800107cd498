"""A gradebook of thousands of graded learners, written straight into nbgrader's tables (no kernels).

Real exercises are released with nbgrader (so cells and maxima are nbgrader's), then students,
submissions and grades are bulk-inserted with seeded random scores. Used by the report's scale test
and by ``benchmarks/report_cohort.py``.
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path

from pmkit.cohort.folder import Cohort
from pmkit.grading.gradebook import gradebook
from tests.conftest import new_cohort

EXERCISES = ("beta-metrics", "user-stories", "prd")  # APM, JPM, APM: both profile axes have data


def build(base: Path, learners: int, seed: int = 16) -> Cohort:
    """A cohort under ``base`` with ``learners`` learners, each graded on every exercise in ``EXERCISES``."""
    from nbgrader.api import (
        Assignment,
        Grade,
        GradeCell,
        Notebook,
        Student,
        SubmittedAssignment,
        SubmittedNotebook,
    )

    cohort = new_cohort(base, ["seed"], last_name="Learner", release=EXERCISES)
    rng = random.Random(seed)
    with gradebook(cohort.db_url) as book:
        db = book.db
        cells = {}
        for exercise in EXERCISES:
            assignment = db.query(Assignment).filter(Assignment.name == exercise).one()
            notebook = db.query(Notebook).filter(Notebook.assignment_id == assignment.id).one()
            graded = db.query(GradeCell).filter(GradeCell.notebook_id == notebook.id).all()
            cells[exercise] = (assignment.id, notebook.id, [(c.id, c.max_score) for c in graded])
        ids = [f"learner{i:05d}" for i in range(learners)]
        db.execute(Student.__table__.insert(), [
            {"id": i, "first_name": "L", "last_name": i, "email": f"{i}@example.org"} for i in ids])
        subs, notebooks, grades = [], [], []
        for learner in ids:
            skill = rng.random()
            for assignment_id, notebook_id, graded in cells.values():
                sub, nb = uuid.uuid4().hex, uuid.uuid4().hex
                subs.append({"id": sub, "assignment_id": assignment_id, "student_id": learner})
                notebooks.append({"id": nb, "assignment_id": sub, "notebook_id": notebook_id, "flagged": False})
                for cell_id, max_score in graded:
                    score = max_score if rng.random() < skill else 0.0
                    grades.append({"id": uuid.uuid4().hex, "notebook_id": nb, "cell_id": cell_id,
                                   "auto_score": score, "manual_score": None, "extra_credit": None,
                                   "needs_manual_grade": False})
        db.execute(SubmittedAssignment.__table__.insert(), subs)
        db.execute(SubmittedNotebook.__table__.insert(), notebooks)
        db.execute(Grade.__table__.insert(), grades)
        db.commit()
    return cohort
