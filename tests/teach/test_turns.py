"""The worked cells' checks: every turn gets its own examples right, and feedback names the mistake."""

from __future__ import annotations

import pytest

from pmkit.teach import turns
from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Mistake, Turn

ALL = turns.all_turns()


@pytest.mark.parametrize("turn", ALL, ids=[t.name for t in ALL])
def test_every_example_gets_its_status(turn: Turn) -> None:
    for example in turn.examples:
        got = turns.evaluate(turn.name, example.value, example.because)
        assert got.status == example.status, (turn.name, example, got.message)


@pytest.mark.parametrize("turn", ALL, ids=[t.name for t in ALL])
def test_every_turn_is_tried_right_and_wrong(turn: Turn) -> None:
    statuses = [e.status for e in turn.examples]
    assert CORRECT in statuses, f"{turn.name}: no example answer is correct"
    assert INCORRECT in statuses, f"{turn.name}: no example answer is wrong"
    if turn.kind == "text" or turn.ideas:
        assert statuses.count(CORRECT) >= 2, f"{turn.name}: try at least two phrasings a careful learner might use"


@pytest.mark.parametrize("turn", ALL, ids=[t.name for t in ALL])
def test_wrong_answers_say_what_is_wrong(turn: Turn) -> None:
    for example in turn.examples:
        if example.status in (INCORRECT, PARTIAL):
            message = turns.evaluate(turn.name, example.value, example.because).message
            assert message.startswith(("Not yet", "Partly")), message
            assert len(message) > 40 and "on the list" not in message, message


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = dict(turns._load())
    registry["demo-number"] = Turn(
        "demo-number", "99", "number", lambda: 35.1, why="105 of 299 is 35.1 %.", hint="h", solution="s",
        mistakes=(Mistake(0.351, "that is a fraction; give it in per cent."),), tolerance=0.05)
    registry["demo-choice"] = Turn(
        "demo-choice", "99", "choice", "JPM", options=("APM", "JPM"), why="Delivery is the JPM's.", hint="h",
        solution="s", ideas=(Idea("that it is about delivery", (r"deliver",)),),
        mistakes=(Mistake("APM", "an APM decides what gets built, and this is about delivery."),))
    monkeypatch.setattr(turns, "_REGISTRY", registry)
    monkeypatch.setattr(turns, "_attempted", set())


def test_numbers_in_learner_forms(demo: None) -> None:
    assert turns.evaluate("demo-number", "35.1%").status == CORRECT
    assert turns.evaluate("demo-number", 35.12).status == CORRECT
    wrong = turns.evaluate("demo-number", 0.351)
    assert wrong.status == INCORRECT and "per cent" in wrong.message
    assert "40 is not it" in turns.evaluate("demo-number", 40).message
    assert turns.evaluate("demo-number", ...).status == NOT_ATTEMPTED


def test_a_label_needs_its_reason(demo: None) -> None:
    assert turns.evaluate("demo-choice", "JPM").status == PARTIAL
    assert turns.evaluate("demo-choice", "jpm", because="It is about how it is delivered.").status == CORRECT
    vague = turns.evaluate("demo-choice", "JPM", because="Because.")
    assert vague.status == PARTIAL and "that it is about delivery" in vague.message
    assert "decides what gets built" in turns.evaluate("demo-choice", "APM").message
    assert "not one of the choices" in turns.evaluate("demo-choice", "CEO").message


def test_solution_only_after_an_attempt(demo: None) -> None:
    assert "first" in turns.solution("demo-number")
    turns.check("demo-number", 12)
    assert turns.solution("demo-number").startswith("One solution")
    with pytest.raises(KeyError, match="demo-choice"):
        turns.find("nosuch")


def test_examples_carry_their_status() -> None:
    assert Example("x", CORRECT).because is None
    with pytest.raises(ValueError, match="needs at least one idea"):
        Turn("t", "99", "text", None, why="", hint="", solution="")
