"""Chapter 02's turns: spot a formal APM programme in an offer, say where 'structured' learning holds, read a range."""

from __future__ import annotations

from collections.abc import Callable

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Mistake, Turn

#: The offer's lines (the course's own), by letter; the programme signs are a, c and e.
OFFER = {
    "a": "a named mentor you meet every week",
    "b": "you join the payments team and stay there",
    "c": "six months in each of two teams before you choose one",
    "d": "you work out what to learn next from the problems you hit",
    "e": "a training plan shared with this year's other new hires",
    "f": "your scope grows as your features deliver results",
}
PROGRAMME = frozenset({"a", "c", "e"})


def _letters(value: object) -> set[str]:
    """The letters a learner chose, lower-cased; empty for anything that is not a collection of them."""
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        return set()
    return {str(v).strip().lower() for v in value}


def _has(letter: str) -> Callable[[object], bool]:
    """A test that a learner's choice includes ``letter``."""
    def test(value: object) -> bool:
        return letter in _letters(value)
    return test


def _midpoint() -> float:
    """Months to PM at the middle of the first article's range for high-performing APMs."""
    from pmkit.teach import roles

    step = roles.career_paths("apm_ladder").iloc[0]
    return (float(step["months_min"]) + float(step["months_max"])) / 2


def _bound(column: str) -> float:
    from pmkit.teach import roles

    return float(roles.career_paths("apm_ladder").iloc[0][column])


TURNS = (
    Turn(
        name="apm-programme-signs",
        chapter="02",
        kind="set",
        expected=PROGRAMME,
        why="A mentor (a), rotations between teams (c) and a shared training plan (e) are what the first "
            "article says formal APM programmes are built on; staying in one team and growing by results (b, f) "
            "is its picture of an APM at a startup, and self-directed learning (d) is how it describes a JPM.",
        hint="The first article names three things formal programmes focus on: mentorship, team rotations and "
             "structured development. Which lines are one of those, in other words?",
        solution='`signs = {"a", "c", "e"}`',
        mistakes=(
            Mistake(_has("b"), "line b, staying in one team, is how the first article describes an APM *without* "
                               "a programme, at a startup or mid-size company."),
            Mistake(_has("f"), "line f, scope growing with results, is the first article's picture of an APM "
                               "embedded in one team, without a programme."),
            Mistake(_has("d"), "line d, working out what to learn yourself, is how the first article describes a "
                               "JPM's learning: self-driven and ad hoc."),
            Mistake(lambda v: bool(_letters(v)) and len(_letters(v) & PROGRAMME) < 3,
                    "one sign of a programme is still missing: look again for mentorship, rotations and a shared "
                    "training plan."),
        ),
        examples=(
            Example({"a", "c", "e"}, CORRECT),
            Example(["E", "A", "C"], CORRECT),
            Example({"a", "b", "c", "e"}, INCORRECT),
            Example({"a", "c"}, INCORRECT),
            Example({"d", "f"}, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="apm-structured",
        chapter="02",
        kind="choice",
        options=("yes", "no"),
        expected="no",
        why="The first article ties structured development to formal programmes, mostly at large tech "
            "companies; an APM at a small company sits in one team and grows by delivering results, with less "
            "structure.",
        hint="Where does the first article say the mentorship, rotations and structured development happen? "
             "And what does it say about APMs at startups?",
        solution='`answer = "no"` and `because = "Structured learning comes with formal programmes at large '
                 'companies; a startup APM is embedded in one team and grows by delivering results."`',
        needs_reason=True,
        ideas=(
            Idea("where structured learning comes from (formal programmes, mostly at large companies)",
                 (r"program", r"\blarge", r"\bbig (tech )?compan", r"google|meta|salesforce", r"\bformal"),
                 negatable=False),
            Idea("how a startup APM grows instead (in one team, by delivering results, on the job)",
                 (r"one team", r"single team", r"\bembedded", r"deliver\w* results", r"\bresults\b",
                  r"on the job", r"initiative", r"less structure", r"end[- ]to[- ]end")),
        ),
        mistakes=(Mistake("yes", "the first article links structured development to formal APM programmes; a "
                                 "30-person startup with no programme is its other setting."),),
        examples=(
            Example("no", CORRECT, because="Structure comes from formal programmes; at a startup the APM sits in "
                                           "one team and grows through results."),
            Example("No", CORRECT, because="That's the large-company programme; a small company embeds the APM "
                                           "and scope grows by delivering results."),
            Example("no", PARTIAL, because="It depends on the company."),
            Example("yes", INCORRECT, because="All APMs get mentorship."),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="apm-months",
        chapter="02",
        kind="number",
        expected=_midpoint,
        tolerance=0.01,
        why="The middle of a range is its two ends added and halved. Remember what the figure is: the first "
            "article's typical timing for high performers, with no source given, not a promise.",
        hint="Add the two ends of the range and divide by two.",
        solution="`months = (12 + 18) / 2`, which is 15.",
        mistakes=(
            Mistake(lambda: _bound("months_min"), "that is the bottom of the range, not its middle."),
            Mistake(lambda: _bound("months_max"), "that is the top of the range, not its middle."),
            Mistake(lambda: _bound("months_max") - _bound("months_min"), "that is the width of the range; its "
                                                                         "middle is the two ends added and halved."),
            Mistake(lambda: _bound("months_max") + _bound("months_min"), "you added the two ends; now halve them."),
        ),
        examples=(
            Example(15, CORRECT),
            Example("15.0", CORRECT),
            Example(12, INCORRECT),
            Example(30, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
