"""The gradebook as a CSV that Canvas or Moodle imports as it is: one row per learner, totals per exercise.

Canvas (Grades, Import): the columns ``Student`` ("Last, First"), ``ID``, ``SIS User ID``, ``SIS
Login ID`` and ``Section`` come first, then a ``Points Possible`` row, then one column per exercise;
a column Canvas does not know becomes a new assignment. The roster id goes in ``SIS User ID`` and the
e-mail in ``SIS Login ID``; Canvas's own numeric ``ID`` is left empty, so Canvas matches learners on
their SIS ids. Moodle (Grades, Import, CSV file): ``First name``, ``Surname``, ``ID number``, ``Email
address``, then one ``<exercise> (Real)`` column per exercise; at import, map "Email address" to
``useremail`` (or "ID number" to ``useridnumber``) and each column to a grade item or a new one.

Scores are nbgrader's, after any late penalty. Work missing after its due date is 0; work not due yet,
not graded yet or whose grading failed is left blank, which both systems leave unchanged. A total
with points still awaiting manual grading is a partial total, not a grade: it is left blank too (and
counted in :attr:`Export.partial`) unless ``allow_partial``. An excused learner (``pmkit deadline
--excuse``) gets Canvas's ``EX`` and a blank in Moodle. Per-question scores never go into the import
file, where each column would become a gradebook item (points counted twice): ``questions=True``
writes them to a separate analytics file beside it.

``match`` is the LMS's own gradebook export (Canvas: Grades, Export): each learner is then written
with the LMS's own identifiers (Canvas's numeric ``ID`` and its ``Student`` name), matched on the
roster id (``SIS User ID``) or the e-mail (``SIS Login ID``), as PrairieLearn does. Learners the LMS
does not list are left out and named.

A cell that a spreadsheet would take for a formula (a name starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is escaped with a leading ``'``, as OWASP advises against CSV injection.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmkit.errors import PmkitError
from pmkit.textio import spreadsheet_safe

LMS = ("canvas", "moodle")
CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_FIXED = ("First name", "Surname", "ID number", "Email address")


def _number(value: Any) -> str:
    """A score as the LMS wants it: plain decimal, blank for none."""
    if value is None or value != value:
        return ""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


@dataclass
class Export:
    """What an export holds: the import file's rows, the analytics rows, and what was left out and why."""

    rows: list[list[str]]
    question_rows: list[list[str]] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)  # "learner: exercise (n points await manual grading)"
    excused: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # learners the LMS's own export does not list
    maxima: dict[str, float] = field(default_factory=dict)  # exercise to its points, for the LMS's grade items


def rows(root: Path, db_url: str, lms: str, questions: bool = False, section: str = "") -> list[list[str]]:
    """The import file as rows of text, header first (and Canvas's ``Points Possible`` row second)."""
    return build(root, db_url, lms, questions=questions, section=section).rows


def build(root: Path, db_url: str, lms: str, *, questions: bool = False, section: str = "",
          allow_partial: bool = False, match: Path | None = None) -> Export:
    """The export: final totals only, excused as the LMS writes it, per-question scores kept apart."""
    from pmkit.cohort import deadlines, report

    if lms not in LMS:
        raise PmkitError(f"unknown LMS {lms!r}; choose one of {', '.join(LMS)}")
    data = report._query(db_url)
    frame = report._scores(Path(root), data, None, deadlines.load(Path(root)))
    exercises = sorted(frame["exercise"].unique())
    maxima = frame.groupby("exercise")["max_score"].first()
    exported = frame["status"].isin([report.GRADED, report.MISSING])
    pending = frame["awaiting_points"].fillna(0) > 0
    export = Export(rows=[], maxima={e: float(maxima[e]) for e in exercises})
    for row in frame[exported & pending].itertuples():
        export.partial.append(f"{row.learner}: {row.exercise} ({row.awaiting_points:g} point(s) await manual "
                              "grading)")
    if not allow_partial:
        exported &= ~pending
    totals = frame[exported].set_index(["learner", "exercise"])["score"]
    excused = {(r.learner, r.exercise) for r in frame[frame["status"] == report.EXCUSED].itertuples()}
    export.excused = [f"{learner}: {exercise}" for learner, exercise in sorted(excused)]
    lms_ids = _lms_ids(Path(match), lms) if match else None

    if lms == "canvas":
        export.rows = [[*CANVAS_FIXED, *exercises],
                       ["Points Possible", "", "", "", "", *(_number(maxima[e]) for e in exercises)]]
    else:
        export.rows = [[*MOODLE_FIXED, *(f"{e} (Real)" for e in exercises)]]
    for student in data["students"].sort_values("learner").itertuples():
        scores = [("EX" if lms == "canvas" else "") if (student.learner, e) in excused
                  else _number(totals.get((student.learner, e))) for e in exercises]
        first, last = student.first_name or "", student.last_name or ""
        email = student.email or ""
        if lms_ids is not None:
            found = lms_ids.get(student.learner.lower()) or lms_ids.get(email.lower())
            if found is None:
                export.unmatched.append(student.learner)
                continue
        if lms == "canvas":
            # Canvas's sortable "Last, First"; a last name with its own comma ("Smith, Jr.") would read as
            # three parts, so such a name is written "First Last"
            name = f"{last}, {first}" if last and first and "," not in last else \
                " ".join(p for p in (first, last) if p) or student.learner
            lms_id = ""
            if lms_ids is not None:
                name, lms_id, email = found["Student"] or name, found["ID"], found["SIS Login ID"] or email
            export.rows.append([name, lms_id, student.learner, email, section, *scores])
        else:
            if lms_ids is not None:
                email = found["Email address"] or email
            export.rows.append([first, last, student.learner, email, *scores])
    if questions:
        export.question_rows = _question_rows(data["grades"])
    return export


def _question_rows(grades: Any) -> list[list[str]]:
    """Per learner and question: the score, or blank while it awaits manual grading (for analysis, not import)."""
    out = [["learner", "exercise", "question", "score", "max_score", "awaiting_manual_grading"]]
    if grades.empty:
        return out
    for row in grades.sort_values(["learner", "exercise", "question"]).itertuples():
        out.append([row.learner, row.exercise, row.question, "" if row.needs_manual else _number(row.score),
                    _number(row.max_score), "yes" if row.needs_manual else ""])
    return out


def _lms_ids(path: Path, lms: str) -> dict[str, dict[str, str]]:
    """The LMS's own gradebook export, keyed by roster id and by e-mail (lower case)."""
    from pmkit.textio import read_text

    text = read_text(path).text  # a missing file is a PmkitError that names it
    reader = csv.DictReader(text.splitlines())
    fields = reader.fieldnames or []
    need = ("ID", "SIS User ID", "SIS Login ID") if lms == "canvas" else ("Email address",)
    missing = [f for f in need if f not in fields]
    if missing:
        raise PmkitError(f"--match {path}: no column {', '.join(repr(m) for m in missing)}; give the gradebook "
                         f"export of {lms.title()} itself (its header has {', '.join(fields[:6]) or 'nothing'})")
    keyed: dict[str, dict[str, str]] = {}
    for line in reader:
        if (line.get("Student") or "").strip().lower() == "points possible":
            continue
        entry = {k: (v or "").strip() for k, v in line.items() if k}
        for key in ("SIS User ID", "SIS Login ID", "Email address", "ID number"):
            if entry.get(key):
                keyed.setdefault(entry[key].lower(), entry)
    return keyed


def _safe(rows: list[list[str]]) -> list[list[str]]:
    """Rows with every cell a spreadsheet would run as a formula escaped: a name is never a formula."""
    return [[spreadsheet_safe(cell) for cell in row] for row in rows]


def write(root: Path, db_url: str, lms: str, out: Path, questions: bool = False, section: str = "",
          allow_partial: bool = False, match: Path | None = None) -> tuple[Path, Path | None, Export]:
    """Write the import file, and the per-question analytics file beside it when asked.

    UTF-8 CSV, with a byte-order mark for Canvas, which Excel users reopen.
    """
    export = build(root, db_url, lms, questions=questions, section=section, allow_partial=allow_partial,
                   match=match)
    out = Path(out)
    if out.is_dir():
        raise PmkitError(f"{out} is a folder; give a file name such as {out / (lms + '-grades.csv')}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig" if lms == "canvas" else "utf-8", newline="") as sink:
        csv.writer(sink).writerows(_safe(export.rows))
    analytics = None
    if questions:
        analytics = out.with_name(f"{out.stem}-questions-not-for-import.csv")
        with analytics.open("w", encoding="utf-8", newline="") as sink:
            csv.writer(sink).writerows(_safe(export.question_rows))
    return out, analytics, export
