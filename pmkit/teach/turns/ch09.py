"""Chapter 09's turns: place an offer on the ranges, weigh the ranges against a second source, read the map."""

from __future__ import annotations

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Mistake, Turn

#: The offer of the first turn: the course's own illustration.
OFFER = 98_000
PLACES = ("Inside both ranges", "Inside the APM range only", "Inside the JPM range only", "Outside both ranges")
DIRECTOR = (
    "A JPM is promoted straight to director in one move",
    "A JPM may later reach director; it gives no steps or timing",
    "Only an APM can reach director; a JPM never does",
)


def _place() -> str:
    """Where the offer falls on the first article's two ranges, computed from datasets/roles/salaries.csv."""
    from pmkit.teach import roles

    ranges = roles.salaries().set_index("role")
    inside = {role: bool(ranges.loc[role, "low"] <= OFFER <= ranges.loc[role, "high"]) for role in ("APM", "JPM")}
    if inside["APM"] and inside["JPM"]:
        return PLACES[0]
    if inside["APM"]:
        return PLACES[1]
    return PLACES[2] if inside["JPM"] else PLACES[3]


def _reports_inside_jpm_range() -> int:
    """How many second-source figures lie inside the first article's JPM range (both files in datasets/)."""
    from pmkit.teach import content, roles

    jpm = roles.salaries().set_index("role").loc["JPM"]
    amounts = content.table("salary_reports")["amount"]
    return int(amounts.between(jpm["low"], jpm["high"]).sum())


TURNS = (
    Turn(
        name="offer-place",
        chapter="09",
        kind="choice",
        expected=_place,
        options=PLACES,
        why="USD 98,000 is above the top of the first article's JPM range and inside its APM range; the title "
            "on the offer does not move the figure into the JPM range.",
        hint="Put USD 98,000 on each range in turn: is it between the range's two ends? The offer's title does "
             "not matter for this.",
        solution=f'`place = "{PLACES[1]}"`.',
        mistakes=(
            Mistake(PLACES[2], "the offer is called JPM, but USD 98,000 is above the top of the first article's "
                               "JPM range."),
            Mistake(PLACES[0], "USD 98,000 is above the top of the JPM range, so it is not inside both."),
            Mistake(PLACES[3], "USD 98,000 lies between the two ends of the APM range, so it is inside it."),
        ),
        examples=(
            Example(PLACES[1], CORRECT),
            Example("inside the APM range only", CORRECT),
            Example(PLACES[2], INCORRECT),
            Example(PLACES[0], INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="reports-inside",
        chapter="09",
        kind="number",
        expected=_reports_inside_jpm_range,
        tolerance=0,
        why="Three of the five reported figures (USD 62,000, USD 72,255 and USD 91,395) lie inside the first "
            "article's JPM range; the lowest and highest state averages (USD 48,000 and USD 98,000) lie outside it.",
        hint='`reports["amount"].between(jpm["low"], jpm["high"])` is True for each amount inside the range, ends '
             "included; `.sum()` counts the Trues.",
        solution='`inside = reports["amount"].between(jpm["low"], jpm["high"]).sum()` gives 3.',
        mistakes=(
            Mistake(5, "not every figure is inside: the lowest state average (USD 48,000) is below the JPM range "
                       "and the highest (USD 98,000) above it."),
            Mistake(2, "that counts the figures outside the range; the question asks for those inside it."),
        ),
        examples=(
            Example(3, CORRECT),
            Example(3.0, CORRECT),
            Example(5, INCORRECT),
            Example(2, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="trust-numbers",
        chapter="09",
        kind="text",
        expected=None,
        why="The first article's ranges cite no source, sample or date; the second table says where each "
            "figure comes from and when, but measures something else (averages and medians for "
            "'entry-level product manager', partly from 2012), so it can check the order of magnitude, "
            "not confirm the ranges.",
        hint="Two things: what would you need to know about the first article's ranges before trusting them "
             "(where from, when)? And is the second table measuring the same thing (title, kind of figure, "
             "year)?",
        solution="*The article does not say where its ranges come from or when they were measured; the second "
                 "table is sourced and dated but reports averages and medians for other titles, some from "
                 "2012, so it only roughly agrees and does not confirm the ranges.*",
        ideas=(
            Idea("what the first article leaves out: where its figures come from or when (no source, survey, "
                 "sample or date)",
                 (r"\bsource", r"\bcit(e|es|ed|ation)", r"\bdate", r"\bdated\b", r"\bwhen\b", r"\byear",
                  r"\bsurvey", r"\bsample", r"where (the|its|these|those) (figures|numbers|ranges|data)",
                  r"how (they|it) (got|measured|collected)", r"\bdata (come|came)",
                  r"where (the article|it|they) got", r"how old", r"\bcitation", r"\bunsourced"), negatable=False),
            Idea("why the second table does not simply confirm or refute them: it measures something else "
                 "(other titles, averages or medians rather than ranges, other years or places)",
                 (r"not (the )?same", r"different", r"\bmedian", r"\baverage", r"\bmean\b", r"\b2012\b",
                  r"\bold(er)?\b", r"entry[- ]level", r"not (apm|jpm)", r"other titles?", r"like for like",
                  r"apples", r"secondary", r"\brough(ly)?\b", r"out of date", r"outdated")),
        ),
        misreads=((Idea("that the second table proves the article right or wrong",
                        (r"proves? (the article|it|they|them) (right|wrong|correct)",
                         r"so the article is (wrong|right)",
                         r"confirms? (the|its|both) ranges? (exactly|completely)")),
                   "a second source measured differently can only show whether the figures are of the same order, "
                   "not prove them right or wrong."),),
        examples=(
            Example("The article never says where its ranges come from or what year they describe; the second "
                    "table is dated but gives averages and medians for other titles, so it is not like for "
                    "like.", CORRECT),
            Example("No source and no date for the article's numbers. The other figures are from 2012 or for "
                    "'entry-level product manager', a different measure.", CORRECT),
            Example("It does not cite a source.", PARTIAL),
            Example("The second table proves the article wrong.", INCORRECT),
            Example("Salaries are higher in big cities.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="director-steps",
        chapter="09",
        kind="choice",
        expected=DIRECTOR[1],
        options=DIRECTOR,
        why="The second article says a JPM who moves into a director or VP of product role adds managing a "
            "team, but it names no steps or timing in between; the first article's APM ladder, by contrast, "
            "spells out four moves to director.",
        hint="Read the line on the map as 'an article names this destination', then check what the second "
             "article says about how, and how fast, a JPM gets there.",
        solution=f'`answer = "{DIRECTOR[1]}"`.',
        mistakes=(
            Mistake(DIRECTOR[0], "the map draws one line because the article names the destination, not the "
                                 "route: the second article gives no steps or timing from JPM to director."),
            Mistake(DIRECTOR[2], "the second article does describe a JPM moving into a director or VP of "
                                 "product role, which adds managing a team."),
        ),
        examples=(
            Example(DIRECTOR[1], CORRECT),
            Example(DIRECTOR[1].upper(), CORRECT),
            Example(DIRECTOR[0], INCORRECT),
            Example(DIRECTOR[2], INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
