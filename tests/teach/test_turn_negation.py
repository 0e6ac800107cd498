"""A negated idea is not stated: "not widespread" is no misreading and "does not come from X" does not say X.

Real turns read real sentences (the learner-tester's own answers where they exist); nothing is mocked.
"""

from __future__ import annotations

import pytest

from pmkit.teach import turns
from pmkit.teach.turns import CORRECT, INCORRECT, PARTIAL, Idea, negated, normalise


@pytest.mark.parametrize(("sentence", "word", "expected"), [
    ("the problem is not widespread", "widespread", True),
    ("visibility does not come from smooth execution", "smooth", True),
    ("visibility does not come from smooth execution", "execution", True),
    ("it isn't about delivery", "delivery", True),
    ("there are no repeat writers", "repeat", True),
    ("a strength rather than a strategy", "strategy", True),
    ("not widespread, but concentrated in a few customers", "few", False),  # a new clause
    ("not only smooth but reliable delivery", "smooth", False),  # "not only" adds, it does not deny
    ("it is not a problem of a few customers", "few", False),  # beyond three words: read as said
    ("a few customers wrote again and again", "few", False),
])
def test_a_negation_reaches_three_words_within_its_clause(sentence: str, word: str, expected: bool) -> None:
    text = normalise(sentence)
    assert negated(text, text.index(word)) is expected


def test_an_idea_of_absence_is_stated_by_its_negation() -> None:
    text = normalise("The article gives no source.")
    assert not Idea("a source", (r"\bsource",)).found_in(text)
    assert Idea("a source", (r"\bsource",), negatable=False).found_in(text)


@pytest.mark.parametrize(("turn", "value", "because", "status", "says"), [
    ("most-requests-per-customer", "login", "the problem is concentrated in a few repeat writers, not widespread",
     CORRECT, "Correct"),
    ("most-requests-per-customer", "login", "many customers are affected by login", PARTIAL, "the opposite"),
    ("quiet-jpm", "The manager is right, a JPM has little impact because they only support execution", None,
     INCORRECT, "agrees with the manager"),
    ("quiet-jpm", "A JPM's visibility does not come from smooth execution, so nobody notices them.", None,
     PARTIAL, "smooth, reliable execution"),
    ("share-not-count", "The step that loses the most users is the worst one", None, INCORRECT,
     "the step that loses the most users is often just the step with the most users"),
    ("agency-worst-step", "start_trial", "same as the whole funnel", PARTIAL, "send_invoice"),
    ("case1-category", "permissions", "the other categories also dropped by 30%", PARTIAL, "did not fall with it"),
    ("case2-credit", "They coordinated the design handoffs", None, PARTIAL, "what the article credits"),
    ("case2-credit", "Attention to detail, which is an APM strength", None, INCORRECT, "wrong role"),
    ("calendar-tell", "JPM", "It is not a day of finding out and deciding what to build", CORRECT, "Correct"),
    ("whose-visibility", "JPM", "It happened at a sprint review, so JPM", PARTIAL, "only where"),
])
def test_the_testers_readings_get_status_and_message(turn: str, value: str, because: str | None, status: str,
                                                      says: str) -> None:
    got = turns.evaluate(turn, value, because)
    assert got.status == status, got.message
    assert says in got.message, got.message


def test_an_apm_answer_is_not_told_about_a_dashboard_alone() -> None:
    """Whatever reason came with "APM", the message counts the day's hours, not only its first entry."""
    got = turns.evaluate("calendar-tell", "APM", "they talk with customers and designers")
    assert got.status == INCORRECT
    assert "five of the six entries" in got.message and not got.message.startswith("Not yet: the day opens")
