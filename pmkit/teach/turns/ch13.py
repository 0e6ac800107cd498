"""Chapter 13's turn: the course's lesson in the learner's words, applied to their next job search."""

from __future__ import annotations

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Turn

TURNS = (
    Turn(
        name="read-the-ad",
        chapter="13",
        kind="text",
        expected=None,
        why="The articles give the same work to different titles, so an ad's duties (does the hire decide what "
            "gets built, or keep delivery moving?) say more than its title; and the trajectory, how the role "
            "grows, matters more than the name it starts with.",
        hint="Two things: what in an ad tells you which role it really is (chapters 07 and 12), and why the "
             "title alone cannot (chapter 01 and the wrap-up's two philosophies).",
        solution="*I will read the duties: whether the hire decides what gets built or keeps planned work moving, "
                 "because titles are not standardised and the same work comes under different names.*",
        ideas=(
            Idea("what you will read: the duties (what the hire decides or does), not the title",
                 (r"\bdut(y|ies)", r"\bresponsib", r"day to day",
                  r"\bwork (described|listed|involved)", r"what (the job|the role|it|they) (asks|involves|says)",
                  r"what (i|you|the hire) would (do|decide|own)", r"\bthe work\b", r"\btasks?\b",
                  r"read the (job|ad|description)", r"\bdecid", r"\bown")),
            Idea("why the title is not enough: titles are not standardised, and the same work has different names",
                 (r"not standardi[sz]", r"\binterchangeab", r"(titles?|names?) (mean|vary|differ|can mislead)",
                  r"different (companies|titles|names)", r"same (work|job|duties)", r"misleading",
                  r"\btrajectory", r"\binconsistent", r"not (used )?consistent",
                  r"(titles?|names?) (are|is) (used )?(differently|loosely)",
                  r"title (is|matters) less", r"title alone", r"(does|do) not "
                  r"(say|tell|mean) (much|enough)")),
        ),
        examples=(
            Example("I'll read the duties, not the title, because titles are not standardised.", CORRECT),
            Example("What the hire would decide or own; the same work goes by different titles at different "
                    "companies.", CORRECT),
            Example("I will read the responsibilities.", PARTIAL),
            Example("I'd apply only to jobs called Associate Product Manager.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
