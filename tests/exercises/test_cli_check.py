"""`pmkit check`: grades a learner's own notebook with hidden tests; exit status tells pass or fail."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def _check(*args):
    return subprocess.run([sys.executable, "-m", "pmkit.cli", "check", *map(str, args)], capture_output=True,
                          text=True, check=False, cwd=REPO)


def test_solution_passes_with_exit_0():
    done = _check(REPO / "solutions" / "beta-metrics" / "beta-metrics.ipynb")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Autograded: 7 of 7 points. 3 more points are graded by your instructor." in done.stdout


def test_hidden_test_failure_exits_1_with_specific_feedback(tmp_path):
    nb = nbformat.read(REPO / "exercises" / "beta-metrics" / "beta-metrics.ipynb", as_version=4)
    answer = next(c for c in nb.cells if c.id == "answer-adoption")
    answer.source = "adoption_rate = 0.5  # passes the visible test, not the hidden one"
    path = tmp_path / "beta-metrics.ipynb"
    nbformat.write(nb, path)
    done = _check(path)
    assert done.returncode == 1
    line = next(x for x in done.stdout.splitlines() if "test-adoption" in x)
    assert "0/2" in line and "\u2718 adoption_rate: got 0.5" in line
    assert "not answered yet" in done.stdout  # the other questions are untouched
    assert "BEGIN HIDDEN" not in done.stdout and "_beta" not in done.stdout


def test_renamed_notebook_needs_exercise_option(tmp_path):
    path = tmp_path / "my-work.ipynb"
    shutil.copy(REPO / "solutions" / "role-sort" / "role-sort.ipynb", path)
    done = _check(path)
    assert done.returncode == 2 and "'my-work' is not one of the course's exercises" in done.stderr
    assert "--exercise" in done.stderr
    assert _check(path, "--exercise", "role-sort").returncode == 0


def test_broken_notebook_is_named(tmp_path):
    path = tmp_path / "prd.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    done = _check(path)
    assert done.returncode == 2
    assert f"{path}: not a readable notebook" in done.stderr and "Traceback" not in done.stderr


def test_another_exercises_notebook_is_named_with_what_to_do(tmp_path):
    path = tmp_path / "beta-metrics.ipynb"
    shutil.copy(REPO / "exercises" / "role-sort" / "role-sort.ipynb", path)
    done = _check(path)
    assert done.returncode == 2 and "metadata is damaged" not in done.stderr
    assert "this is the 'role-sort' exercise's notebook, not 'beta-metrics'" in done.stderr
    assert "--exercise role-sort" in done.stderr and "Traceback" not in done.stderr


def test_an_older_release_is_named_with_what_to_do(tmp_path):
    nb = nbformat.read(REPO / "exercises" / "beta-metrics" / "beta-metrics.ipynb", as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test-adoption")
    test.metadata.nbgrader.grade_id = "test-adoption-2025"  # what an earlier release called this test cell
    path = tmp_path / "beta-metrics.ipynb"
    nbformat.write(nb, path)
    done = _check(path)
    assert done.returncode == 2 and "metadata is damaged" not in done.stderr, done.stderr
    assert "from an older release of 'beta-metrics'" in done.stderr and "test-adoption-2025" in done.stderr
    assert "copy your answers into the current exercises/beta-metrics/beta-metrics.ipynb" in done.stderr


@pytest.mark.parametrize("content", [b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", b"\xff\xfe{}",
                                     b'{"nbformat": 4, "cells": [], "cells": []}', b"[1, 2]"])
def test_any_file_is_refused_by_name_never_a_traceback(tmp_path, content):
    path = tmp_path / "beta-metrics.ipynb"
    path.write_bytes(content)
    done = _check(path)
    assert done.returncode == 2 and done.stderr.startswith(f"pmkit: {path}: "), done.stderr
    assert "Traceback" not in done.stderr
