"""A cohort end to end with real nbgrader and real kernels: init, release, collect, grade, feedback, report."""

from __future__ import annotations

import datetime
import html
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import nbformat
import pytest

from pmkit.cohort.folder import Cohort, read_roster
from pmkit.errors import PmkitError
from pmkit.grading.gradebook import gradebook
from pmkit.runs.runner import FAILED, GRADED, Grader, summary
from tests.conftest import EX, RELEASE, REPO, SOLUTION, copy_cohort, hidden_lines, new_cohort, pmkit_cli, write_roster
from tests.conftest import with_answers as _with

pytestmark = pytest.mark.slow
LEARNERS = ["alice", "bob", "carol", "dan", "erin", "frank", "gina", "hank"]


def _submissions(folder):
    """One submission of every kind a real cohort produces, right and wrong and broken."""
    folder.mkdir()
    shutil.copy(SOLUTION, folder / "alice.ipynb")                                  # right
    shutil.copy(RELEASE, folder / "bob.ipynb")                                     # blank
    (folder / "carol.ipynb").write_text('{"cells": [', encoding="utf-8")           # invalid JSON
    nbformat.write(_with(SOLUTION, **{"answer-errors": "import os\nos._exit(1)"}), folder / "dan.ipynb")  # kernel dies
    loop = "while True:\n    try:\n        pass\n    except KeyboardInterrupt:\n        pass"
    nbformat.write(_with(SOLUTION, **{"answer-adoption": loop}), folder / "erin.ipynb")  # swallows interrupts
    altered = _with(RELEASE, **{"test-adoption": "pass", "test-errors": "pass"})
    nbformat.write(altered, folder / "frank.ipynb")                                # altered tests
    nbformat.write(_with(SOLUTION, **{"answer-errors": "print('x' * 200, end='\\n' * 5000)\n"
                                                       "c = events['event'].value_counts()\n"
                                                       "error_rate = c['error'] / c['feature_used']"}),
                   folder / "gina.ipynb")                                          # huge output, right answers
    nb = nbformat.read(SOLUTION, as_version=4)
    nb.cells = [c for c in nb.cells if c.id != "test-tickets"]
    nbformat.write(nb, folder / "hank.ipynb")                                      # deleted a test cell
    (folder / "zoe.ipynb").write_text("{}", encoding="utf-8")                      # not on the roster
    (folder / "notes.txt").write_text("not a notebook", encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("cohort")
    cohort = new_cohort(base, LEARNERS)
    assert cohort.release(EX) == [EX]
    _submissions(base / "subs")
    report = cohort.collect(base / "subs", EX)
    outcomes = Grader(cohort.grading_source(EX), EX, workers=2, cell_timeout=5, submission_timeout=60,
                      out=sys.stderr).run()
    # the gradebook as two workers left it, before the tests below change it
    return cohort, report, {o.learner: o for o in outcomes}, _rows(cohort, LEARNERS[:4])


def _rows(cohort, learners):
    """Every automatic grade of these learners in the gradebook, or that they have no submission."""
    with gradebook(cohort.db_url) as book:
        rows = set()
        for learner in learners:
            try:
                notebook = book.find_submission_notebook(EX, EX, learner)
            except Exception:
                rows.add((learner, "no submission"))
                continue
            rows |= {(learner, g.name, g.auto_score, g.needs_manual_grade) for g in notebook.grades}
    return rows


def test_roster_errors_name_the_line_and_import_nothing(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name,last_name,email\nalice,A,A,a@x.org\nbob,B,B\nalice,A,A,a@x.org\n"
                      "c d,C,C,not-an-email\n", encoding="utf-8")
    with pytest.raises(PmkitError) as err:
        Cohort.init(tmp_path / "cohort", roster)
    text = str(err.value)
    for expected in ("nothing was imported", "line 3: 3 fields, expected 4", "line 4: id 'alice' repeats line 2",
                     "line 5: id 'c d' must be", "line 5: email 'not-an-email'"):
        assert expected in text
    assert not (tmp_path / "cohort").exists()
    with pytest.raises(PmkitError, match="line 1: the header lacks email"):
        roster.write_text("id,first_name,last_name\n", encoding="utf-8")
        read_roster(roster)


def test_init_imports_the_roster_into_the_gradebook(graded):
    cohort, *_ = graded
    assert cohort.learner_ids() == sorted(LEARNERS)
    with gradebook(cohort.db_url) as book:
        assert book.find_student("alice").email == "alice@example.org"
    assert (cohort.root / "nbgrader_config.py").is_file()
    from pmkit.cohort.folder import solution_digests  # the cohort's own copy of the answer key, not a link

    assert not (cohort.root / "solutions").is_symlink()
    assert solution_digests(cohort.root / "solutions") == solution_digests(REPO / "solutions")


def test_collect_reports_unknown_duplicates_and_non_notebooks(graded, tmp_path):
    cohort, report, *_ = graded
    assert sorted(report.collected) == sorted(LEARNERS)
    assert report.unknown == ["zoe.ipynb"] and report.not_notebooks == ["notes.txt"]
    archive = tmp_path / "late.zip"
    later = (datetime.datetime.now() + datetime.timedelta(days=1)).timetuple()[:6]  # newer than the filed one
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(zipfile.ZipInfo("late/alice.ipynb", later), RELEASE.read_bytes())
        zipped.writestr(zipfile.ZipInfo("late/alice-beta-metrics.ipynb", later), RELEASE.read_bytes())
        zipped.writestr("late/readme.md", "hi")
    second = cohort.collect(archive, EX)
    assert second.collected == ["alice"] and second.duplicates == ["late/alice-beta-metrics.ipynb"]
    assert second.not_notebooks == ["late/readme.md"]
    shutil.copy(SOLUTION, cohort.root / "submitted" / "alice" / EX / f"{EX}.ipynb")  # put alice's real one back


def test_every_kind_of_broken_submission_is_recorded_and_none_stops_the_others(graded):
    _, _, outcomes, _ = graded
    assert set(outcomes) == set(LEARNERS)
    assert (outcomes["alice"].status, outcomes["alice"].score, outcomes["alice"].max_score) == (GRADED, 7, 7)
    assert (outcomes["bob"].status, outcomes["bob"].score) == (GRADED, 0)
    assert outcomes["carol"].status == FAILED and "not valid JSON" in outcomes["carol"].reason
    assert outcomes["dan"].status == FAILED or "DeadKernel" in outcomes["dan"].reason
    assert outcomes["erin"].status == FAILED or "Timeout" in outcomes["erin"].reason
    assert (outcomes["frank"].status, outcomes["frank"].score) == (GRADED, 0)  # nbgrader restored the tests
    assert (outcomes["gina"].status, outcomes["gina"].score) == (GRADED, 7)
    hank = outcomes["hank"]  # deleted a test cell: the maximum still counts it, and the summary says so
    assert (hank.status, hank.score, hank.max_score) == (GRADED, 4, 7), hank
    assert "missing from the submission, scored 0: test-tickets" in hank.reason
    table = summary(list(outcomes.values()))
    assert "carol" in table and "failed" in table and "not valid JSON" in table


def test_rerun_grades_only_new_or_changed_and_force_regrades(graded, capsys):
    cohort, *_ = graded
    again = Grader(cohort.grading_source(EX), EX, workers=2, cell_timeout=5, submission_timeout=60).run()
    assert all(o.skipped for o in again)
    nbformat.write(_with(RELEASE, **{"answer-adoption": "adoption_rate = 0.4"}),
                   cohort.root / "submitted" / "bob" / EX / f"{EX}.ipynb")
    changed = Grader(cohort.grading_source(EX), EX, workers=1, cell_timeout=5).run()
    assert [o.learner for o in changed if not o.skipped] == ["bob"]
    forced = Grader(cohort.grading_source(EX), EX, workers=2, cell_timeout=5, submission_timeout=60, force=True).run()
    assert not any(o.skipped for o in forced) and len(forced) == len(LEARNERS)


def test_a_failed_regrade_leaves_no_stale_grades_and_keeps_the_folder(graded):
    cohort, *_ = graded
    with gradebook(cohort.db_url) as book:
        assert book.find_submission(EX, "alice").score == 7
    (cohort.root / "submitted" / "alice" / EX / f"{EX}.ipynb").write_text("not json", encoding="utf-8")
    [alice] = [o for o in Grader(cohort.grading_source(EX), EX, workers=1).run() if o.learner == "alice"]
    assert alice.status == FAILED
    with gradebook(cohort.db_url) as book, pytest.raises(Exception, match="No such submission"):
        book.find_submission(EX, "alice")
    folder = cohort.root / "autograded" / "alice" / EX
    assert (folder / "FAILED.txt").read_text().startswith("Grading failed: not a readable notebook")
    shutil.copy(SOLUTION, cohort.root / "submitted" / "alice" / EX / f"{EX}.ipynb")
    Grader(cohort.grading_source(EX), EX, workers=1).run()


def test_feedback_never_shows_hidden_tests(graded):
    from pmkit.cohort import feedback

    cohort, *_ = graded
    pages = feedback.generate(cohort.root, cohort.db_url, EX)
    assert {p.parent.parent.name for p in pages} >= {"alice", "bob", "frank"}
    hidden = hidden_lines()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for line in hidden:
            assert line not in text and html.escape(line) not in text, (page, line)
        assert "Traceback" not in text
    bob = (cohort.root / "feedback" / "bob" / EX / f"{EX}.html").read_text(encoding="utf-8")
    assert "Score: 0 / 2" in bob and "not answered yet" in bob


def test_report_csv_and_offline_dashboard(graded):
    import pandas as pd

    from pmkit.cohort import report

    cohort, *_ = graded
    csv_path, html_path = report.write(cohort.root, cohort.db_url)
    frame = pd.read_csv(csv_path)
    assert set(frame["learner"]) == set(LEARNERS)
    assert frame.set_index("learner").loc["carol", "status"] == "failed"
    assert frame.set_index("learner").loc["gina", "score"] == 7
    page = html_path.read_text(encoding="utf-8")
    assert "Score distribution per exercise" in page
    # one APM exercise graded: no learner has both kinds of work, so the page says so instead of an empty chart
    assert "The APM-versus-JPM profile appears once a learner has" in page and 'id="spec-profile"' not in page
    assert "Learners at risk" in page and "<td>bob</td>" in page
    assert '<script src="http' not in page and "cdn.jsdelivr" not in page


def test_parallel_and_sequential_grading_give_identical_gradebooks(graded, tmp_path):
    *_, parallel = graded  # the module's cohort, graded by two workers
    cohort = new_cohort(tmp_path, LEARNERS[:4], release=[EX])
    _submissions(tmp_path / "subs")
    cohort.collect(tmp_path / "subs", EX)
    Grader(cohort.grading_source(EX), EX, workers=1, cell_timeout=5, submission_timeout=60).run()
    sequential = _rows(cohort, LEARNERS[:4])
    assert sequential == parallel and len(sequential) > 4


def test_an_interrupted_run_resumes_with_nothing_lost_or_counted_twice(tmp_path):
    ids = [f"l{i}" for i in range(6)]
    cohort = new_cohort(tmp_path, ids, release=[EX])
    subs = tmp_path / "subs"
    subs.mkdir()
    for i, learner in enumerate(ids):
        shutil.copy(SOLUTION if i % 2 == 0 else RELEASE, subs / f"{learner}.ipynb")
    cohort.collect(subs, EX)
    command = [sys.executable, "-m", "pmkit.cli", "grade", EX, "--cohort", str(cohort.root), "--workers", "1"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    state = cohort.root / ".pmkit" / f"grading-{EX}.json"
    deadline = time.monotonic() + 120

    def graded():
        entries = json.loads(state.read_text()) if state.is_file() else {}
        return [k for k, v in entries.items() if v["status"] == GRADED]

    while time.monotonic() < deadline and len(graded()) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    first = graded()
    assert 2 <= len(first) < len(ids), "the run was not interrupted midway"
    killed_while = [k for k, v in json.loads(state.read_text()).items() if v["status"] == "in progress"]
    assert len(killed_while) == 1, "the submission being graded is marked before it is dispatched"
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    output = done.stdout + done.stderr
    assert f"{len(first)} unchanged submission(s) skipped" in output
    assert f"{killed_while[0]}: graded again: the last run stopped while grading it" in output
    final = json.loads(state.read_text())
    assert sorted(final) == ids and all(v["status"] == GRADED for v in final.values())
    assert {k: v["score"] for k, v in final.items()} == {x: (7.0 if i % 2 == 0 else 0.0) for i, x in enumerate(ids)}
    with gradebook(cohort.db_url) as book:
        assert sorted(s.student.id for s in book.find_assignment(EX).submissions) == ids


def test_cli_runs_the_whole_flow_and_takes_a_db_url(tmp_path):
    db = tmp_path / "elsewhere" / "grades.db"
    db.parent.mkdir()

    pmkit = pmkit_cli
    done = pmkit("cohort", "init", tmp_path / "c", "--roster", write_roster(tmp_path / "r.csv", ["ann", "ben"]),
                 "--db", f"sqlite:///{db}")
    assert done.returncode == 0, done.stderr
    assert db.is_file() and not (tmp_path / "c" / "gradebook.db").exists()
    assert pmkit("release", EX, "--cohort", tmp_path / "c").returncode == 0
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(SOLUTION, subs / "ann.ipynb")
    assert "collected 1: ann" in pmkit("collect", subs, "--exercise", EX, "--cohort", tmp_path / "c").stdout
    graded = pmkit("grade", EX, "--cohort", tmp_path / "c", "--workers", "1")
    assert graded.returncode == 0 and "1 graded, 0 failed" in graded.stdout, graded.stdout + graded.stderr
    assert "1/1 ann" in graded.stderr
    assert pmkit("feedback", EX, "--cohort", tmp_path / "c").returncode == 0
    assert pmkit("report", "--cohort", tmp_path / "c").returncode == 0
    assert pmkit("grade", "--help").stdout.count("--workers") == 2
    assert "not a cohort folder" in pmkit("grade", EX, "--cohort", tmp_path).stderr


def test_a_failed_submission_gets_a_feedback_page_that_says_why(graded, tmp_path):
    cohort, *_ = graded
    copy = copy_cohort(cohort.root, tmp_path / "copy")
    done = pmkit_cli("feedback", EX, "--cohort", copy.root)
    assert done.returncode == 0, done.stderr
    assert "say grading failed and why, with no score: " in done.stdout and "carol" in done.stdout
    page = (copy.root / "feedback" / "carol" / EX / f"{EX}.html").read_text(encoding="utf-8")
    assert "could not be graded" in page and "not valid JSON" in page and "Restart and Run All" in page
    assert "alice" not in done.stdout.split("with no score:")[1]  # a graded learner gets her usual page
