"""The gradebook as a CSV that Canvas or Moodle imports as it is: one row per learner, totals per exercise.

Canvas (Grades, Import): the columns ``Student`` ("Last, First"), ``ID``, ``SIS User ID``, ``SIS
Login ID`` and ``Section`` come first, then a ``Points Possible`` row, then one column per exercise;
a column Canvas does not know becomes a new assignment. The roster id goes in ``SIS User ID`` and the
e-mail in ``SIS Login ID``; Canvas's own numeric ``ID`` is left empty, so Canvas matches learners on
their SIS ids. Moodle (Grades, Import, CSV file): ``First name``, ``Surname``, ``ID number``, ``Email
address``, then one ``<exercise> (Real)`` column per exercise; at import, map "Email address" to
``useremail`` (or "ID number" to ``useridnumber``) and each column to a grade item or a new one.

Scores are nbgrader's, after any late penalty. Work missing after its due date is 0; work not due yet,
not graded yet or whose grading failed is left blank, which both systems leave unchanged. With
``questions=True`` every question gets a column too (``<exercise>: <question>``).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from pmkit.errors import PmkitError

LMS = ("canvas", "moodle")
CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_FIXED = ("First name", "Surname", "ID number", "Email address")


def _number(value: Any) -> str:
    """A score as the LMS wants it: plain decimal, blank for none."""
    if value is None or value != value:
        return ""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def rows(root: Path, db_url: str, lms: str, questions: bool = False, section: str = "") -> list[list[str]]:
    """The export as rows of text, header first (and Canvas's ``Points Possible`` row second)."""
    from pmkit.cohort import deadlines, report

    if lms not in LMS:
        raise PmkitError(f"unknown LMS {lms!r}; choose one of {', '.join(LMS)}")
    data = report._query(db_url)
    frame = report._scores(Path(root), data, None, deadlines.load(Path(root)))
    exercises = sorted(frame["exercise"].unique())
    maxima = frame.groupby("exercise")["max_score"].first()
    exported = frame["status"].isin([report.GRADED, report.MISSING])
    totals = frame[exported].set_index(["learner", "exercise"])["score"]
    question_cols: list[tuple[str, str]] = []
    per_question = None
    if questions and not data["grades"].empty:
        grades = data["grades"]
        question_cols = sorted({(e, q) for e, q in zip(grades["exercise"], grades["question"], strict=True)})
        per_question = grades[~grades["needs_manual"]].set_index(["learner", "exercise", "question"])["score"]
        question_max = grades.groupby(["exercise", "question"])["max_score"].max()
    names = [*exercises, *(f"{e}: {q}" for e, q in question_cols)]
    if lms == "canvas":
        header = [*CANVAS_FIXED, *names]
        points = ["Points Possible", "", "", "", "", *(_number(maxima[e]) for e in exercises),
                  *(_number(question_max[c]) for c in question_cols)]
        out = [header, points]
    else:
        out = [[*MOODLE_FIXED, *(f"{name} (Real)" for name in names)]]
    students = data["students"].sort_values("learner")
    for student in students.itertuples():
        scores = [_number(totals.get((student.learner, e))) for e in exercises]
        scores += [_number(per_question.get((student.learner, e, q))) if per_question is not None else ""
                   for e, q in question_cols]
        first, last = student.first_name or "", student.last_name or ""
        if lms == "canvas":
            name = f"{last}, {first}" if last and first else (last or first or student.learner)
            out.append([name, "", student.learner, student.email or "", section, *scores])
        else:
            out.append([first, last, student.learner, student.email or "", *scores])
    return out


def write(root: Path, db_url: str, lms: str, out: Path, questions: bool = False, section: str = "") -> Path:
    """Write the export as UTF-8 CSV (with a byte-order mark for Canvas, which Excel users reopen)."""
    table = rows(root, db_url, lms, questions, section)
    out = Path(out)
    if out.is_dir():
        raise PmkitError(f"{out} is a folder; give a file name such as {out / (lms + '-grades.csv')}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig" if lms == "canvas" else "utf-8", newline="") as sink:
        csv.writer(sink).writerows(table)
    return out
