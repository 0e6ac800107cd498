"""The claim audit: each claim a chapter changed for issue 21 names the article sentence behind it.

``datasets/course/claims.csv`` pairs a chapter's wording with the article sentence it rests on. A claim that
``holds`` must be in the chapter's text; a ``retired`` wording (one that contradicted the articles) must be in
no chapter. Either way the sentence must be in the article it names, word for word.
"""

from __future__ import annotations

import re

import pytest

from pmkit import notebooks
from pmkit.teach import content as course
from tests.conftest import COURSE, SHARED

SEEDS = SHARED / "seeds"
CLAIMS = course.table("claims").to_dict("records")


def plain(text: str) -> str:
    """Text as a reader sees it: links as their words, no emphasis marks, straight quotes, single spaces."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                                         "\u2013": "-", "\u2014": "-", "*": None, "_": None}))
    return " ".join(text.split()).lower()


def chapter_text(chapter: str) -> str:
    path = next(COURSE.glob(f"{chapter}-*.ipynb"))
    return plain("\n".join(c.source for c in notebooks.read(path).cells if c.cell_type == "markdown"))


ALL_CHAPTERS = " ".join(chapter_text(p.name[:2]) for p in sorted(COURSE.glob("[0-9][0-9]-*.ipynb")))


@pytest.mark.parametrize("claim", CLAIMS, ids=[f"{c['chapter']}:{c['claim'][:40]}" for c in CLAIMS])
def test_each_claim_is_where_it_says_and_rests_on_its_sentence(claim):
    said = plain(claim["claim"])
    if claim["status"] == "holds":
        assert said in chapter_text(claim["chapter"]), f"chapter {claim['chapter']} no longer says {claim['claim']!r}"
    else:
        assert said not in ALL_CHAPTERS, f"a chapter says {claim['claim']!r} again, which the articles contradict"
    if SEEDS.is_dir():
        article = plain((SEEDS / claim["source"]).read_text(encoding="utf-8"))
        assert plain(claim["sentence"]) in article, f"{claim['source']} has no sentence {claim['sentence']!r}"


def test_the_audit_covers_the_contradictions_of_issue_21():
    retired = " ".join(plain(c["claim"]) for c in CLAIMS if c["status"] == "retired")
    for wording in ("apm-to-jpm hand-off", "the jpm's backlog", "each jpm entry shapes the delivery"):
        assert wording in retired, wording
    assert plain("the APM-to-JPM hand-off") not in plain("What each document is for, who writes it")
