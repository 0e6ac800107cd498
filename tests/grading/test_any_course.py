"""`pmkit grade` on a plain nbgrader course gives the scores stock `nbgrader autograde` gives, cell by cell."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from pmkit.grading.gradebook import gradebook
from tests.conftest import SHARED

pytestmark = pytest.mark.slow
FIXTURES = SHARED / "corpora" / "nbgrader-fixtures"
NBGRADER = Path(sys.executable).parent / "nbgrader"
ASSIGNMENT = "ps1"
#: Stock nbgrader runs ``alembic`` by name: the virtual environment's scripts go first on PATH.
ENV = os.environ | {"PATH": f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
#: A course whose folders and gradebook are not nbgrader's defaults, so reading its settings is tested too.
CONFIG = '''import os
c = get_config()
c.CourseDirectory.course_id = "plain-course"
c.CourseDirectory.submitted_directory = "handins"
c.CourseDirectory.autograded_directory = "marked"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(os.path.dirname(os.path.abspath(__file__)), "book.db")
c.Execute.timeout = 20
'''
FUNCTIONS = {  # the learner's answer in functions.ipynb: its visible test passes for all but "stub"
    "right": "def double(x):\n    return 2 * x",
    "visible-only": "def double(x):\n    return 4 if x == 2 else 0",  # fails the hidden test
    "stub": "# YOUR CODE HERE\nraise NotImplementedError()",
    # empties every later cell, test cells included: tests in the learner's kernel cannot stop this
    "transformer": "get_ipython().input_transformers_cleanup.append(lambda lines: [])\ndef double(x):\n    return 0",
}
#: student: (nbgrader fixture as ``intro.ipynb``, answer in ``functions.ipynb``, None = not submitted)
STUDENTS = {
    "unchanged": ("submitted-unchanged.ipynb", "stub"),
    "changed": ("submitted-changed.ipynb", "right"),
    "cheat": ("submitted-cheat-attempt.ipynb", "visible-only"),
    "cheat-alt": ("submitted-cheat-attempt-alternative.ipynb", None),
    "grade-cell": ("submitted-grade-cell-changed.ipynb", "right"),
    "locked-cell": ("submitted-locked-cell-changed.ipynb", "visible-only"),
    "transformer": ("submitted-unchanged.ipynb", "transformer"),
}


def _nbgrader(meta_id, *, grade=False, solution=False, locked=False, points=None, cell_type="code"):
    meta = {"grade_id": meta_id, "grade": grade, "solution": solution, "locked": locked, "schema_version": 3}
    return {"nbgrader": meta | ({"points": points} if points is not None else {})}


def _functions_source():
    """An assignment notebook of our own: a function to write, a test calling it, a hidden test."""
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [
        new_markdown_cell("Write `double(x)`.", metadata=_nbgrader("intro", locked=True)),
        new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                      metadata=_nbgrader("answer", solution=True)),
        new_code_cell("assert double(2) == 4\n### BEGIN HIDDEN TESTS\nassert double(-3) == -6\n"
                      "### END HIDDEN TESTS", metadata=_nbgrader("test_double", grade=True, locked=True, points=2)),
        new_code_cell("assert double(2) + double(2) == 8", metadata=_nbgrader("test_sum", grade=True, locked=True,
                                                                              points=1)),
    ]
    return nb


def _make_course(root):
    """A plain nbgrader course: config, two source notebooks, generated, and every student's submission."""
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    intro = nbformat.read(FIXTURES / "submitted-unchanged.ipynb", as_version=4)  # nbgrader's own test source
    intro.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(intro, source / "intro.ipynb")
    nbformat.write(_functions_source(), source / "functions.ipynb")
    done = subprocess.run([str(NBGRADER), "generate_assignment", ASSIGNMENT], cwd=root, capture_output=True,
                          text=True, check=False, env=ENV)
    assert done.returncode == 0, done.stdout + done.stderr
    released = nbformat.read(root / "release" / ASSIGNMENT / "functions.ipynb", as_version=4)
    for student, (fixture, answer) in STUDENTS.items():
        folder = root / "handins" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy(FIXTURES / fixture, folder / "intro.ipynb")
        if answer is not None:
            mine = nbformat.from_dict(released)
            next(c for c in mine.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answer").source = \
                FUNCTIONS[answer]
            nbformat.write(mine, folder / "functions.ipynb")
    return root


def _scores(root):
    """Every autograded cell's score: (student, notebook, grade id) to points."""
    with gradebook(f"sqlite:///{root / 'book.db'}") as book:
        assignment = book.find_assignment(ASSIGNMENT)
        return {(s.student_id, nb.name, g.name): g.auto_score
                for s in assignment.submissions for nb in s.notebooks for g in nb.grades}


def _totals(scores):
    totals = {}
    for (student, _, _), score in scores.items():
        totals[student] = totals.get(student, 0) + (score or 0)
    return totals


def _pmkit(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pmkit.cli", *map(str, args)], capture_output=True, text=True,
                          check=False, cwd=cwd)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The same course graded by stock `nbgrader autograde` and by `pmkit grade` (in parallel, sandboxed)."""
    if not FIXTURES.is_dir():
        pytest.skip("shared/corpora/nbgrader-fixtures is not beside the repository")
    base = tmp_path_factory.mktemp("any-course")
    stock = _make_course(base / "stock")
    ours = base / "ours"
    shutil.copytree(stock, ours)
    done = subprocess.run([str(NBGRADER), "autograde", ASSIGNMENT], cwd=stock, capture_output=True, text=True,
                          check=False, env=ENV)
    assert done.returncode == 0, done.stdout + done.stderr
    run = _pmkit("grade", ASSIGNMENT, "--workers", "2", "--timeout", "20", cwd=ours)
    assert run.returncode == 0, run.stdout + run.stderr
    return stock, ours, run


def test_every_cell_scores_as_nbgrader_autograde_scores_it(graded):
    stock, ours, _ = graded
    expected, got = _scores(stock), _scores(ours)
    assert len(expected) == len(STUDENTS) * 6  # every cell graded: 4 in intro, 2 in functions
    assert got == expected
    # nbgrader's own expectations for its fixtures (intro: 1 + 1 of 7 autograded points at most)
    intro = {s: sum(v or 0 for (st, nb, _), v in expected.items() if st == s and nb == "intro") for s in STUDENTS}
    assert intro["unchanged"] == 1 and intro["changed"] == 2 and intro["cheat"] == 1 and intro["cheat-alt"] == 1
    functions = {s: sum(v or 0 for (st, nb, _), v in expected.items() if st == s and nb == "functions")
                 for s in STUDENTS}
    # "transformer" gets full marks for a wrong answer from nbgrader and from pmkit alike: a plain course's tests
    # run in the learner's kernel (README); pmkit's own exercises run them in a trusted interpreter instead
    assert functions == {"unchanged": 0, "changed": 3, "cheat": 1, "cheat-alt": 0, "grade-cell": 3, "locked-cell": 1,
                         "transformer": 3}


def test_graded_into_the_courses_own_folders_and_gradebook(graded):
    stock, ours, run = graded
    assert "hidden tests run inside the learner's kernel" in run.stdout + run.stderr
    assert "Warning" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert f"{len(STUDENTS)} graded, 0 failed" in run.stdout, run.stdout + run.stderr
    for student, (_, answer) in STUDENTS.items():
        marked = ours / "marked" / student / ASSIGNMENT
        assert (marked / "intro.ipynb").is_file()
        assert (marked / "functions.ipynb").is_file() == (answer is not None)
    assert not (ours / "autograded").exists() and not (ours / "gradebook.db").exists()
    assert _totals(_scores(ours)) == _totals(_scores(stock))


def test_a_rerun_skips_unchanged_and_regrades_a_changed_submission(graded):
    _, ours, _ = graded
    again = _pmkit("grade", ASSIGNMENT, "--course", ours, "--workers", "1")
    assert again.returncode == 0 and f"{len(STUDENTS)} unchanged submission(s) skipped" in again.stderr, again.stderr
    notebook = ours / "handins" / "unchanged" / ASSIGNMENT / "functions.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answer").source = FUNCTIONS["right"]
    nbformat.write(nb, notebook)
    changed = _pmkit("grade", ASSIGNMENT, "--course", ours, "--workers", "1")
    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert f"{len(STUDENTS) - 1} unchanged submission(s) skipped" in changed.stderr
    assert "1/1 unchanged    4/5" in changed.stderr
    assert _totals(_scores(ours))["unchanged"] == 1 + 3


def test_a_plain_course_gets_clear_errors_not_tracebacks(graded, tmp_path):
    _, ours, _ = graded
    unknown = _pmkit("grade", "ps9", "--course", ours)
    assert unknown.returncode != 0 and "has no assignment 'ps9'" in unknown.stderr
    assert "nbgrader generate_assignment ps9" in unknown.stderr and "Traceback" not in unknown.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.root = undefined_name\n")
    done = _pmkit("grade", ASSIGNMENT, "--course", broken)
    assert done.returncode != 0 and "nbgrader_config.py: nbgrader could not load it" in done.stderr
    assert "Traceback" not in done.stderr


def test_broken_and_endless_submissions_fail_alone_with_a_reason(tmp_path):
    if not FIXTURES.is_dir():
        pytest.skip("shared/corpora/nbgrader-fixtures is not beside the repository")
    course = _make_course(tmp_path / "course")
    handins = course / "handins"
    (handins / "unchanged" / ASSIGNMENT / "functions.ipynb").write_text("{not json", encoding="utf-8")
    endless = handins / "cheat" / ASSIGNMENT / "functions.ipynb"
    nb = nbformat.read(endless, as_version=4)
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answer").source = (
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass")  # ignores interrupts
    nbformat.write(nb, endless)
    run = _pmkit("grade", ASSIGNMENT, "--course", course, "--workers", "2", "--timeout", "3",
                 "--submission-timeout", "20")
    assert run.returncode == 1, run.stdout + run.stderr  # as nbgrader autograde: a failed submission exits 1
    assert "2 submission(s) failed (cheat, unchanged)" in run.stderr
    lines = {line.split()[0]: line for line in run.stdout.splitlines()[1:-1]}
    assert "failed" in lines["unchanged"] and "not valid JSON" in lines["unchanged"], run.stdout
    assert "failed" in lines["cheat"] and "stopped after" in lines["cheat"], run.stdout
    assert f"{len(STUDENTS) - 2} graded, 2 failed" in run.stdout
    assert "Grading failed" in (course / "marked" / "cheat" / ASSIGNMENT / "FAILED.txt").read_text()
    totals = _totals(_scores(course))
    assert "unchanged" not in totals and "cheat" not in totals and totals["changed"] == 2 + 3
