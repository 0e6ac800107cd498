"""Grading a cohort that never loses work: manual grades survive, one run at a time, resume state that
cannot block or lie, Ctrl-C that stops cleanly, and a sentence instead of a traceback for every operator
or machine problem. Real nbgrader, real kernels, real SQLite gradebooks; scores are read back from them.
"""

from __future__ import annotations

import io
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import nbformat
import pytest

from pmkit.cohort.folder import Cohort
from pmkit.grading.gradebook import gradebook
from pmkit.runs.lock import cohort_lock
from pmkit.runs.resume import IN_PROGRESS, MAX_ATTEMPTS
from pmkit.runs.runner import FAILED, GRADED, Grader
from tests.conftest import EX, RELEASE, REPO, SOLUTION, pmkit_cli, tmpfs
from tests.conftest import with_answers as _with

pytestmark = pytest.mark.slow
LOOP = "while True:\n    try:\n        pass\n    except KeyboardInterrupt:\n        pass"


@pytest.fixture
def template(graded_pair):
    """The session's graded cohort: alice right (7/7), bob blank (0/7)."""
    return graded_pair


@pytest.fixture
def cohort(graded_pair_copy):
    """A private copy of the graded cohort."""
    return graded_pair_copy


def _submit(cohort, learner, nb):
    nbformat.write(nb, cohort.root / "submitted" / learner / EX / f"{EX}.ipynb")


def _grade(cohort, **options):
    """Grade with a log of our own: the outcomes by learner, and what the run printed."""
    log = io.StringIO()
    outcomes = Grader(cohort.grading_source(EX), EX, out=log, **{"workers": 1, "cell_timeout": 5, **options}).run()
    return {o.learner: o for o in outcomes}, log.getvalue()


def _state(cohort):
    return json.loads((cohort.root / ".pmkit" / f"grading-{EX}.json").read_text(encoding="utf-8"))


_pmkit = pmkit_cli


def test_a_failed_regrade_keeps_the_instructors_grades_and_retries_time_limits(cohort):
    with gradebook(cohort.db_url) as book:
        book.find_grade("answer-call", EX, EX, "alice").manual_score = 2.5
        book.find_comment("answer-call", EX, EX, "alice").manual_comment = "Good call, cite the data."
        book.db.commit()
    _submit(cohort, "alice", _with(SOLUTION, **{"answer-adoption": LOOP}))
    outcomes, _ = _grade(cohort, cell_timeout=60, submission_timeout=8)
    alice = outcomes["alice"]
    assert outcomes["bob"].skipped  # unchanged
    assert alice.status == FAILED and alice.retry
    with gradebook(cohort.db_url) as book:
        grades = {g.name: g for g in book.find_submission_notebook(EX, EX, "alice").grades}
        assert grades["answer-call"].manual_score == 2.5
        assert book.find_comment("answer-call", EX, EX, "alice").manual_comment == "Good call, cite the data."
        assert all(g.auto_score is None for g in grades.values())  # no stale automatic scores
        assert book.find_submission(EX, "alice").score == 2.5
    assert _state(cohort)["alice"]["retry"] is True
    again, log = _grade(cohort, cell_timeout=60, submission_timeout=8)
    assert "alice: graded again: its last failure was the run's, not the notebook's" in log
    assert not again["alice"].skipped and again["bob"].skipped


def test_an_unknown_folder_and_another_gradebook_do_not_stop_or_fool_grading(cohort, tmp_path):
    other = f"sqlite:///{tmp_path / 'other.db'}"
    with gradebook(other) as book:
        book.update_or_create_student("alice")
    outcomes, log = _grade(Cohort(cohort.root, db_url=other))
    assert "alice: graded again: the gradebook in use has no grades for it" in log
    assert (outcomes["alice"].status, outcomes["alice"].score, outcomes["alice"].skipped) == (GRADED, 7, False)
    assert outcomes["bob"].status == FAILED and "submitted/bob/ is not on the roster" in outcomes["bob"].reason
    with gradebook(other) as book:
        assert book.find_submission(EX, "alice").score == 7


def test_a_damaged_state_and_in_progress_marks(cohort):
    path = cohort.root / ".pmkit" / f"grading-{EX}.json"
    entries = _state(cohort)
    path.write_text(path.read_text(encoding="utf-8")[:40], encoding="utf-8")  # truncated
    outcomes, log = _grade(cohort, workers=2)
    assert "was damaged" in log and list(path.parent.glob("*.damaged-*"))
    assert {k: (o.status, o.score) for k, o in outcomes.items()} == {"alice": (GRADED, 7), "bob": (GRADED, 0)}

    entries["alice"].update(status=IN_PROGRESS, attempts=1)          # a run died while grading alice: retry
    entries["bob"].update(status=IN_PROGRESS, attempts=MAX_ATTEMPTS)  # bob's killed the run 3 times: not again
    path.write_text(json.dumps(entries), encoding="utf-8")
    outcomes, log = _grade(cohort)
    assert "alice: graded again: the last run stopped while grading it" in log
    assert not outcomes["alice"].skipped and outcomes["alice"].score == 7
    assert outcomes["bob"].skipped and outcomes["bob"].status == FAILED
    assert "stopped 3 times while grading it; not tried again (use --force)" in outcomes["bob"].reason


def test_one_grading_run_at_a_time_says_who_holds_the_cohort(cohort):
    with cohort_lock(cohort.root, "grading prd"):
        done = _pmkit("grade", EX, "--cohort", cohort.root, "--workers", "1")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "another run is grading this cohort (process " in done.stderr and "grading prd, since" in done.stderr


def test_ctrl_c_stops_within_seconds_and_the_rerun_resumes(cohort):
    command = [sys.executable, "-m", "pmkit.cli", "grade", EX, "--cohort", str(cohort.root), "--workers", "1",
               "--force"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if "1/2 " in line:
            break
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - start < 10 and proc.returncode == 130
    assert "interrupted: 1 of 2 submission(s) graded in this run and kept; 1 not yet. Run the same command " \
           "again to resume." in err and "Traceback" not in err
    rerun = _pmkit("grade", EX, "--cohort", cohort.root, "--workers", "1")
    assert rerun.returncode == 0 and "1 unchanged submission(s) skipped" in rerun.stderr
    assert "1/1 " in rerun.stderr and "2 graded, 0 failed" in rerun.stdout


def test_gradebook_and_folder_problems_are_sentences(cohort, tmp_path):
    db = cohort.root / "gradebook.db"
    holder = sqlite3.connect(db, timeout=1)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        done = _pmkit("grade", EX, "--cohort", cohort.root, "--workers", "1")
    finally:
        holder.rollback()
        holder.close()
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "is locked by another program" in done.stderr and "nbgrader db upgrade" not in done.stderr

    for url, expected in (("nosuch://x", "no database driver for 'nosuch'"), ("::", "is not a database URL"),
                          (f"sqlite:///{tmp_path}/gone/g.db", "gone does not exist")):
        done = _pmkit("grade", EX, "--cohort", cohort.root, "--db", url)
        assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr

    db.write_bytes(b"\x00garbage" * 512)
    corrupt = _pmkit("grade", EX, "--cohort", cohort.root, "--workers", "1")
    assert corrupt.returncode == 2 and "Traceback" not in corrupt.stderr, corrupt.stderr
    assert "is damaged or is not an nbgrader gradebook" in corrupt.stderr

    not_a_folder = _pmkit("grade", EX, "--cohort", db)
    assert not_a_folder.returncode == 2 and "is a file, not a cohort folder" in not_a_folder.stderr
    negative = _pmkit("grade", EX, "--cohort", cohort.root, "--timeout", "-5")
    assert negative.returncode == 2 and "-5 must be 1 or more" in negative.stderr


def test_a_read_only_cohort_folder_is_named(template, tmp_path):
    with tmpfs(tmp_path / "ro", "20m") as mount:
        shutil.copytree(template, mount / "cohort", symlinks=True)
        shutil.rmtree(mount / "cohort" / ".pmkit")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        done = _pmkit("grade", EX, "--cohort", mount / "cohort", "--workers", "1")
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert "read-only file system" in done.stderr and str(mount / "cohort") in done.stderr


def test_another_exercise_or_an_older_release_is_named_not_a_traceback(cohort):
    shutil.copy(REPO / "exercises" / "prd" / "prd.ipynb", cohort.root / "submitted" / "alice" / EX / f"{EX}.ipynb")
    old = nbformat.read(RELEASE, as_version=4)
    [cell] = [c for c in old.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test-adoption"]
    cell.metadata.nbgrader.grade_id = "test-adoption-v1"
    _submit(cohort, "bob", old)
    outcomes, _ = _grade(cohort, workers=2)
    assert outcomes["alice"].reason == ("the notebook is the 'prd' exercise's notebook, not 'beta-metrics'; collect "
                                        "it with --exercise prd or ask the learner for the right file")
    assert outcomes["bob"].reason.startswith("graded cell(s) test-adoption-v1 are not in the current 'beta-metrics' "
                                             "release (an older release?)")
    failed = (cohort.root / "autograded" / "alice" / EX / "FAILED.txt").read_text(encoding="utf-8")
    assert "traceback" not in failed.lower() and "'prd' exercise's notebook" in failed


def test_check_names_a_missing_path_and_never_passes_a_missing_test_cell(tmp_path):
    nope = _pmkit("check", tmp_path / "nope.ipynb")
    assert nope.returncode == 2 and "nope.ipynb: no such file" in nope.stderr and "not one of" not in nope.stderr
    nb = nbformat.read(SOLUTION, as_version=4)
    nb.cells = [c for c in nb.cells if c.id != "test-tickets"]
    nbformat.write(nb, tmp_path / f"{EX}.ipynb")
    done = _pmkit("check", tmp_path / f"{EX}.ipynb")
    line = next(x for x in done.stdout.splitlines() if "test-tickets" in x)
    assert done.returncode == 1 and "\u2714" not in line and "missing from your notebook" in line, done.stdout


def test_a_disk_that_fills_while_grades_are_saved_is_one_sentence_and_resumes(template, tmp_path):
    import os

    with tmpfs(tmp_path / "disk", "40m") as mount:
        shutil.copytree(template, mount / "cohort", symlinks=True, ignore=shutil.ignore_patterns("autograded"))
        free = os.statvfs(mount)
        # Leave 12 KB: the lock and the resume state fit, a graded notebook (about 20 KB) does not.
        (mount / "fill").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 12 * 1024))
        full = _pmkit("grade", EX, "--cohort", mount / "cohort", "--workers", "1", "--force")
        assert full.returncode == 2, full.stdout + full.stderr
        assert "Traceback" not in full.stderr and "Rolling back" not in full.stderr, full.stderr
        assert full.stderr.count("\n") == 1 and full.stderr.startswith("pmkit: the disk is full"), full.stderr
        assert "run the same command again" in full.stderr
        state = json.loads((mount / "cohort" / ".pmkit" / f"grading-{EX}.json").read_text(encoding="utf-8"))
        assert all(entry["status"] in (IN_PROGRESS, GRADED) for entry in state.values())
        (mount / "fill").unlink()
        again = _pmkit("grade", EX, "--cohort", mount / "cohort", "--workers", "1")
        assert again.returncode == 0, again.stderr
        scores = {line.split()[0]: line.split()[2] for line in again.stdout.splitlines()[1:3]}
        assert scores == {"alice": "7/7", "bob": "0/7"}, again.stdout
