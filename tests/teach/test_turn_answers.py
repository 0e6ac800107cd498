"""Every turn that reads a sentence is tried with other learners' words (tests/teach/turn_answers.csv).

A careful learner's answer (expected "correct") must never be marked "not yet", and an answer that misses the
point (expected "partial" or "incorrect") must never be marked correct. The file's blind third is the figure
benchmarks/turn_reading.py reports; its rows are checked here like the others.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from pmkit.exercises import checks
from pmkit.teach import turns
from pmkit.teach.turns import CORRECT, INCORRECT, PARTIAL

ANSWERS = Path(__file__).with_name("turn_answers.csv")
ROWS = list(csv.DictReader(ANSWERS.open(encoding="utf-8", newline="")))
READING = [t for t in turns.all_turns() if t.kind == "text" or t.ideas]


def _status(row: dict[str, str]) -> turns.Feedback:
    return turns.evaluate(row["turn"], row["answer"], row["because"] or None)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['turn']}-{i}" for i, r in enumerate(ROWS)])
def test_each_answer_gets_a_fair_status(row: dict[str, str]) -> None:
    got = _status(row)
    if row["expected"] == CORRECT:
        assert got.status != INCORRECT, f"a careful learner's answer is marked not yet: {got.message}"
    else:
        assert got.status != CORRECT, f"an answer that misses the point is marked correct: {row}"


def test_most_careful_answers_are_marked_correct() -> None:
    right = [r for r in ROWS if r["expected"] == CORRECT]
    marked = sum(_status(r).status == CORRECT for r in right)
    assert marked / len(right) >= 0.95, f"only {marked} of {len(right)} careful answers are marked correct"


def test_every_reading_turn_is_tried_six_ways_right_and_wrong() -> None:
    by_turn = Counter(r["turn"] for r in ROWS)
    assert {r["turn"] for r in ROWS} <= {t.name for t in turns.all_turns()}, "a row names no turn"
    for turn in READING:
        mine = [r for r in ROWS if r["turn"] == turn.name]
        assert by_turn[turn.name] >= 6, f"{turn.name}: {by_turn[turn.name]} evaluation answers; at least 6"
        assert any(r["expected"] == CORRECT for r in mine) and any(r["expected"] != CORRECT for r in mine), turn.name
        assert any(r["split"] == "blind" for r in mine), f"{turn.name}: no blind answer"
    assert {r["expected"] for r in ROWS} <= {CORRECT, PARTIAL, INCORRECT}
    assert {r["split"] for r in ROWS} == {"blind", "tune", "fresh", "negation-blind", "negation-tune"}
    first = [r for r in ROWS if r["split"] in ("blind", "tune")]  # the blind third was drawn before the rest
    negation = [r for r in ROWS if r["split"].startswith("negation-")]  # a seeded half, drawn before tuning
    assert 0.4 <= sum(r["split"] == "negation-blind" for r in negation) / len(negation) <= 0.6
    assert 0.3 <= sum(r["split"] == "blind" for r in first) / len(first) <= 0.37


def test_sentences_are_read_in_every_spelling() -> None:
    said = turns.normalise("Line 3 \u2013 a what-to-build call; titles aren't standardized, can't, 30-day, 12-18")
    assert said == "line 3 - a what to build call; titles are not standardised, can not, 30 day, 12-18"
    assert turns.normalise("size, -30%") == "size, -30%"


def test_no_pattern_waits_for_what_normalising_removes() -> None:
    """Text never holds "n't", a hyphen inside a word or an upper-case letter, so no pattern may need one."""
    for turn in turns.all_turns():
        for idea in [*turn.ideas, *(i for i, _ in turn.misreads)]:
            for pattern in idea.patterns:
                re.compile(pattern)
                literal = re.sub(r"\\.|\[[^\]]*\]", " ", pattern)  # escapes and classes are not literal text
                assert not re.search(r"n'\??t\b|[a-z]-\??[a-z]|[A-Z]", literal), (turn.name, pattern)


METRICS = [  # forms the PRD exercise's prompt and grader accept (tests/exercises/test_checks.py), and plain ones
    "Median approval time (baseline 40 s): 15 s by end of Q3",
    "Median time to approve: from 40 s to 15 s within 60 days of launch",
    "Share of approvals re-checked: 30% \u2192 10% by day 90",
    "Time to approve: 40 s to 15 s by day 60",
    "Re-checked approvals, down from 30% to 10% within 3 months",
    "Approval time 40 -> 15 seconds within 90 days after launch",
    "Owners who act on an alert each week: from 10% to 40% within 60 days of launch.",
]


@pytest.mark.parametrize("line", METRICS)
def test_the_metric_turn_accepts_what_the_prd_grader_accepts(line: str) -> None:
    starts, target, timeframe = checks.metric_parts(line)
    assert starts and target and timeframe, f"the grader no longer reads {line!r} as a full metric"
    got = turns.evaluate("prd-metric", line)
    assert got.status == CORRECT, got.message


def test_the_metric_turn_still_asks_for_each_part() -> None:
    assert "baseline" in turns.evaluate("prd-metric", "40% of owners use alerts within 60 days.").message
    assert "target" in turns.evaluate("prd-metric", "Currently 10% of owners use alerts, measured at day 60.").message
    assert "timeframe" in turns.evaluate("prd-metric", "Median approval time (baseline 40 s): 15 s").message


@pytest.mark.parametrize("turn", READING, ids=[t.name for t in READING])
def test_the_model_solution_is_marked_correct(turn: turns.Turn) -> None:
    """A learner who copies the shown solution's sentence is told it is correct (ps-improve's was partly right)."""
    if turn.kind == "text":
        got = turns.evaluate(turn.name, turn.solution.split("*")[1])
    else:
        reason = re.search(r'because = "(.*?)"`', turn.solution)
        assert reason, f"{turn.name}: its solution shows no `because = \"...\"`"
        got = turns.evaluate(turn.name, turn.key(), reason.group(1))
    assert got.status == CORRECT, got.message
