"""Feedback pages are built from what a learner may see: visible tests shown whole, no hidden test however spelled.

A real cohort graded by `pmkit grade` (real kernels, real nbgrader, SQLite gradebook): a PRD writer, whose
test cells' hidden tests repeat the visible lines (the page must show those visible lines, not blank them),
and a thief whose answer cells hunt for the hidden tests and print whatever they find with zero-width
characters between the letters, Cyrillic look-alike letters and base64 (the page must hold none of it).
"""

from __future__ import annotations

import base64
import re
import sys
import unicodedata

import nbformat
import pytest

from pmkit.cohort import feedback
from pmkit.runs.runner import Grader
from tests.conftest import EX, RELEASE, REPO, collect, hidden_lines, new_cohort, with_answers

pytestmark = pytest.mark.slow
PRD = "prd"
#: Prints every hidden-test line it can find, spelled three ways no verbatim filter would catch.
OBFUSCATED_THIEF = '''
import base64, glob, json, os
begin, end = "### BEGIN " + "HIDDEN TESTS", "### END " + "HIDDEN TESTS"
session = os.environ.get("JPY_SESSION_NAME", "")
places = [session] if session else []
for folder in {os.getcwd(), "/tmp", os.path.dirname(session or "/nowhere/x")}:
    places += glob.glob(os.path.join(folder, "**", "*"), recursive=True)
found = []
for place in places:
    try:
        text = open(place, encoding="utf-8", errors="replace").read()
        sources = ["".join(c["source"]) for c in json.loads(text)["cells"]]
    except Exception:
        continue
    for source in sources:
        found += [line for line in source.partition(begin)[2].partition(end)[0].splitlines() if line.strip()]
look_alike = str.maketrans("aeoc", "\\u0430\\u0435\\u043e\\u0441")
for line in found:
    print("\\u200b".join(line))
    print(line.translate(look_alike))
    print(base64.b64encode(line.encode()).decode())
print("thief searched", len(places), "places and found", len(found), "lines")
'''
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_BACK = str.maketrans("\u0430\u0435\u043e\u0441", "aeoc")


def _normalised(text: str) -> str:
    """Page text with zero-width characters dropped, look-alike letters mapped back and base64 decoded."""
    import html

    text = unicodedata.normalize("NFKC", html.unescape(text)).translate(_ZERO_WIDTH).translate(_BACK)
    decoded = []
    for token in re.findall(r"[A-Za-z0-9+/]{16,}={0,2}", text):
        try:
            decoded.append(base64.b64decode(token + "=" * (-len(token) % 4)).decode("utf-8", "ignore"))
        except ValueError:
            continue
    return text + "\n" + "\n".join(decoded)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    base = tmp_path_factory.mktemp("feedback-sources")
    cohort = new_cohort(base, ["writer", "thief"], release=[EX, PRD])
    collect(cohort, base / "prd", {"writer": REPO / "solutions" / PRD / f"{PRD}.ipynb"}, exercise=PRD)
    collect(cohort, base / "beta", {"thief": with_answers(RELEASE, **{"answer-adoption": OBFUSCATED_THIEF,
                                                                      "answer-errors": OBFUSCATED_THIEF})})
    for exercise in (PRD, EX):
        Grader(cohort.grading_source(exercise), exercise, workers=1, cell_timeout=60, out=sys.stderr).run()
    written = {}
    for exercise in (PRD, EX):
        for page in feedback.generate(cohort.root, cohort.db_url, exercise):
            written[page.parent.parent.name] = page.read_text(encoding="utf-8")
    return written


def test_the_prd_page_shows_every_visible_test_line(pages):
    page = pages["writer"]
    release = nbformat.read(REPO / "exercises" / PRD / f"{PRD}.ipynb", as_version=4)
    visible = [line.strip() for cell in release.cells if cell.get("metadata", {}).get("nbgrader", {}).get("grade")
               and cell.cell_type == "code" for line in cell.source.splitlines() if line.strip()]
    assert len(visible) >= 4
    shown = _normalised(page)
    for line in visible:
        assert line in shown, line
    assert "removed" not in page


def test_hidden_tests_printed_in_disguise_never_reach_the_page(pages):
    page = pages["thief"]
    assert "thief searched" in page  # the thief ran, and its output is on the page
    shown = _normalised(page)
    for line in hidden_lines(REPO / "solutions" / EX / f"{EX}.ipynb"):
        assert line not in shown, line
