"""Chapter 00's turn: the learner says, in their own words, what the course will help them decide."""

from __future__ import annotations

from pmkit.teach.turns import INCORRECT, NOT_ATTEMPTED, Example, Idea, Turn

TURNS = (
    Turn(
        name="why-two-titles",
        chapter="00",
        kind="text",
        expected=None,
        why="Both are entry-level product roles; what differs is how much of the *what* they decide and how "
            "their growth is organised, so the title alone says little until you read the job.",
        hint="Think about what the two titles have in common (the level) and what the course compares "
             "(who decides what, and how each grows).",
        solution="*Both are entry-level product jobs, but they differ in how much they decide and how they grow, "
                 "so I will read what a job actually asks rather than its title.*",
        ideas=(
            Idea("that both are entry-level (junior, first) product roles",
                 (r"entry[- ]level", r"\bjunior\b", r"\bfirst (product )?(job|role|step)", r"\bstart(ing)? (out|a )",
                  r"early[- ]career", r"\bnew to product", r"\bbeginn", r"\bstarter\b",
                  r"\b(start|beginning) of (a |their |your )?(pm |product )?career", r"\blowest (level|rung)")),
            Idea("what differs between them (what they decide, own or how they grow)",
                 (r"\bdecid", r"\bown", r"\bscope", r"\bgrow", r"\bcareer", r"\bresponsib", r"\bautonomy",
                  r"\bstrateg", r"\bexecut", r"\bdeliver")),
        ),
        examples=(
            Example("They are both junior product jobs, but one decides more of what gets built.", "correct"),
            Example("Entry-level PM roles that differ in scope and in how you grow.", "correct"),
            Example("They are the same job.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
