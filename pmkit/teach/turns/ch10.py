"""Chapter 10's reasoning turn (its five pandas tries live in pmkit.teach.pandas_tries): why share, not count."""

from __future__ import annotations

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, Example, Idea, Turn

TURNS = (
    Turn(
        name="share-not-count",
        chapter="10",
        kind="text",
        expected=None,
        why="Each step starts from fewer users than the one before, so a raw count of users lost is bound to "
            "be larger near the top; the share of the previous step's users lost compares steps fairly.",
        hint="Compare 100 users lost out of 1,000 with 60 lost out of 100. Which step leaks worse, and why "
             "does the raw count say the opposite?",
        solution="*Later steps start with fewer users, so they can only lose fewer in number; the share of the "
                 "step before that is lost compares every step on the same footing.*",
        ideas=(
            Idea("that later steps start from fewer users (a different base)",
                 (r"\bfewer (users|people)", r"\bless(er)? (users|people)", r"smaller (number|base|group|pool)",
                  r"\bstart(s|ed)? (from|with) (fewer|less|a smaller)", r"\bbase\b", r"\bdenominator",
                  r"(different|varying) (sizes?|numbers?|totals?)", r"\bbigger (steps?|numbers?) (at|near) the top",
                  r"more (users|people) (at|near|in) the (top|start|first)", r"\bout of\b",
                  r"relative to", r"\bproportion", r"\bnormali[sz]", r"number of (users|people) (at|in|reaching) each",
                  r"how many (users|people) (arrived|reached|reach|got to|started|entered|were at)",
                  r"(different|varying) (number|amount)s? of (users|people)",
                  r"\b(has|have|with|where) (the )?(most|more) (users|people|visitors)",
                  r"\babsolute", r"\btop of the funnel", r"\bdivid",
                  r"(users|people|visitors) who (got|get|reached|reach|made it|arrived|entered|started)")),
        ),
        misreads=((Idea("that the raw count is the better measure",
                        (r"\bcount is (better|what matters|right)", r"\bthe (most|biggest number of) users lost "
                         r"(is|decides)")),
                   "a raw count favours the top of the funnel, where there are most users to lose."),),
        examples=(
            Example("Later steps start with fewer users, so their raw losses look small even when a bigger share "
                    "leaves.", CORRECT),
            Example("Losing 60 out of 100 is worse than 100 out of 1,000: the share is relative to how many "
                    "reached the step.", CORRECT),
            Example("A count depends on how many users reached that step; the share normalises for it.", CORRECT),
            Example("Because the count is better at showing the big losses.", INCORRECT),
            Example("Shares are nicer to read.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
