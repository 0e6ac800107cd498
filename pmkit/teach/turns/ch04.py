"""Chapter 04's turns: sort tasks in new words, say whose a backlog job is, rewrite a task into the other role's."""

from __future__ import annotations

from collections.abc import Callable

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Mistake, Turn

#: Eight tasks in the course's own words, none copied from the lists; the APM's (by the first article) are a c e g.
TASKS = {
    "a": ("Pick the three numbers that will show, a month after release, whether the new filter helped", "APM"),
    "b": ("Bring the team's how-to pages up to date after the settings screen changed", "JPM"),
    "c": ("Watch six shop owners try the new order form and write up where they got stuck", "APM"),
    "d": ("Agree with the testers on which day the next version can go out", "JPM"),
    "e": ("Write the document that says what bulk editing must do, and why, for engineers and designers", "APM"),
    "f": ("Reply to a customer whose export broke, and log the problem for the team", "JPM"),
    "g": ("Tell the head of product, at the quarterly review, what the pilot showed", "APM"),
    "h": ("Cut a requirement into small pieces of work, each with a check a tester can run", "JPM"),
}
APM_TASKS = frozenset(k for k, (_, role) in TASKS.items() if role == "APM")
_WHY_NOT = {
    "b": "b keeps documentation current, which the first article lists for the JPM.",
    "d": "d coordinates a release with the testers (QA), which the first article lists for the JPM.",
    "f": "f handles a support request, which the first article lists for the JPM.",
    "h": "h drafts user stories with acceptance criteria, which the first article lists for the JPM.",
}


def _letters(value: object) -> set[str]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        return set()
    return {str(v).strip().lower() for v in value}


def _wrongly_in(letter: str) -> Callable[[object], bool]:
    def test(value: object) -> bool:
        return letter in _letters(value)
    return test


TURNS = (
    Turn(
        name="resp-sort-new",
        chapter="04",
        kind="set",
        expected=APM_TASKS,
        why="a defines a feature's KPIs, c runs a usability test, e writes a PRD and g presents to product "
            "leadership: each is on the first article's APM list in other words. The other four (documentation, "
            "release dates with QA, a support request, user stories with acceptance criteria) are on its JPM list.",
        hint="Translate each task back into the lists' vocabulary: which one is a PRD, a usability test, a KPI, "
             "a user story, a support ticket? Then check which list it is on.",
        solution='`apm_tasks = {"a", "c", "e", "g"}`',
        mistakes=(
            Mistake(lambda v: _letters(v) == {"b", "d", "f", "h"},
                    "those four are the JPM's tasks; the question asks for the APM's."),
            *(Mistake(_wrongly_in(letter), message) for letter, message in _WHY_NOT.items()),
            Mistake(lambda v: bool(_letters(v)) and _letters(v) < APM_TASKS,
                    "some APM work is still missing: look for a KPI, a usability test, a PRD and a presentation "
                    "to leadership, each in other words."),
        ),
        examples=(
            Example({"a", "c", "e", "g"}, CORRECT),
            Example(["G", "E", "C", "A"], CORRECT),
            Example({"a", "c", "e", "h"}, INCORRECT),
            Example({"b", "d", "f", "h"}, INCORRECT),
            Example({"a", "e"}, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="resp-backlog",
        chapter="04",
        kind="choice",
        options=("first", "second"),
        expected="first",
        why="The first article puts managing the backlog for one part of the product on the APM's list (the "
            "table says 'Manages feature backlog'); grooming tickets and reordering them to fit the team's "
            "capacity are the JPM's backlog work.",
        hint="Both jobs touch a backlog. One decides what the backlog holds; the other keeps its tickets ready "
             "to build. Which of those does the first article give each role?",
        solution='`apm_job = "first"` and `because = "Deciding what goes on the backlog and in what order is '
                 'managing it, an APM duty; keeping tickets groomed and defined is the JPM\'s grooming."`',
        needs_reason=True,
        ideas=(Idea("what separates the two: deciding what the backlog holds versus keeping its tickets groomed",
                    (r"groom", r"tickets? (are |is )?(fully |well )?defined", r"defin\w* (the )?tickets",
                     r"what goes (on|in)", r"\bmanag", r"decid\w* what", r"what (it|the backlog) (holds|contains)",
                     r"own\w* (the )?backlog", r"\bready\b", r"\bclear\b",
                     r"\bpriorit\w* (the |its |what |which |in |items|tickets)", r"\bcontents?\b",
                     r"what (the team|we|they|engineers) (works?|builds?) on", r"what to build", r"\bin what order",
                     r"\btid(y|ied)\b")),),
        mistakes=(Mistake("second", "keeping tickets groomed and fully defined is the JPM's grooming work in the "
                                    "first article; managing a backlog, what goes on it, is on the APM's list."),),
        examples=(
            Example("first", CORRECT, because="Deciding what goes on the backlog is managing it, which the first "
                                              "article lists for the APM; grooming tickets is the JPM's."),
            Example("First", CORRECT, because="The second job only grooms the tickets; the first owns the backlog."),
            Example("first", PARTIAL, because="It sounds more senior."),
            Example("second", INCORRECT, because="Backlogs are JPM work."),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="resp-rewrite",
        chapter="04",
        kind="text",
        expected=None,
        why="Your task now decides something about what the export button is or whether it worked (its scope, "
            "its measure of success, or what users need from it), which is the APM's side of the lists.",
        hint="Keep the export button. Instead of arranging when and with whom it ships, make the person decide "
             "something about the button itself: whether it belongs in the release, what it must do, or how to "
             "tell whether it worked.",
        solution="*Decide which two numbers will show whether the export button helped, and check them a month "
                 "after launch.*",
        ideas=(
            Idea("a decision about what the feature is or whether it worked (scope, a success measure, research, "
                 "a spec)",
                 (r"decid\w* (whether|which|what|if|how (we|to) (measure|judge|know))", r"\bchoos", r"\bselect",
                  r"\bmetrics?\b", r"\bkpis?\b", r"\bmeasur", r"\bsuccess", r"whether it (worked|helped|works)",
                  r"\bresearch", r"\binterview", r"usability", r"\bprototype", r"\bprd\b", r"\bspec",
                  r"\brequirements?\b", r"\bscope", r"\bmvp\b", r"what (it|the button) (must|should) do")),
            Idea("the same piece of work, the export button", (r"\bexport",)),
        ),
        misreads=(
            (Idea("still arranging the release with others",
                  (r"\bcoordinat", r"\bschedul", r"\btesters?\b", r"\bqa\b", r"\btimeline", r"release date")),
             "your task still arranges the release with the testers, which is delivery work on the JPM's list; "
             "make the person decide what the button is or how its success is judged."),
        ),
        examples=(
            Example("Decide which numbers will show whether the export button worked, and watch them after launch.",
                    CORRECT),
            Example("Interview five users to find out what they need from export, then write the spec for it.",
                    CORRECT),
            Example("Choose whether the export button is in the first version at all.", CORRECT),
            Example("Decide the KPIs for the new feature.", PARTIAL),
            Example("Coordinate the export release with QA next week.", INCORRECT),
            Example("Do it faster.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
