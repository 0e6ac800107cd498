"""Chapter 08's turns: whose influence a situation shows, which habits build a JPM's, and why quiet can be good."""

from __future__ import annotations

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Mistake, Turn

#: Six habits in the course's own words (no article wording), lettered for the set turn.
HABITS = {
    "A": "tells the team on Monday that the vendor's late contract puts Friday's release at risk",
    "B": "walks the leadership review through why the team dropped the bulk-edit idea",
    "C": "checks, before the sprint starts, that design, QA and support each have what they need",
    "D": "argues in the planning meeting for the users who keep getting locked out",
    "E": "sends every stakeholder the same short note on what ships when, and what might move",
    "F": "shows how last quarter's feature changed the renewal rate, and what to try next",
}
JPM_HABITS = ("A", "C", "E")

TURNS = (
    Turn(
        name="whose-visibility",
        chapter="08",
        kind="label",
        expected="JPM",
        why="Being thanked by the team at the end of a cycle (a sprint review, in the first article's words) for "
            "a release with no surprises is visibility through process fluency and smooth execution, which is "
            "how the first article says a JPM is seen.",
        hint="Where is Lee seen (in front of leadership, or in the team's own end-of-cycle meeting) and for what "
             "(a product decision, or reliable delivery)?",
        solution='`role = "JPM"`, `because = "Lee is seen by the team at the end of the cycle for smooth, '
                 'reliable delivery, not for a product decision"`.',
        needs_reason=True,
        ideas=(Idea("what Lee is seen for (the sprint review is only where): reliable, smooth delivery, not "
                    "deciding what gets built",
                    (r"reliab", r"smooth", r"deliver", r"execut", r"no surprises",
                     r"on time", r"process", r"get(s|ting)? (it|things) done", r"trust", r"as planned",
                     r"went out", r"going out", r"release", r"not (for )?a (product )?decision", r"\bship",
                     r"promised date", r"not (for )?(deciding|choosing|a decision)", r"\bdependab",
                     r"\btesters?\b", r"\bbuilds?\b", r"help.?desk",
                     r"\bno surprise", r"behind the scenes")),),
        mistakes=(Mistake("APM", "Lee is praised for a release with no surprises, not for a decision about what "
                                 "to build or an insight; that is the JPM's way of being seen."),),
        examples=(
            Example("JPM", CORRECT, because="She is seen in the sprint review for smooth, reliable delivery."),
            Example("JPM", CORRECT, because="The team trusts Lee to get things done without surprises."),
            Example("JPM", CORRECT, because="Lee is thanked within the team for a release that came out on the "
                                            "day it was promised, not for an idea about the product."),
            Example("JPM", PARTIAL, because="Lee is nice."),
            Example("JPM", PARTIAL, because="It happened at a sprint review, so JPM"),  # a tester's: the place only
            Example("APM", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="jpm-habits",
        chapter="08",
        kind="set",
        expected=JPM_HABITS,
        why="A (anticipating a delivery risk), C (cross-functional readiness) and E (clarity about timelines) "
            "build a JPM's reliability; B, D and F are an APM's voice: owning and presenting decisions, "
            "advocating for users, connecting work to outcomes.",
        hint="Sort by what each habit makes people trust: the person's judgement about what to build (voice), "
             "or the person's hold on how and when it ships (reliability).",
        solution='`habits = {"A", "C", "E"}`.',
        mistakes=(
            Mistake(lambda v: {str(x).strip().upper() for x in v} == {"B", "D", "F"},
                    "those three are the APM's voice (presenting a decision, advocating for users, connecting "
                    "work to outcomes); the question asks for the JPM's."),
            Mistake(lambda v: "E" not in {str(x).strip().upper() for x in v},
                    "a short, shared note on what ships when is clarity around timelines, one of the JPM's "
                    "four ways to gain influence."),
            Mistake(lambda v: "D" in {str(x).strip().upper() for x in v},
                    "arguing for users in planning is advocating for users: the first article gives that to the "
                    "APM."),
        ),
        examples=(
            Example({"A", "C", "E"}, CORRECT),
            Example(["e", "a", "c"], CORRECT),
            Example({"B", "D", "F"}, INCORRECT),
            Example({"A", "C"}, INCORRECT),
            Example({"A", "C", "D", "E"}, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="quiet-jpm",
        chapter="08",
        kind="text",
        expected=None,
        why="A JPM's visibility comes through smooth execution, so when nothing goes wrong there is little to "
            "notice; the first article still counts that reliability as the JPM's influence.",
        hint="Where does the first article say a JPM's visibility comes from, and what does that look like on "
             "a week when everything ships as planned?",
        solution="*A JPM is seen through smooth, reliable execution, so a release with no surprises draws little "
                 "attention even though it is exactly the job done well.*",
        ideas=(
            Idea("where a JPM's visibility comes from: smooth, reliable execution",
                 (r"smooth", r"reliab", r"execut", r"deliver", r"process", r"get(s|ting)? (it|things) done",
                  r"no surprises", r"on time")),
            Idea("why that is easy to miss: when delivery goes well, nothing stands out to notice",
                 (r"nothing (goes|went|to) ", r"no(thing| one|body) notic", r"invisible", r"unnotic",
                  r"little to (see|notice)", r"not notic", r"goes? unseen", r"quiet", r"no (fires|drama|problems?)",
                  r"only (noticed|seen) when", r"tak(e|en|es|ing) (it )?for granted",
                  r"\battention\b", r"do not see", r"rarely (seen|noticed)",
                  r"no(body|one| one) sees", r"just happens?", r"behind the scenes", r"when (nothing|it all) goes",
                  r"unless (something|it) goes wrong", r"only (hear|notice|see)\w* .{0,40}\bwhen",
                  r"when (it|something|things) (fails|breaks|goes wrong|go wrong)"), negatable=False),
        ),
        misreads=((Idea("that a quiet JPM is doing the job badly, or has little impact (the manager's view)",
                        (r"(doing|does) (a )?(bad|poor)", r"not doing (the|their|her|his) job",
                         r"should (speak|present) more to be", r"\bmanager is (right|correct)",
                         r"\bagree\w* with (the|my|their) manager", r"\b(little|no|low|not much) (real )?(impact|"
                         r"influence|value)", r"\bonly (support|help|assist)", r"\bweak (jpm|pm)",
                         r"\bnot (doing|delivering|contributing) (much|anything)")),
                   "that agrees with the manager, and the first article does not: it counts smooth execution as "
                   "the JPM's influence, so being little noticed is not a sign of a poor JPM or of little impact."),),
        examples=(
            Example("A JPM is seen through smooth execution, so when every release goes out fine nobody notices "
                    "anything.", CORRECT),
            Example("Their visibility comes from reliable delivery, and reliable delivery is quiet: no fires, "
                    "no drama.", CORRECT),
            Example("Because they deliver things.", PARTIAL),
            Example("Nobody notices them, so they are not doing their job well.", INCORRECT),
            Example("Because JPMs are junior.", INCORRECT),
            # a learner-tester's answers: the manager's view, and the idea denied
            Example("The manager is right, a JPM has little impact because they only support execution", INCORRECT),
            Example("A JPM's visibility does not come from smooth execution, so nobody notices them.", PARTIAL),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
