"""Chapter 06's turns: who decides in a new situation, a decision turned into the other role's, an exception."""

from __future__ import annotations

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Mistake, Turn

TURNS = (
    Turn(
        name="decide-who",
        chapter="06",
        kind="choice",
        options=("APM", "JPM"),
        expected="APM",
        why="Choosing which of two ideas the team builds next quarter decides what the product will contain, "
            "like the first article's APM examples (selecting an MVP feature set, deciding which customer "
            "feedback to prioritise); a senior PM would review it.",
        hint="Does the person choose *what* the team will make, or arrange *how* already-chosen work reaches "
             "users (order, dates, testing, documents)?",
        solution='`who = "APM"` and `because = "Picking which idea gets built next quarter decides what gets '
                 'built, not how planned work is delivered."`',
        needs_reason=True,
        ideas=(Idea("that the call decides what the product will contain (what gets built)",
                    (r"what (gets|is|will be|should be|to be|the team) (built|build|make|makes)", r"what to build",
                     r"what (goes|go) (in|into|next)", r"which (idea|feature|one|option)\w* (gets|is|to|will)",
                     r"\bscope", r"\bmvp\b", r"\broadmap", r"what the product", r"(choos|pick|select)\w* "
                     r"(between|which|what)", r"priorit\w* (between|among)\b", r"\bthe what\b",
                     r"priorit\w* (which|what|the) (\w+ ){0,2}"
                     r"(ideas?|features?|problems?|feedback|needs?)\b")),),
        misreads=(
            (Idea("that it is about delivery", (r"how (it|they|the work) (gets|is|are) delivered", r"\bcapacity",
                                                r"\btimeline", r"\bschedul")),
             "nothing has been planned yet, so there is no delivery to arrange: the choice is what gets made."),
        ),
        mistakes=(Mistake("JPM", "no planned work is being reordered, dated or tested here: the person chooses "
                                 "which idea the team makes at all."),),
        examples=(
            Example("APM", CORRECT, because="Picking which of the two ideas gets built next quarter decides what "
                                            "gets built."),
            Example("apm", CORRECT, because="It sets the scope of next quarter's work: choosing between two "
                                            "features."),
            Example("APM", PARTIAL, because="Sales asked for it."),
            Example("APM", PARTIAL, because="It is about how it gets delivered."),
            Example("JPM", INCORRECT, because="It is about capacity."),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="decide-rewrite",
        chapter="06",
        kind="text",
        expected=None,
        why="Your decision keeps the reporting tool's contents as chosen and changes only how the planned work "
            "reaches users (its order, dates, testing or documents): the JPM's side of the first article's "
            "decision table.",
        hint="Keep the reporting tool and keep its three capabilities as they are. What is left to decide about "
             "*getting them out*: the order of the work, a date with the testers, a release checklist?",
        solution="*Reorder the reporting tool's tickets so the export work comes first, because one engineer is "
                 "away next week.*",
        ideas=(
            Idea("a call about how planned work is delivered (order, dates, testing, tickets or documents)",
                 (r"\b(re)?order", r"\bsequenc", r"\bschedul", r"\btimeline", r"\bdates?\b", r"\bsprint",
                  r"\btickets?\b", r"\btest(ing|ers)?\b", r"\bqa\b", r"\brelease (plan|date|checklist)",
                  r"\bdocument", r"\bchecklist", r"\bcapacity", r"\bwhen\b", r"\bdeadline", r"\bhand ?off")),
            Idea("about the same reporting tool (its three capabilities)",
                 (r"\breport", r"\b(three|3|the|its|these) capabilit", r"\bthe tool\b",
                  r"\b(three|3) (\w+ )?(features|functions)")),
        ),
        misreads=(
            (Idea("still choosing what the tool contains",
                  (r"(choos|pick|select|decid)\w* (which|what) (?!order|sequence|date|day|week|sprint|release)"
                   r"([\w']+ ){0,4}(capabilit|features?|functions?)", r"\bmvp\b",
                   r"\bscope", r"\b(add|cut|drop|remove)\w* (a |an |one |another |the )?(\w+ )?(capabilit|feature)")),
             "your decision still chooses what the tool contains, which is the APM's call; keep the three "
             "capabilities and decide something about delivering them."),
        ),
        examples=(
            Example("Reorder the reporting tool's tickets so export comes first, since one engineer is away.",
                    CORRECT),
            Example("Agree with QA a new testing date for the reporting tool's first release.", CORRECT),
            Example("Move the report tickets to fit the sprint.", CORRECT),
            Example("Break the three capabilities into tickets and schedule them across the next two sprints",
                    CORRECT),  # a reviewer's: it keeps the capabilities without naming the tool again
            Example("Add a fourth capability to the reporting tool.", INCORRECT),
            Example("Adjust the QA timeline.", PARTIAL),
            Example("Choose which features the reporting tool gets first.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="decide-exception",
        chapter="06",
        kind="text",
        expected=None,
        why="The what/how split is the first article's summary, not a law: it gives JPMs suggestions of UI "
            "changes (which alter what users see) and says JPMs may own small areas and contribute to strategy, "
            "and the second article has JPMs running customer interviews and analysing usage data.",
        hint="Look down the JPM column of the decision table for an entry that changes what users see, or "
             "remember what the second article says JPMs do with customers and data.",
        solution="*Suggesting UI changes is a JPM decision in the first article, yet a UI change alters what "
                 "users see, so it is not only about how work is delivered.*",
        ideas=(Idea("an example from the articles that the rule does not fit",
                    (r"\bui\b", r"\binterface", r"\bscreen", r"\blabel", r"\bbutton", r"\bdesign",
                     r"\bstrateg", r"small areas?", r"own\w* (a )?small", r"\bresearch", r"\binterview",
                     r"pain points?", r"\banaly", r"usage data", r"pull\w* (the )?data", r"end[- ]to[- ]end",
                     r"\bstartup", r"smaller (compan|organi)")),),
        misreads=(
            (Idea("that the rule has no exceptions", (r"no exceptions?", r"always (fits|holds|works)",
                                                      r"never (wrong|fails)")),
             "the articles themselves give JPMs some calls about what users get; find one."),
        ),
        examples=(
            Example("Suggesting UI changes is on the JPM's side, but a UI change alters what users see.", CORRECT),
            Example("The second article has JPMs interviewing customers about their pain points, which is "
                    "discovery rather than delivery.", CORRECT),
            Example("JPMs decide how it gets delivered.", INCORRECT),
            Example("There are no exceptions, it always holds.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
