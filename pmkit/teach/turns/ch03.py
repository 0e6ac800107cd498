"""Chapter 03's turns: advise someone changing function, tell a JPM's way of learning, say what speeds a JPM up."""

from __future__ import annotations

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Mistake, Turn

#: Lines from a (course's own) team handbook; b and d describe how the first article says a JPM learns.
HANDBOOK = {
    "a": "every Monday, a training session with the other new starters",
    "b": "you learn the job by doing it, asking colleagues as questions come up",
    "c": "three months in each of three product teams",
    "d": "you decide what to learn next from the problems you run into",
}
SELF_DRIVEN = frozenset({"b", "d"})


def _letters(value: object) -> set[str]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        return set()
    return {str(v).strip().lower() for v in value}


TURNS = (
    Turn(
        name="jpm-switcher",
        chapter="03",
        kind="choice",
        options=("APM", "JPM"),
        expected="JPM",
        why="The first article calls the JPM title a good fit for people moving into product from another "
            "function such as customer success, and says JPMs often appear where there is no formal APM "
            "programme: both describe Ravi's case.",
        hint="Ravi is changing function, and his company has no APM programme. What does the first article say "
             "about each of those two things?",
        solution='`target = "JPM"` and `because = "He is moving into product from customer success, and the '
                 'article calls the JPM title a good fit for people changing function."`',
        needs_reason=True,
        ideas=(Idea("why the title fits him: he is changing function, or there is no APM programme",
                    (r"chang\w* (function|field|career|job|role)s?", r"switch", r"transition", r"another function",
                     r"different function", r"customer success", r"coming from", r"mov\w* (in)?to product",
                     r"no (formal )?(apm )?program", r"without (a |any )?(formal )?(apm )?program"), negatable=False),),
        mistakes=(Mistake("APM", "the first article ties APMs to formal programmes, and names the JPM title as "
                                 "the good fit for people changing function; Ravi's company has no programme."),),
        examples=(
            Example("JPM", CORRECT, because="He is switching into product from customer success."),
            Example("jpm", CORRECT, because="The company has no APM programme and he comes from another "
                                            "function."),
            Example("JPM", PARTIAL, because="He likes helping customers."),
            Example("APM", INCORRECT, because="He wants to grow fast."),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="jpm-learning",
        chapter="03",
        kind="set",
        expected=SELF_DRIVEN,
        why="The first article calls a JPM's learning self-driven and often ad hoc: picked up on the job (b) and "
            "steered by the learner (d). Weekly cohort training (a) and rotations (c) are what it describes in "
            "formal APM programmes.",
        hint="The first article uses two words for how JPMs learn: *self-driven* and *ad hoc*. Which lines fit "
             "them, and which describe a programme?",
        solution='`jpm_lines = {"b", "d"}`',
        mistakes=(
            Mistake(lambda v: bool(_letters(v) & {"a", "c"}),
                    "training sessions with a cohort and rotations between teams are what the first article "
                    "describes in formal APM programmes, not a JPM's self-driven learning."),
            Mistake(lambda v: bool(_letters(v)) and _letters(v) < SELF_DRIVEN,
                    "one more line describes learning that is self-driven and ad hoc."),
        ),
        examples=(
            Example({"b", "d"}, CORRECT),
            Example(["D", "B"], CORRECT),
            Example({"a", "b"}, INCORRECT),
            Example({"b"}, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="jpm-speed",
        chapter="03",
        kind="text",
        expected=None,
        why="The first article says a JPM's career acceleration depends on how much ownership they take and "
            "how well they collaborate across functions; the title alone does not set the pace.",
        hint="The last sentence of the JPM's career section names two things. One is about taking something on, "
             "the other about working with others.",
        solution="*How much ownership they take on, and how well they work with the other functions around "
                 "them.*",
        ideas=(
            Idea("how much ownership the JPM takes (initiative, taking things on)",
                 (r"ownership", r"\bown(s|ed|ing)?\b", r"initiative", r"tak\w* on more", r"more responsib",
                  r"step(s|ping)? up")),
            Idea("how well they collaborate across functions",
                 (r"collaborat", r"cross[- ]?functional", r"\bwork\w* (well |closely |effectively |together )?with\b",
                  r"relationships? with", r"\bpartner\w* with", r"\bget\w* on with",
                  r"across (functions|teams)", r"other (functions|teams)", r"teamwork")),
        ),
        misreads=(
            (Idea("that a fixed timetable sets it", (r"\b12\b", r"\b18\b", r"months", r"fixed (time|period)")),
             "the first article gives no timetable for JPMs (its months are for high-performing APMs); "
             "it names two things the JPM does."),
        ),
        examples=(
            Example("How much ownership they take and how well they collaborate across functions.", CORRECT),
            Example("Taking initiative, and working well with the other teams around them.", CORRECT),
            Example("Showing initiative.", PARTIAL),
            Example("After 12 to 18 months.", INCORRECT),
            Example("Their title.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
