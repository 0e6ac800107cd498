"""Style rules for every chapter in course/: what a reviewer would otherwise have to nag about."""

from __future__ import annotations

import itertools
import re

import pytest

from pmkit import notebooks
from tests.course import notebook_rules
from tests.conftest import COURSE

CHAPTERS = sorted(COURSE.glob("*.ipynb"))


def test_chapters_are_numbered_and_start_at_welcome():
    names = [p.name for p in CHAPTERS]
    assert names[:2] == ["00-welcome.ipynb", "01-at-a-glance.ipynb"]
    assert all(re.match(r"^\d\d-[a-z0-9-]+\.ipynb$", n) for n in names), names


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_follows_the_style_rules(path):
    assert notebook_rules.problems(path) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_recap_and_a_check(path):
    nb = notebooks.read(path)
    text = "\n".join(c.source for c in nb.cells)
    assert "## Recap" in text
    assert "Check your understanding" in text


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_time_is_within_the_course_budget(path):
    nb = notebooks.read(path)
    minutes = int(notebook_rules.TIME.search(nb.cells[0].source).group(1))
    assert 10 <= minutes <= 25


def test_rules_catch_a_bad_notebook(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# One\n# Two\n[missing](nowhere.ipynb)"),
                nbformat.v4.new_code_cell("import altair as alt\nalt.Chart(df)")]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="hi")]
    nb.metadata["kernelspec"] = {"name": "ir"}
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    found = "\n".join(notebook_rules.problems(path))
    for expected in ["exactly one H1", "Learning objectives", "Estimated time", "kernel is not python3",
                     "not stored clean", "broken link in cell 0: nowhere.ipynb", "builds an altair chart"]:
        assert expected in found


def test_wrap_up_links_every_exercise():
    from pmkit.grading.engine import exercise_ids

    text = "\n".join(c.source for c in notebooks.read(COURSE / "13-wrap-up.ipynb").cells)
    for exercise in exercise_ids():
        assert f"(../exercises/{exercise}/{exercise}.ipynb)" in text, exercise


def _bare_headings(cells) -> list[str]:
    """Headings that stand alone right above a code cell: the learner is not told what the cell is for."""
    return [c.source.strip() for c, after in itertools.pairwise(cells)
            if c.cell_type == "markdown" and re.fullmatch(r"#+ [^\n]*", c.source.strip())
            and after.cell_type == "code"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_section_says_what_comes_before_its_code(path):
    assert _bare_headings(notebooks.read(path).cells) == []


def test_bare_heading_check_can_fail():
    import nbformat

    cells = [nbformat.v4.new_markdown_cell("## Case 2"), nbformat.v4.new_code_cell("x = 1"),
             nbformat.v4.new_markdown_cell("## Case 3\n\nWhat happened next."), nbformat.v4.new_code_cell("y = 2")]
    assert _bare_headings(cells) == ["## Case 2"]
