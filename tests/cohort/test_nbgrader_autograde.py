"""Stock `nbgrader autograde` (and Formgrader's Autograde button) in a cohort folder refuses: one grading path only.

nbgrader's own autograde runs the learner's notebook unsandboxed, as the instructor, with the hidden tests in
the learner's kernel: a notebook `pmkit grade` scores 0 could score full marks there. In a cohort it must refuse,
say to use `pmkit grade`, and leave the gradebook and graded notebooks as they were.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pmkit.grading.gradebook import gradebook
from tests.conftest import EX, RELEASE, collect, new_cohort, with_answers

pytestmark = pytest.mark.slow

#: Full marks under stock nbgrader: the checks the test cells call are replaced by ones that never fail.
PATCHED_CHECKS = ("import pmkit.exercises.checks as c\n"
                  "for name in dir(c):\n    if name.startswith('check_'):\n"
                  "        setattr(c, name, lambda *a, **k: None)\n"
                  "adoption_rate = error_rate = ticket_change_pct = 1\n")


def _nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    return subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=root, capture_output=True,
                          text=True, check=False, env=env, timeout=300)


def _scores(db_url: str, learner: str) -> list[float | None]:
    with gradebook(db_url) as book:
        try:
            return [g.auto_score for g in book.find_submission_notebook(EX, EX, learner).grades]
        except Exception:  # no submission recorded: nothing graded
            return []


def test_nbgrader_autograde_in_a_cohort_refuses_and_names_pmkit_grade(tmp_path):
    from pmkit.cohort.nbgrader_settings import AUTOGRADE_REFUSED

    cohort = new_cohort(tmp_path, ["mallory"], release=[EX])
    collect(cohort, tmp_path / "subs", {"mallory": with_answers(RELEASE, **{"answer-adoption": PATCHED_CHECKS})})
    done = _nbgrader(cohort.root, "autograde", EX)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "nbgrader autograde is turned off in this pmkit cohort" in output and "pmkit grade" in output, output
    assert AUTOGRADE_REFUSED in output
    assert not (cohort.root / "autograded" / "mallory").exists()
    assert not any(_scores(cohort.db_url, "mallory"))


def test_formgrader_autograde_button_refuses_and_keeps_pmkit_grades(graded_pair_copy):
    """Formgrader's button calls nbgrader's API with force: pmkit's graded notebook and scores must survive it."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from pmkit.grading.nbgrader_course import load_config

    cohort = graded_pair_copy
    graded = cohort.root / "autograded" / "alice" / EX / f"{EX}.ipynb"
    before, scores = graded.read_bytes(), _scores(cohort.db_url, "alice")
    assert sum(s or 0 for s in scores) == 7
    config = load_config(cohort.root)
    previous = Path.cwd()
    try:
        os.chdir(cohort.root)
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        result = api.autograde(EX, "alice", force=True, create=True)
    finally:
        os.chdir(previous)
    assert not result["success"]
    assert "pmkit grade" in result.get("log", "") + result.get("error", ""), result
    assert graded.read_bytes() == before and _scores(cohort.db_url, "alice") == scores
