"""Chapter 07's turns: read a calendar for its role, the day lists' missing order, and a job read by its duties."""

from __future__ import annotations

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Mistake, Turn

#: The calendar of the first turn: the course's own illustration, not a day from either article.
CALENDAR = (
    "09:00 glance at the dashboard of last week's release",
    "09:30 fifteen-minute team huddle: say that the payments API is still holding up two stories",
    "10:30 settle the regression-testing window with the testers",
    "13:00 read the new app-store complaints about crashes and file each with the team that owns it",
    "15:00 go over spacing, icons and button colours with the designer before Thursday's release",
    "16:30 write the email telling customers what changes on Thursday, with the help-desk lead",
)

_DELIVERY = Idea(
    "the tell: what the day is spent on, keeping work that is already planned moving to release "
    "(testing dates, bugs, blockers, polish, a customer update), not deciding what gets built",
    (r"deliver", r"\bexecut", r"\brelease", r"\bship", r"\bblocker", r"\bunblock", r"\bqa\b", r"\bbugs?\b",
     r"\bpolish", r"on track", r"keep\w* (things|work|it|the work) moving", r"already (planned|decided)",
     r"not (deciding|decide|choosing) what", r"no (product )?decisions?", r"\bcoordinat",
     r"(none|no one|nobody|nothing)( of (the|them|these) entries)? decides?", r"existing work", r"\boperation",
     r"push\w* (existing |planned )?work", r"\btesters?\b", r"\bregression", r"testing (window|dates?)",
     r"\bcrash", r"\bfil(e|es|ed|ing) (each|them|the|complaints|crash)", r"hold(ing)? up|held up",
     r"\bhelp.?desk", r"what changes", r"\bhuddle",
     r"\b(not|none of it is|nothing (here )?is|no one is|nobody|never)\b[^.;,]{0,30}\b(decid|decision|choos|"
     r"discover|finding out|strateg)"))

_ORDER_OPTIONS = (
    "Nothing: it lists six activities with no times and no order",
    "That reviewing analytics comes first, since it is listed first",
    "That drafting a PRD comes first, then the analytics review",
)

_JOB_OPTIONS = (
    "The friend: by the first article this is an APM's job",
    "The ad: the second article gives this work to a JPM",
    "Neither: interviewing customers is a UX researcher's job",
)

TURNS = (
    Turn(
        name="calendar-tell",
        chapter="07",
        kind="label",
        expected="JPM",
        why="Five of the six entries keep planned work moving to release: raising what holds up two stories, "
            "fixing the testing window, filing crash complaints, the finishing touches with design and the "
            "email to customers. In the first article's words that is the JPM's day (blockers at standup, QA "
            "timelines, sorting bug reports, UI polish, a customer update). One glance at a dashboard, first or "
            "not, does not make it a day of deciding what gets built.",
        hint="Do not go by the first entry: the first article's day lists have no clock times and no order. "
             "Ask what most of the hours are spent on: finding out and deciding, or keeping delivery moving?",
        solution='`role = "JPM"`, `because = "almost every entry keeps planned work moving to Thursday\'s '
                 'release: what holds up two stories, the testing window, the crash complaints, the design '
                 'details and the email to customers"`.',
        needs_reason=True,
        ideas=(_DELIVERY,),
        mistakes=(
            Mistake("APM", "count what the hours are spent on: five of the six entries keep planned work moving "
                           "to Thursday's release (the blocker, the testing window, crash complaints, design polish, "
                           "the customer email). Meeting designers or customers, or a first look at a dashboard (the "
                           "article's lists give no order), does not make it a day of deciding what to build."),
            Mistake(lambda v: str(v).strip().lower() not in {"apm", "jpm"},
                    'answer "APM" or "JPM".'),
        ),
        examples=(
            Example("JPM", CORRECT, because="Nearly everything is delivery: the blocker, QA dates, bugs, polish "
                                            "and the release update."),
            Example("jpm", CORRECT, because="It keeps already planned work moving toward the release; nobody "
                                            "decides what gets built."),
            Example("JPM", CORRECT, because="None of the entries decides what to build; they push existing work on."),
            Example("JPM", CORRECT, because="The huddle, the testing window, filing the crashes and the customer "
                                            "email all get Thursday's version out of the door."),
            Example("JPM", PARTIAL),
            Example("JPM", PARTIAL, because="Because it has a standup at 09:30."),
            # a learner-tester's answers: the chapter's own contrast, negated; one word that is the idea
            Example("JPM", CORRECT, because="It is not a day of finding out and deciding what to build"),
            Example("JPM", CORRECT, because="execution"),
            Example("APM", INCORRECT, because="they talk with customers and designers"),
            Example("JPM", PARTIAL, because="It is not about delivery at all."),
            Example("APM", INCORRECT),
            Example("the PM", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="day-order",
        chapter="07",
        kind="choice",
        expected=_ORDER_OPTIONS[0],
        options=_ORDER_OPTIONS,
        why="The first article lists six activities for each day as bullet points, with no clock times and "
            "no word about order; the chart numbers them only so that you can refer to them.",
        hint="Read the first article's 'A Day in the Life' lists again: do they give a single time, or say "
             "'first' or 'then' anywhere?",
        solution=f'`answer = "{_ORDER_OPTIONS[0]}"`: a list\'s order is not a timetable.',
        mistakes=(
            Mistake(_ORDER_OPTIONS[1], "being first on a bulleted list is not being first in the day; the "
                                       "article gives no times and no order."),
            Mistake(_ORDER_OPTIONS[2], "the article says nothing about which activity comes first, for the "
                                       "PRD or for anything else."),
        ),
        examples=(
            Example(_ORDER_OPTIONS[0], CORRECT),
            Example(_ORDER_OPTIONS[0].lower(), CORRECT),
            Example(_ORDER_OPTIONS[1], INCORRECT),
            Example(_ORDER_OPTIONS[2], INCORRECT),
            Example("It starts with analytics", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="job-not-title",
        chapter="07",
        kind="choice",
        expected=_JOB_OPTIONS[1],
        options=_JOB_OPTIONS,
        why="The second article describes a JPM who finds customers, runs and captures the interviews and "
            "reports back, and who pulls and analyses the data after launch; the first article gives similar "
            "work to the APM. Titles are not standardised, so the duties, not the title, say what the job is.",
        hint="Chapter 07 set two articles side by side: which one describes a JPM interviewing customers and "
             "analysing data after launch?",
        solution=f'`answer = "{_JOB_OPTIONS[1]}"`, `because = "the second article describes a JPM running '
                 'customer interviews and post-launch analysis; titles are not standardised, so read the '
                 'duties"`.',
        ideas=(Idea("why the title does not settle it: the second article gives this work to a JPM, and titles "
                    "are not standardised, so the duties decide",
                    (r"second article", r"(titles?|names?) (are|is) not standardi[sz]", r"not standardi[sz]",
                     r"read the (job|duties)", r"dut(y|ies)", r"interchangeab", r"different compan",
                     r"depends? on the compan", r"vary|varies", r"one compan(y|ies)", r"other (sources?|articles?)",
                     r"same work", r"(titles?|names?) (differ|mean different|are used differently)")),),
        mistakes=(
            Mistake(_JOB_OPTIONS[0], "the first article's lists are one company's version; the second article "
                                     "describes a JPM doing exactly these interviews and this analysis."),
            Mistake(_JOB_OPTIONS[2], "neither article gives this to a researcher: both give it to a junior "
                                     "PM, only under different titles."),
        ),
        examples=(
            Example(_JOB_OPTIONS[1], CORRECT, because="The second article has a JPM doing the interviews and the "
                                                      "post-launch data, and titles are not standardised."),
            Example(_JOB_OPTIONS[1], CORRECT, because="Companies use the titles differently, so I read the duties."),
            Example(_JOB_OPTIONS[1], PARTIAL),
            Example(_JOB_OPTIONS[1], PARTIAL, because="It sounds right to me."),
            Example(_JOB_OPTIONS[0], INCORRECT),
            Example(_JOB_OPTIONS[2], INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
