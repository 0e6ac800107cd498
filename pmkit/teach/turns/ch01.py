"""Chapter 01's turns: read a new job ad for its deciding sentence, compute the pay overlap, weigh the figures."""

from __future__ import annotations

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Mistake, Turn


def _overlap() -> float:
    """Dollars that lie inside both salary ranges: the lower top minus the higher bottom."""
    from pmkit.teach import roles

    pay = roles.salaries()
    return float(pay["high"].min() - pay["low"].max())


def _width(role: str) -> float:
    from pmkit.teach import roles

    pay = roles.salaries().set_index("role")
    return float(pay.loc[role, "high"] - pay.loc[role, "low"])


def _gap(column: str) -> float:
    from pmkit.teach import roles

    pay = roles.salaries()[column]
    return float(pay.max() - pay.min())


def _span() -> float:
    from pmkit.teach import roles

    pay = roles.salaries()
    return float(pay["high"].max() - pay["low"].min())


_WHAT = Idea("why that sentence decides it: the holder chooses what the product will contain (what gets built)",
             (r"what (gets|is|will be|should be|to be) built", r"what (goes|go|gets put) (in|into)",
              r"what to build", r"\bscope\b", r"\bmvp\b", r"what the (product|screen|version|release) (will )?"
                                                          r"(contain|has|have|include|offer)",
              r"(choos|pick|select|decid|priorit)\w* (which|what) ((two|2|of the|of) )?(\w+ )?(ideas?|features?|"
              r"capabilit)", r"(make|go into|goes into|get into|ship in) the next (release|version)",
              r"(choos|pick|select|decid|priorit)\w* ([\w']+ ){0,4}(ideas?|features?)\b", r"\broadmap",
              r"which (\w+ ){0,2}(ideas?|features?) (ship|go|get|are|make)",
              r"feature set", r"own\w* (the )?(decision|choice|call)"))
_SENTENCE = Idea("which sentence decided it (sentence 3, the choice of what goes into the next version)",
                 (r"\b(3|three|third)\b", r"which (two )?ideas", r"next version", r"two of the team'?s ideas"))

TURNS = (
    Turn(
        name="glance-ad",
        chapter="01",
        kind="choice",
        options=("APM", "JPM"),
        expected="APM",
        why="Sentence 3 gives the holder the choice of which ideas go into the next version and how to judge "
            "them: a call about what gets built, like the first article's APM example of selecting an MVP "
            "feature set. Talking to customers (2) and sharing findings (4) do not settle it: the second "
            "article has JPMs interviewing customers too.",
        hint="Find the sentence in which the person *chooses* something. Is the choice about what the product "
             "will contain, or about how planned work reaches users?",
        solution='`ad_role = "APM"` and `because = "Sentence 3: choosing which ideas go into the next version '
                 'decides what gets built, which is the APM side of the split."`',
        needs_reason=True,
        ideas=(_SENTENCE, _WHAT),
        mistakes=(Mistake("JPM", "nothing in the ad is delivery work (no release dates, no tickets, no testers); "
                                 "look for the sentence in which the holder chooses something, and what it is."),),
        examples=(
            Example("APM", CORRECT, because="Sentence 3: picking which ideas go into the next version is "
                                            "deciding what gets built."),
            Example("apm", CORRECT, because="The third sentence, because choosing which two ideas make the next "
                                            "version sets the scope of the product."),
            Example("APM", CORRECT, because="They pick which two ideas make the next release."),  # a reviewer's
            Example("APM", CORRECT, because="Sentence 3: it is a what-to-build call."),  # two careful learners
            Example("APM", PARTIAL, because="They talk to customers every week."),
            Example("APM", PARTIAL),
            Example("JPM", INCORRECT, because="Sentence 3."),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="glance-overlap",
        chapter="01",
        kind="number",
        expected=_overlap,
        tolerance=1,
        why="The overlap runs from the higher of the two bottoms (the APM's) to the lower of the two tops (the "
            "JPM's). Pay inside that stretch is typical of both titles, so an offer there says nothing about "
            "which job it is.",
        hint="Draw the two bars on paper. The shared stretch starts where the *later* bar starts and ends "
             "where the *earlier* bar ends.",
        solution="The lower top minus the higher bottom: the JPM's top minus the APM's bottom, "
                 "`overlap = 95_000 - 70_000`, which is 25,000 dollars.",
        mistakes=(
            Mistake(lambda: _width("JPM"), "that is the width of the JPM range on its own, not the stretch both "
                                           "ranges share."),
            Mistake(lambda: _width("APM"), "that is the width of the APM range on its own, not the stretch both "
                                           "ranges share."),
            Mistake(lambda: _gap("low"), "that is the gap between the two bottoms; the overlap runs from the "
                                         "higher bottom up to the lower top."),
            Mistake(lambda: _gap("high"), "that is the gap between the two tops; the overlap runs from the "
                                          "higher bottom up to the lower top."),
            Mistake(_span, "that is the span of both ranges together, from the lowest bottom to the highest top."),
        ),
        examples=(
            Example(25_000, CORRECT),
            Example("$25,000", CORRECT),
            Example(35_000, INCORRECT),
            Example(10_000, INCORRECT),
            Example(50_000, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="glance-trust",
        chapter="01",
        kind="text",
        expected=None,
        why="The first article is an undated company blog post and cites no survey or data for its salary "
            "ranges or its 12-18 months: without a source and a date you cannot tell whom the figures describe "
            "or whether they still hold, so treat them as one post's estimate.",
        hint="Read the note above the cell again: what would you need to know about *where* a figure comes from, "
             "and *when* it was measured, before comparing an offer with it?",
        solution="*The post gives no source for its salary ranges and no date, so I do not know what data they "
                 "come from or whether they are still current.*",
        ideas=(
            Idea("where the figures come from (a source, survey or data behind them)",
                 (r"\bsources?\b", r"\bsurvey", r"\bdata\b", r"\bcit(e|es|ed|ing)\b", r"based on", r"evidence",
                  r"\bstud(y|ies)\b", r"\bsample", r"where (the|these|they|it)\w* .{0,20}(come|from)",
                  r"\bunsourced", r"\breference", r"where .{0,30}\b(come|came|comes) from", r"\borigin"),
                 negatable=False),
            Idea("when they were measured (a date or year)",
                 (r"\bdat(e|ed|es)\b", r"\bundated\b", r"\byears?\b", r"\bwhen\b", r"how old", r"\bcurrent",
                  r"\brecent", r"out of date", r"\boutdated", r"\bstill (hold|true|valid|accurate)"), negatable=False),
        ),
        misreads=(
            (Idea("that the figures can be taken as they are", (r"fully (trust|reliable)", r"can be trusted",
                                                                 r"nothing (is )?missing")),
             "the post gives no source and no date, so it cannot simply be trusted as it stands."),
        ),
        examples=(
            Example("I would want to know which survey the ranges come from and what year they describe.", CORRECT),
            Example("The post is undated and cites no data, so I can't tell if the numbers are current.", CORRECT),
            Example("No source is given for the salaries.", PARTIAL),
            Example("The APM range is higher than the JPM range.", INCORRECT),
            Example("They can be trusted, the article is clear.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
