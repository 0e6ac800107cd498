"""The glossary: validated data, a page kept up to date, and links at each term's first use."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from pmkit import notebooks
from pmkit.teach import glossary
from tests.conftest import REPO

REQUIRED = {"KPI", "MVP", "PRD", "user story", "acceptance criteria", "Given/When/Then", "RICE", "sprint",
            "backlog grooming", "IC", "Product Ops", "APM", "JPM", "roadmap", "stakeholder"}


def test_the_glossary_holds_the_terms_the_course_uses():
    spellings = {s for term in glossary.terms() for s in term.spellings}
    assert REQUIRED <= spellings, REQUIRED - spellings
    for term in glossary.terms():
        assert term.definition.endswith(".") and len(term.definition) > 40, term.term
        assert term.source in {"course", *glossary.ARTICLES}


def test_the_glossary_page_is_up_to_date():
    assert glossary.PAGE.read_text(encoding="utf-8") == glossary.page(), (
        "course/glossary.md is stale: run `python -m pmkit.teach.glossary page`")


def test_the_page_says_whose_words_each_definition_is():
    text = glossary.page()
    assert "## Associate Product Manager (APM)" in text and "*Following the first article.*" in text
    assert text.count("*The course's own definition.*") == sum(t.source == "course" for t in glossary.terms())
    assert "&lt;user&gt;" in text  # angle brackets shown, not swallowed as HTML


def _notebook(*cells: str) -> nbformat.NotebookNode:
    return notebooks.clean(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(c) for c in cells]))


def test_links_go_to_the_first_use_in_chapter_order_only_once(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    page = course / "glossary.md"
    page.write_text(glossary.page())
    one, two = course / "01-a.ipynb", course / "02-b.ipynb"
    one.write_text(notebooks.dumps(_notebook(
        "# A PRD chapter\n\nSee `PRD` in code and [a PRD link](x.ipynb).\n\nWrite a PRD, then another PRD.",
        "```\nsprint in a fence\n```\nThe prd in lower case is not the acronym.")))
    two.write_text(notebooks.dumps(_notebook("Plan the sprint. Another sprint. A PRD again.")))
    linked = glossary.link_first_uses([one, two], glossary=page)
    assert linked["Product requirements document (PRD)"] == (one, 0)
    assert linked["Sprint"] == (two, 0)
    first = nbformat.read(one, as_version=4).cells
    assert first[0].source == ("# A PRD chapter\n\nSee `PRD` in code and [a PRD link](x.ipynb).\n\n"
                               "Write a [PRD](glossary.md#Product-requirements-document-%28PRD%29), then another PRD.")
    assert "glossary" not in first[1].source
    assert nbformat.read(two, as_version=4).cells[0].source == (
        "Plan the [sprint](glossary.md#Sprint). Another sprint. A PRD again.")
    before = one.read_text(), two.read_text()
    assert glossary.link_first_uses([one, two], glossary=page) == {}  # idempotent
    assert (one.read_text(), two.read_text()) == before


def test_links_reach_the_page_from_another_folder(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "exercises").mkdir()
    path = tmp_path / "exercises" / "x.ipynb"
    path.write_text(notebooks.dumps(_notebook("Groom the backlog before the sprint.")))
    glossary.link_first_uses([path], glossary=tmp_path / "course" / "glossary.md")
    assert "[Groom the backlog](../course/glossary.md#Backlog-grooming)" in nbformat.read(path, 4).cells[0].source


@pytest.mark.parametrize("bad", ["term,aliases,definition,source\nKPI,KPI,A number.,somewhere\n",
                                 "term,aliases,definition,source\nKPI,,A number.,course\n"])
def test_bad_glossary_data_fails_loudly(tmp_path, monkeypatch, bad):
    from pmkit.errors import DataError

    shutil.copytree(REPO / "datasets", tmp_path / "datasets")
    (tmp_path / "datasets" / "course" / "glossary.csv").write_text(bad)
    monkeypatch.setenv("PMKIT_DATASETS", str(tmp_path / "datasets"))
    with pytest.raises(DataError, match=r"glossary\.csv"):
        glossary.terms()
