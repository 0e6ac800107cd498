"""Nothing secret in or near the sandbox: a kernel hunting for the hidden tests finds none; its files are private.

Real kernels in the real sandbox, one notebook each: a learner's answer cells read the notebook the grader
hands the kernel (``JPY_SESSION_NAME``), walk their working folder, ``TMPDIR`` and the socket folder for
hidden-test text, and answer from whatever they find. They must score what a blank notebook scores.
"""

from __future__ import annotations

import json
import stat
import tempfile
from pathlib import Path

import nbformat
import pytest

from pmkit.grading import sandbox
from tests.conftest import EX, RELEASE, with_answers

pytestmark = pytest.mark.slow

#: An answer cell that looks for the hidden tests wherever the kernel can reach and answers from them.
THIEF = '''
import glob, json, os, re, stat
from pmkit import exercises
from pmkit.exercises import checks
session = os.environ.get("JPY_SESSION_NAME", "")
places = [session] if session else []
for folder in {os.getcwd(), os.environ.get("TMPDIR", "/tmp"), "/tmp", os.path.dirname(session or "/nowhere/x")}:
    places += glob.glob(os.path.join(folder, "**", "*"), recursive=True)
begin, end = "### BEGIN " + "HIDDEN TESTS", "### END " + "HIDDEN TESTS"  # not found in this cell itself
sources = []
package = os.path.dirname(os.path.dirname(exercises.__file__))  # pmkit's own code names the markers; no answers
for place in places:
    if place.startswith(package + os.sep):
        continue
    try:
        text = open(place, encoding="utf-8", errors="replace").read()
    except OSError:
        continue
    if begin in text:
        try:
            sources += ["".join(c["source"]) for c in json.loads(text)["cells"]]
        except Exception:
            sources.append(text)
for source in sources:
    hidden = source.partition(begin)[2].partition(end)[0]
    name = re.search(r'check_number_digest\\("(\\w+)"', hidden)
    if name:
        found = {"exercises": exercises, "checks": checks}
        exec(hidden.partition("checks.check_number_digest(")[0], found)
        globals()[name.group(1)] = found.get("_rate", found.get("_change"))
if session:
    info = os.stat(session)
    print("session-file", json.dumps({"mode": stat.S_IMODE(info.st_mode), "uid": info.st_uid, "me": os.getuid()}))
print("hidden-found", len(sources))
'''


def _thief(tmp_path: Path) -> Path:
    path = tmp_path / f"{EX}.ipynb"
    nbformat.write(with_answers(RELEASE, **{"answer-adoption": THIEF, "answer-errors": THIEF,
                                            "answer-tickets": THIEF}), path)
    return path


def _printed(graded) -> str:
    return "".join(o.get("text", "") for cell in graded.cells for o in cell.get("outputs", []))


def test_a_kernel_hunting_for_the_hidden_tests_finds_none_and_scores_as_blank(tmp_path):
    from pmkit.grading.engine import GradingCourse

    if sandbox.unavailable_reason():
        pytest.skip(f"no sandbox here: {sandbox.unavailable_reason()}")
    with GradingCourse(cell_timeout=60) as course:
        assert stat.S_IMODE(course.root.stat().st_mode) == 0o700  # the private course (solutions, gradebook)
        result = course.grade(EX, "thief", _thief(tmp_path))
        printed = _printed(nbformat.read(course.root / "autograded" / "thief" / EX / f"{EX}.ipynb", as_version=4))
    assert "hidden-found 0" in printed and "hidden-found 1" not in printed, printed[-2000:]
    assert result.auto_score == 0, result.scores()
    files = [json.loads(line.partition(" ")[2]) for line in printed.splitlines() if line.startswith("session-file")]
    assert files, "the kernel was given no saved notebook to read its Markdown answer from"
    for info in files:  # the saved notebook is the kernel's own, readable by no other user
        assert info["mode"] & 0o077 == 0, oct(info["mode"])
        assert info["uid"] == info["me"]


def test_the_saved_notebook_is_the_submission_as_submitted_and_private(tmp_path):
    """The file beside the kernel holds the learner's bytes, nothing restored from the gradebook, mode 0600."""
    if sandbox.unavailable_reason():
        pytest.skip(f"no sandbox here: {sandbox.unavailable_reason()}")
    probe = ("import os, stat\np = os.environ['JPY_SESSION_NAME']\n"
             "print('SAVED', stat.S_IMODE(os.stat(p).st_mode), stat.S_IMODE(os.stat(os.path.dirname(p)).st_mode), "
             "open(p).read())")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(probe)])
    text = "learner's own text " + "x" * 40
    out = sandbox.run(nb, export_cells=set(), cell_timeout=60, deadline=120, saved=("mine.ipynb", text))
    printed = _printed(out)
    assert "SAVED 384 " in printed and printed.rstrip().endswith(text), printed  # 384 == 0o600
    assert not list(Path(tempfile.gettempdir()).glob("pmkit-k-*/mine.ipynb"))  # gone after the run
