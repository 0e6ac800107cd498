"""A whole cohort on a real PostgreSQL gradebook: init, collect, grade with two workers, manual grading,
feedback, report and both LMS exports, exactly as on SQLite (the ``postgres`` fixture starts the server)."""

from __future__ import annotations

import csv

from pmkit.cohort import feedback, lms_export, report
from pmkit.grading.gradebook import gradebook
from tests.conftest import EX, RELEASE, SOLUTION, collect, new_cohort, pmkit_cli

LEARNERS = ["ana", "ben", "cy", "dee"]


def test_a_cohort_runs_end_to_end_on_postgresql(tmp_path, postgres):
    url = postgres.database("cohort")
    cohort = new_cohort(tmp_path, LEARNERS, release=[EX], db_url=url)
    assert cohort.db_url == url and not (cohort.root / "gradebook.db").exists()
    report_ = collect(cohort, tmp_path / "subs", {"ana": SOLUTION, "ben": RELEASE, "cy": SOLUTION})
    assert sorted(report_.collected) == ["ana", "ben", "cy"]

    graded = pmkit_cli("grade", EX, "--cohort", cohort.root, "--workers", "2", "--timeout", "20")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "3 graded, 0 failed" in graded.stdout

    with gradebook(url) as book:  # what Formgrader's manual grading stores
        grade = book.find_grade("answer-call", EX, EX, "ana")
        grade.manual_score, grade.needs_manual_grade = 3.0, False
        book.db.commit()

    pages = feedback.generate(cohort.root, url, EX)
    assert {p.parent.parent.name for p in pages} >= {"ana", "ben", "cy"}
    frame = report.scores(cohort.root, url).set_index("learner")
    assert frame.loc["ana", "score"] == 10 and frame.loc["ben", "score"] == 0
    assert frame.loc["dee", "status"] in (report.NOT_DUE, report.MISSING)
    csv_path, html_path = report.write(cohort.root, url)
    assert "ana" in csv_path.read_text(encoding="utf-8") and "<h1" in html_path.read_text(encoding="utf-8")

    out, _, export = lms_export.write(cohort.root, url, "canvas", tmp_path / "canvas.csv")
    rows = {r[2]: r for r in csv.reader(out.open(encoding="utf-8-sig"))}
    assert rows["ana"][5] == "10" and rows["ben"][5] == "0"
    assert rows["cy"][5] == "" and any(line.startswith("cy: ") for line in export.partial)  # awaits Formgrader
    again = pmkit_cli("export", "--lms", "moodle", "--cohort", cohort.root, "--out", tmp_path / "moodle.csv")
    assert again.returncode == 0, again.stderr
