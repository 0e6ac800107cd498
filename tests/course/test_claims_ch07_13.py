"""The claim audit of chapters 07-13: each claim these chapters changed names the article sentence behind it.

Each row is (chapter, words the chapter or its turns say, article file, the article's own sentence).
The test checks that the chapter still says it and that the article still has the sentence, so a claim
cannot drift from its source unnoticed. Claims that are the course's own illustration are marked so in
the chapter itself (see ``OWN``).
"""

from __future__ import annotations

import json
import re

import pytest

from pmkit.teach import turns
from tests.conftest import COURSE, SHARED

A, B = "000_90597afea951d368.txt", "004_dbf6c9ef40c4bc2e.txt"

CLAIMS = [
    ("07", "no clock times\nand no order", A, "An APM might spend the day:"),
    ("07", "no clock times\nand no order", A, "A JPM’s day may include:"),
    ("07", "the second article gives this work to a JPM", B,
     "The junior product manager will then reach out and find customers willing to discuss the pain points"),
    ("07", "the second article gives this work to a JPM", B,
     "the junior product manager can pull the data to analyze and make sense of it"),
    ("07", "Titles are not standardised", A, "titles are not always standardized"),
    ("08", "visibility through process fluency and smooth execution", A,
     "Their visibility comes through process fluency and smooth execution."),
    ("08", "anticipating a delivery risk", A, "Anticipate delivery risks"),
    ("09", "inside the first article's JPM range", A, "JPM salaries typically range from $60,000 to $95,000"),
    ("09", "no source** for its salary", A, "In the U.S., APMs typically earn between $70,000 and $110,000"),
    ("09", "often promoted to PM quickly (its figure, in the table above,\ncomes without a source)", A,
     "promoted to full PM roles in 12–18 months"),
    ("09", "not the steps or time between", B,
     "if the junior product manager moves into a director of product role or VP of product, managing a team "
     "will be added to the list of responsibilities"),
    ("10", "lists reviewing analytics in an APM's day", A, "Reviewing analytics to identify a drop-off in the onboarding flow"),
    ("11", "attention to detail", A,
     "Their attention to detail helped the release go live without a single missed deliverable."),
    ("11", "dropped by 30%", A, "Following launch, support tickets dropped by 30%."),
    ("11", "recurring churn patterns", A, "presented recurring churn patterns to the product team"),
    ("12", "the article's one piece of advice", B,
     "The best thing people can do to begin a career as a junior product manager is to get as close to the "
     "product as possible."),
    ("12", "*some* sizable companies start their new product hires", B,
     "A sizable company may start new product team hires at the junior product manager level."),
    ("12", "a mixture *may be best*", B, "Attending a mixture of all may be best when first starting your career."),
    ("12", "a startup internship\n  *might* be a better start", B, "This might be a better opportunity than trying to start a "
     "career in a larger company."),
]

#: Words that mark the course's own illustrations in these chapters, each of which must still say so.
OWN = [
    ("07", "the course's own illustration (not a day from either article)"),
    ("08", "Six habits of junior PMs, in the course's own words"),
    ("09", "An offer, the course's own illustration"),
    ("12", "**the course's\nown**, of that kind; neither article gives them"),
    ("12", "**written by the course for practice** (no real company or posting)"),
]


def _chapter_text(chapter: str) -> str:
    path = next(COURSE.glob(f"{chapter}-*.ipynb"))
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells)
    return text + "\n" + "\n".join(f"{t.why}\n{t.solution}" for t in turns.chapter_turns(chapter))


def _plain(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.mark.parametrize(("chapter", "claim", "source", "sentence"), CLAIMS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CLAIMS)])
def test_each_changed_claim_is_still_made_and_its_sentence_still_in_the_article(chapter, claim, source, sentence):
    assert _plain(claim) in _plain(_chapter_text(chapter)), f"chapter {chapter} no longer says {claim!r}"
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("the seed articles are not beside the repo")
    assert _plain(sentence) in _plain((seeds / source).read_text(encoding="utf-8")), (source, sentence)


@pytest.mark.parametrize(("chapter", "label"), OWN, ids=[f"{c[0]}-{i}" for i, c in enumerate(OWN)])
def test_the_course_s_own_illustrations_say_so(chapter, label):
    assert _plain(label) in _plain(_chapter_text(chapter))


def test_the_audit_can_fail():
    assert _plain("Titles are NOT standardised") in _plain("x titles are not standardised y")
    assert _plain("promoted in 6 months") not in _plain(_chapter_text("09"))
