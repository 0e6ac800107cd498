"""Chapter 05's turns: a metric with baseline, target and timeframe; a story from a requirement; a RICE score."""

from __future__ import annotations

import re

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Mistake, Turn

#: The ticket scored in the RICE turn (the course's own numbers): nobody has estimated its confidence.
TICKET = {"reach": 300, "impact": 2, "confidence": None, "effort": 4}
UNKNOWN_CONFIDENCE = 0.5


def _rice(confidence: float = UNKNOWN_CONFIDENCE) -> float:
    return TICKET["reach"] * TICKET["impact"] * confidence / TICKET["effort"]


_NUMBER = r"\d+(\.\d+)?\s*(%|percent|per cent|s\b|sec|seconds?|minutes?|hours?|days?|owners?|users?)?"


def _graded(line: str) -> tuple[list[tuple[float, str]], str | None, str | None]:
    """The line as the PRD exercise's grader reads a metric (its baselines, target and timeframe)."""
    from pmkit.review.baselines import metric_parts

    return metric_parts(line)


def _graded_start(line: str) -> bool:
    return bool(_graded(line)[0])


def _graded_target(line: str) -> bool:
    """A target the grader reads that is not only the baseline again ("baseline 10%" alone is no target)."""
    starts, target, _ = _graded(line)
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", target or "")]
    return any(n not in {value for value, _ in starts} for n in numbers)


def _graded_timeframe(line: str) -> bool:
    return _graded(line)[2] is not None


TURNS = (
    Turn(
        name="prd-metric",
        chapter="05",
        kind="text",
        expected=None,
        why="A metric with a baseline, a target and a timeframe can be checked: everyone knows where the number "
            "starts, where it must get to, and when it is measured.",
        hint="Three parts: the number today (the baseline), the number that counts as success (the target) and "
             "when you will measure it. For example *from … to … within … days of launch*.",
        solution="*Owners who act on an alert each week: from 10% to 40% within 60 days of launch.* "
                 "(*10% → 40% by day 60* says the same.)",
        ideas=(  # each idea is the PRD exercise's own reading of a metric (review.baselines.metric_parts), or a pattern
            Idea("a baseline: the number today",
                 (rf"\bfrom (about |around )?{_NUMBER}", rf"{_NUMBER}\s*(->|→|=>|to)\s*\d", r"\bbaseline",
                  r"\b(today|currently|now)\b.{0,30}\d", r"\d.{0,30}\b(today|currently|now)\b"),
                 reads=_graded_start),
            Idea("a target: the number that counts as success",
                 (r"\bto (at least |about )?\d", r"(->|→|=>)\s*\d", r"\btarget", r"\bat least \d",
                  r"\b(aim\w*|goal)\b.{0,15}\d",
                  r"\b(reach|hit|above|below|under|over) \d"),
                 reads=_graded_target),
            Idea("a timeframe: when it is measured",
                 (r"\bwithin\b", r"\bby (day|week|month|the end|end of|q[1-4]|\d|[a-z]+ \d)",
                  r"\b\d+ (days?|weeks?|months?|quarters?)\b", r"\bday \d+", r"\bnext quarter", r"\bafter launch"),
                 reads=_graded_timeframe),
        ),
        examples=(
            Example("Owners who act on an alert each week: from 10% to 40% within 60 days of launch.", CORRECT),
            Example("Weekly alert users 10% → 40% by day 60", CORRECT),
            Example("Stockouts per shop per month: baseline 6, target 3, measured 90 days after launch.", CORRECT),
            Example("Median approval time (baseline 40 s): 15 s by end of Q3", CORRECT),  # the PRD exercise's form
            Example("Share of approvals re-checked: 30% \u2192 10% within 60 days of launch", CORRECT),
            Example("40% of owners use alerts within 60 days.", PARTIAL),
            Example("More owners use alerts.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="prd-story",
        chapter="05",
        kind="text",
        expected=None,
        why="Who wants it, what they want to do, and what it gets them: with all three, the team can estimate "
            "the story and a tester can write its acceptance criteria.",
        hint="Use the template: *As a <who>, I want <one thing to do>, so that <what it gets them>.*",
        solution="*As a shop owner, I want a daily email listing the items below their threshold, so that I can "
                 "reorder before I run out.*",
        ideas=(
            Idea("who wants it: 'As a …'", (r"\bas an? \w+", r"\bas the \w+")),
            Idea("what they want to do: 'I want …'", (r"\bi want", r"\bi need", r"\bi('d| would) like", r"\bi can\b")),
            Idea("what it gets them: 'so that …'", (r"\bso that", r"\bso (i|we|my|they)\b", r"\bin order to")),
            Idea("the requirement it comes from: the daily email", (r"e ?mail", r"\bdaily\b", r"each (morning|day)")),
        ),
        misreads=(
            (Idea("two actions in one story", (r"\bi want to \w+ (\w+ ){0,3}and (to )?(export|delete|change|edit|"
                                               r"share|print|download)",
                                               r"\band (to |be able to |can )?(turn|switch) (it |them )?off\b",
                                               r"\band (to |be able to |can )?(unsubscribe|opt out|disable|mute)\b")),
             "the story joins two actions with 'and'; keep one action per story (the atomic criterion)."),
            (Idea("the team as the one who wants it", (r"\bas an? (developer|engineer|programmer|tester|qa|designer|"
                                                      r"product manager|pm|team)\b",)),
             "a story is written for the person who benefits, here the shop owner who gets the email, not the "
             "team that builds it."),
        ),
        examples=(
            Example("As a shop owner, I want a daily email of items below their threshold, so that I can reorder "
                    "in time.", CORRECT),
            Example("As an owner I'd like one email each morning listing low items so I can reorder before I run "
                    "out.", CORRECT),
            Example("As a shop owner, I want a daily email.", PARTIAL),
            Example("Low-stock alerts on the dashboard.", INCORRECT),
            Example("As a shop owner, I want to read and export the daily email, so that I can reorder.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="prd-rice",
        chapter="05",
        kind="number",
        expected=_rice,
        tolerance=0.01,
        why="300 × 2 × 0.5 ÷ 4 = 75: a ticket nobody has estimated counts at the lowest confidence, 0.5, so it "
            "is not ranked above tickets the team is sure about.",
        hint="Reach × impact × confidence ÷ effort, and the course's rule for a missing confidence.",
        solution="`score = 300 * 2 * 0.5 / 4`, which is 75.",
        mistakes=(
            Mistake(lambda: _rice(1.0), "you used a confidence of 1.0; a ticket nobody has estimated counts at "
                                        "0.5, the lowest confidence."),
            Mistake(lambda: TICKET["reach"] * TICKET["impact"] * UNKNOWN_CONFIDENCE * TICKET["effort"],
                    "you multiplied by the effort; RICE divides by it, so costly work ranks lower."),
            Mistake(lambda: TICKET["reach"] * TICKET["impact"] / TICKET["effort"],
                    "the confidence is missing from your product; a ticket nobody has estimated counts at 0.5."),
            Mistake(0, "a missing confidence is not zero; the course counts it at 0.5, the lowest confidence."),
        ),
        examples=(
            Example(75, CORRECT),
            Example(75.0, CORRECT),
            Example(150, INCORRECT),
            Example(1200, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
