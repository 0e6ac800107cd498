"""pmkit.stories: parsing, the six QUS criteria, and robustness on 1,680 real stories."""

from __future__ import annotations

from collections import Counter

import pytest

from pmkit import stories
from tests.conftest import SHARED

CORPUS = SHARED / "corpora" / "user-stories"


def _criteria(text_or_list):
    return [f.criterion for f in stories.review(text_or_list)]


def test_parse_role_means_ends():
    story = stories.parse("As a job seeker, I want to save a search, so that I can rerun it.")
    assert (story.role, story.means, story.ends) == ("job seeker", "save a search", "I can rerun it")


def test_parse_without_ends_and_with_comma_in_role():
    story = stories.parse("As a researcher, working with NetCDF, I want NetCDF integration.")
    assert story.role == "researcher, working with NetCDF"
    assert story.means == "NetCDF integration" and story.ends is None


def test_parse_other_templates():
    story = stories.parse("As an admin, I would like to export users in order to audit access")
    assert (story.role, story.means, story.ends) == ("admin", "export users", "audit access")
    assert story.template == ("i would like", "in order to")
    assert stories.parse("As User, I want to be able to log in.").template == ("i want", None)


def test_parse_non_story():
    story = stories.parse("Auditing & Reporting.")
    assert (story.role, story.means, story.ends) == (None, None, None)
    assert _criteria("Auditing & Reporting.") == ["well_formed"]


def test_well_formed_story_has_no_findings():
    assert stories.review("As a job seeker, I want to save a search, so that I can rerun it.") == []


@pytest.mark.parametrize("text", [
    "As a user, I want to save and name a search.",
    "As a user, I want to export or print the report.",
    "As an author, I want to indent / outdent content.",
    "As a user, I want to upload photos & videos.",
])
def test_atomic_flags_two_actions_or_objects(text):
    assert "atomic" in _criteria(text)


@pytest.mark.parametrize("text", [
    "As a user, I want to accept the terms and conditions, so that I can sign up.",
    "As a user, I want to save a search, so that I can rerun it and share it.",
    "As a planner, I want to see jobs between Monday and Friday.",
    "As a designer, I want to drag and drop widgets.",
])
def test_atomic_ignores_conjunctions_in_ends_and_fixed_phrases(text):
    assert "atomic" not in _criteria(text)


@pytest.mark.parametrize("text", [
    "As a user, I want to save a search (with filters), so that I can rerun it.",
    "As a user, I want to save a search. It should be quick to find later.",
    "As a user, I want to save a search, e.g. by title.",
    "As a user, I want to save a search [see mockup].",
])
def test_minimal_flags_notes_brackets_and_extra_sentences(text):
    assert "minimal" in _criteria(text)


def test_unambiguous_names_the_vague_words():
    findings = stories.review("As a user, I want an easy and intuitive search etc, so that it is fast.")
    message = next(f.message for f in findings if f.criterion == "unambiguous")
    for word in ("easy", "intuitive", "etc", "fast"):
        assert f"\u201c{word}\u201d" in message
    assert "unambiguous" not in _criteria("As a user, I want breakfast recipes, so that I can cook.")


def test_unique_points_at_the_first_copy():
    text = "As a user, I want to log in, so that I see my data."
    findings = stories.review([text, "As a user, I want to log out.", text.upper()])
    unique = [f for f in findings if f.criterion == "unique"]
    assert [(f.index, f.message.split(";")[0]) for f in unique] == [(2, "Story 3 repeats story 1")]


def test_uniform_flags_the_odd_template_out():
    backlog = ["As a user, I want to log in, so that I see my data.",
               "As a user, I want to log out, so that others cannot use my account.",
               "As a user, I need to reset my password, so that I can get back in."]
    findings = [f for f in stories.review(backlog) if f.criterion == "uniform"]
    assert [f.index for f in findings] == [2]
    assert "\u201ci need\u201d where most stories use \u201ci want\u201d" in findings[0].message


def test_findings_have_index_criterion_and_actionable_message():
    findings = stories.review(["As a user, I want to log in.", "Login page"])
    finding = next(f for f in findings if f.criterion == "well_formed")
    assert finding.index == 1
    assert "Story 2" in finding.message and "As a <role>" in finding.message


def test_review_accepts_story_objects_and_bad_input():
    assert stories.review(stories.parse("As a user, I want to log in.")) == []
    assert _criteria(["", "   "]) == ["well_formed", "well_formed"]
    assert _criteria([123]) == ["well_formed"]


def test_load_reads_bom_crlf_and_cp1252(tmp_path):
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfAs a user, I want to log in.\r\nAs a user, I want to log out.\r\n")
    parsed, encoding = stories.load(tmp_path / "bom.txt")
    assert encoding == "utf-8" and [s.role for s in parsed] == ["user", "user"]
    (tmp_path / "win.txt").write_bytes("As a caf\xe9 owner, I want to print menus.\n".encode("cp1252"))
    parsed, encoding = stories.load(tmp_path / "win.txt")
    assert encoding == "cp1252" and parsed[0].role == "caf\u00e9 owner"


def test_criterion_parsing():
    criterion = stories.parse_criterion("Given a saved search, when I delete it, then it is gone.")
    assert criterion == stories.Criterion("a saved search", "I delete it", "it is gone")
    assert stories.parse_criterion("It works on mobile.") is None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpora/user-stories is not beside the repository")
def test_every_real_backlog_is_reviewed_without_an_exception():
    # Dalpiaz (2018), Requirements data sets (user stories), Mendeley Data, doi:10.17632/7zbk8zsd8y.1, CC BY 4.0.
    total, encodings, criteria = 0, Counter(), Counter()
    for path in sorted(CORPUS.glob("*.txt")):
        parsed, encoding = stories.load(path)
        encodings[encoding] += 1
        total += len(parsed)
        criteria.update(f.criterion for f in stories.review(parsed))
    assert total == 1680
    assert encodings == {"utf-8": 19, "cp1252": 3}
    assert set(criteria) == set(stories.CRITERIA)  # every criterion fires somewhere in real backlogs
    assert criteria["well_formed"] < 0.02 * total  # real stories are nearly all recognised
