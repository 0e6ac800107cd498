"""Chapters 07-12's turns name the very mistake a learner who missed the chapter's point would make."""

from __future__ import annotations

import pytest

from pmkit.teach import turns
from pmkit.teach.turns import CORRECT, INCORRECT, PARTIAL

WRONG = [
    ("calendar-tell", "APM", None, "no order"),
    ("day-order", "That reviewing analytics comes first, since it is listed first", None, "no times"),
    ("job-not-title", "The friend: by the first article this is an APM's job", None, "second article"),
    ("offer-place", "Inside the JPM range only", None, "above the top"),
    ("director-steps", "A JPM is promoted straight to director in one move", None, "no steps or timing"),
    ("case1-weekly-change", 30.0, None, "negative"),
    ("case1-weekly-change", -0.3, None, "per cent"),
    ("case3-churn-rate", 105 / 330 * 100, None, "denominator"),
    ("ads-apm", {"B", "C"}, None, "titled"),
    ("jpm-habits", {"B", "D", "F"}, None, "APM's voice"),
    ("ps-metric-drop", "I would launch a discount campaign.", None, "first check the data"),
]


@pytest.mark.parametrize(("name", "value", "because", "says"), WRONG,
                         ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_a_telling_wrong_answer_gets_its_own_message(name, value, because, says):
    feedback = turns.evaluate(name, value, because)
    assert feedback.status == INCORRECT and says in feedback.message, feedback.message


def test_keys_are_computed_from_the_course_data():
    assert turns.find("case1-weekly-change").key() == -30.0
    assert turns.find("case3-churn-rate").key() == 35.1
    assert turns.find("reports-inside").key() == 3
    assert turns.find("ads-apm").key() == {"A", "C", "E"}
    assert turns.find("offer-place").key() == "Inside the APM range only"


def test_a_right_label_without_its_reason_is_partly_right():
    assert turns.evaluate("case3-present", "payout delay").status == PARTIAL
    done = turns.evaluate("case3-present", "Payout delay", because="A third of its sellers left: the highest churn.")
    assert done.status == CORRECT


def test_product_sense_answers_are_read_against_every_rubric_point():
    partial = turns.evaluate("ps-improve", "New users are confused by sign-up, so I'd simplify it.")
    assert partial.status == PARTIAL and "how you would know it worked" in partial.message


def test_chapter_07_shows_the_calendar_the_turn_reads_and_none_of_the_articles_cue_words():
    """The table the learner reads is the turn's CALENDAR, and it does not copy the first article's JPM day."""
    from pmkit import notebooks
    from pmkit.teach.turns import ch07
    from tests.conftest import COURSE

    task = next(c for c in notebooks.read(COURSE / "07-a-day-in-the-life.ipynb").cells if c.id == "try-calendar-task")
    shown = [line.strip("| ").split(" | ") for line in task.source.splitlines() if line.startswith("| 0")
             or line.startswith("| 1")]
    assert [f"{time} {entry[0].lower()}{entry[1:]}" for time, entry in shown] == list(ch07.CALENDAR)
    words = " ".join(ch07.CALENDAR).lower()
    for cue in ("standup", "qa", "bug report", "polish", "customer update", "support", "grooming", "blocker"):
        assert cue not in words.split() and f" {cue}" not in f" {words}", cue
