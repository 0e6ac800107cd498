"""Chapter 12's turns: three product-sense questions read against a rubric, and the course's own job ads."""

from __future__ import annotations

from pmkit.teach.turns import CORRECT, INCORRECT, NOT_ATTEMPTED, PARTIAL, Example, Idea, Mistake, Turn

_USER = Idea("who the answer is for: one specific group of users, not 'everyone'",
             (r"\bnew (users?|customers?|members?|shoppers?|drivers?|riders?)", r"first[- ]time",
              r"\b(busy|older|elderly|young|blind|deaf|returning|casual|power|frequent|occasional) \w+",
              r"\b(parents?|students?|commuters?|teachers?|nurses?|drivers?|travellers?|travelers?|"
              r"freelancers?|families|beginners?|seniors?|shop owners?|small business)",
              r"\bfor (people|users|customers) who", r"\bsegment", r"\bpersona",
              r"\b(people|users|customers|those|anyone|someone) (learning|using|trying|with|that|training|saving|"
              r"planning|travel+ing|living|working)\b", r"\b[a-z]{3,}s who\b", r"\bowners?\b",
              r"\b(users|people|customers|learners|readers|players|buyers|sellers|members|shoppers|patients) who\b",
              r"\bfor (\w+ ){1,2}(users|learners|readers|players|buyers|sellers|members|shoppers|patients|customers|"
              r"runners|workers|managers|owners)\b"))
_PROBLEM = Idea("what problem they have today (a pain point, not a feature wish)",
                (r"\bproblem", r"\bpain", r"\bstruggl", r"\bfrustrat", r"hard to", r"\bcan not\b", r"\bconfus",
                 r"\bslow", r"\bforget", r"\bmiss(es|ed|ing)?\b", r"\bgive up", r"\bdrop (off|out)", r"\bstuck",
                 r"\bcomplain", r"\bannoy", r"takes? too long", r"\blost\b", r"do(es)? not know",
                 r"\btedious", r"\btoo (small|slow|hard|long|expensive|complicated|complex|many|much|few)\b",
                 r"\bhassle", r"\boverwhelm", r"time consuming", r"\bwast(e|es|ing) (time|money)",
                 r"\btakes? (hours|ages|forever|days)", r"\bstop (using|recording|opening)", r"\bchas(e|es|ing)\b"))
_MEASURE = Idea("how you would know it worked: a measure you would watch",
                (r"\bmeasur", r"\bmetric", r"\bkpi", r"\brate\b", r"\d+ ?%", r"per ?cent", r"\btrack",
                 r"number of", r"\bretention", r"\bconversion", r"time (it takes )?to", r"\bfewer\b",
                 r"\bsurvey", r"\bnps\b", r"\ba/b", r"\bexperiment", r"\bcompare", r"\bsee (if|whether)",
                 r"\bcheck (if|whether)", r"\bper (user|customer|week|day|month)", r"\bgo(es)? (up|down)",
                 r"\bhow often", r"\bincreas", r"\bdecreas", r"\bshare of", r"\bmonitor",
                 r"\bwatch (the|how|whether|if|for)\b"))

_DATA_FIRST = Idea("first, whether the drop is real: tracking, a logging or definition change, or an outage",
                   (r"\btrack", r"\blogg?ing", r"\binstrument", r"\bdata (is|was) (right|wrong|broken|correct)",
                    r"\bbug\b", r"\boutage", r"\bdefinition", r"\breal\b", r"\bdashboard", r"\bbroken",
                    r"\bdata quality", r"\bpipeline", r"\bmeasur(ed|ing) (it )?(the same|differently)",
                    r"\bdata (issue|problem|error)", r"\bmetric itself", r"\bconfirm", r"\bverify", r"\bsanity",
                    r"(numbers?|metric|data) (is|are) (right|correct|accurate)", r"\bcounted",
                    r"\b(measurement|data|reporting|tracking|logging) (error|glitch|issue|problem|change)",
                    r"\bglitch"), negatable=False)
_NARROW = Idea("then where it is: split by segment, platform, region or version, or find when it started",
               (r"\bsegment", r"\bplatform", r"\bios\b", r"\bandroid", r"\bregion", r"\bcit(y|ies)\b",
                r"\bcountr", r"\bversion", r"\brelease", r"\bnew (vs|versus|or|and) (returning|old)",
                r"\bwhen (it|the drop) (started|began)", r"\bwhich (day|users|step|part)", r"\bsplit",
                r"\bbreak (it )?down", r"\bfunnel", r"\bstep", r"\bcompetitor", r"\bseason", r"\bholiday",
                r"\bweather", r"\bprice", r"\bmarketing"))

_GOAL = Idea("what each option would do for the goal or the users (its impact)",
             (r"\bimpact", r"\bgoal", r"\bvalue", r"\bretention", r"\brevenue", r"\bgrowth", r"\bconversion",
              r"\bhow many (users|customers|people)", r"\breach", r"\bcustomers? (need|want|ask)",
              r"\bproblem", r"\bpain", r"\bstrateg", r"\bobjective", r"\bchurn", r"\bdrop (out|off)",
              r"\b(customers?|users?) (drop|abandon|leave|struggle|give up)", r"\bmany (customers|users)"))
_EVIDENCE = Idea("what you would weigh it with: evidence, data or cost (effort, risk)",
                 (r"\bdata\b", r"\bevidence", r"\bresearch", r"\binterview", r"\btest", r"\bexperiment",
                  r"\beffort", r"\bcost", r"\brisk", r"\bhow long", r"\bestimat", r"\brice\b",
                  r"\bconfidence", r"\bengineer", r"\bbuild time", r"\bsize"))


def _apm_ads() -> set[str]:
    """The ads whose duties are an APM's by the first article's lists (datasets/course/job_ads.csv)."""
    from pmkit.teach import content

    ads = content.table("job_ads")
    return set(ads.loc[ads["role"] == "APM", "ad"])


def _by_title() -> set[str]:
    """The careless answer: the ads titled Associate Product Manager."""
    from pmkit.teach import content

    ads = content.table("job_ads")
    return set(ads.loc[ads["title"] == "Associate Product Manager", "ad"])


def _deciding(ad: str) -> int:
    from pmkit.teach import content

    return int(content.table("job_ads").set_index("ad").loc[ad, "deciding_sentence"])


TURNS = (
    Turn(
        name="ps-improve",
        chapter="12",
        kind="text",
        expected=None,
        why="A strong answer to 'how would you improve it' names one group of users, the problem they have "
            "today and how you would know the change worked, before any feature.",
        hint="Rubric: (1) who exactly it is for; (2) what gets in their way today; (3) what you would measure "
             "to know it worked. A feature idea alone meets none of the three.",
        solution="*For first-time users who book a table, the problem is that they do not know the booking "
                 "went through and call the restaurant; I would send a confirmation right away and watch the "
                 "share of bookings followed by a phone call.*",
        ideas=(_USER, _PROBLEM, _MEASURE),
        examples=(
            Example("For first-time users, the problem is they can't tell whether the booking worked; I'd add a "
                    "clear confirmation and measure how many still call the restaurant.", CORRECT),
            Example("Busy parents give up at checkout because it takes too long; a one-tap reorder, and I'd "
                    "track the conversion rate of repeat orders.", CORRECT),
            Example("Spotify, for people who run: ads interrupt the playlist mid-workout, which is frustrating; "
                    "I'd add a running mode and see if weekly runs per user go up.", CORRECT),
            Example("Duolingo, for people learning a language for travel: the lessons skip the phrases they need "
                    "on a trip, so they give up; I'd add a travel track and watch 30-day retention.", CORRECT),
            Example("Strava, for cyclists who commute: logging the same ride every day is tedious; auto-detect "
                    "commutes and track how many commuters log a ride each week.", CORRECT),
            Example("For small-business owners, chasing late invoices takes hours; automatic reminders, measured "
                    "by the average days to get paid.", CORRECT),
            Example("I would add a dark mode and more features.", INCORRECT),
            Example("New users are confused by sign-up, so I'd simplify it.", PARTIAL),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="ps-metric-drop",
        chapter="12",
        kind="text",
        expected=None,
        why="Before explaining a drop, check that it is real (tracking, definitions, an outage); then find "
            "where it is by splitting it (platform, region, new or returning users, a release) and when it began.",
        hint="Rubric: (1) is the number itself right? (2) where and when is the drop: which users, platform or "
             "step, and did it start with a release?",
        solution="*First I would check the data: did tracking or the definition change, was there an outage? "
                 "Then I would split the drop by platform, region and new versus returning customers, and see "
                 "whether it began with a release.*",
        ideas=(_DATA_FIRST, _NARROW),
        misreads=((Idea("jumping to a fix before knowing the cause",
                        (r"^(i would |i'd )?(launch|send|run) (a )?(promotion|discount|campaign|coupon)",)),
                   "a promotion treats a cause you have not found yet; first check the data, then find where the "
                   "drop is."),),
        examples=(
            Example("First make sure the tracking did not break, then split the drop by platform and region to "
                    "see where it is.", CORRECT),
            Example("Is the data right, or was there an outage? Then I'd break it down by new vs returning "
                    "customers and check whether it started with the last release.", CORRECT),
            Example("Check whether it's a data issue first, then compare iOS and Android and new vs returning "
                    "users.", CORRECT),
            Example("I would launch a discount campaign to win the orders back.", INCORRECT),
            Example("I'd look at which platform it happened on.", PARTIAL),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="ps-choose",
        chapter="12",
        kind="text",
        expected=None,
        why="A prioritisation answer ties each option to the goal or the users' problem and weighs it with "
            "evidence and cost; 'the one more people ask for' or 'the one my boss wants' is not yet a reason.",
        hint="Rubric: (1) what each option would do for the goal or the users; (2) what you would weigh that "
             "with: evidence, effort, risk.",
        solution="*I would pick the one that does more for this quarter's goal: if the goal is keeping "
                 "customers, saved cards removes a checkout pain many report; I would check that with data on "
                 "failed checkouts and compare the engineering effort of each.*",
        ideas=(_GOAL, _EVIDENCE),
        misreads=((Idea("deciding by who asks loudest or most senior",
                        (r"\b(because|since) (the )?(boss|ceo|marketing|my manager) (wants|asked|said)",
                         r"\bloudest")),
                   "who asks is not a reason: say what each option does for the goal and what the evidence and "
                   "cost are."),),
        examples=(
            Example("It depends on the goal: if it is retention, saved cards fixes a checkout pain; I'd check "
                    "the data on failed payments and compare the effort.", CORRECT),
            Example("I'd estimate the impact on conversion of each and the engineering cost, then pick the "
                    "higher value per effort.", CORRECT),
            Example("Saved cards: many customers drop out when typing card details, which the funnel data shows, "
                    "and it is cheaper to build.", CORRECT),
            Example("The referral programme, because marketing asked for it.", INCORRECT),
            Example("Saved cards, since customers want it.", PARTIAL),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="ads-apm",
        chapter="12",
        kind="set",
        expected=_apm_ads,
        why="Ads A, C and E ask the hire to own a small feature, write its spec or PRD and decide scope or "
            "metrics: the first article's APM. B, D and F describe delivery work, whatever their titles.",
        hint="Ignore the titles. In each ad, find the sentence about the work itself: does the hire decide "
             "what gets built (scope, spec, metrics), or keep planned work moving?",
        solution='`apm_ads = {"A", "C", "E"}`.',
        mistakes=(
            Mistake(_by_title, "those are the ads *titled* Associate Product Manager; B's duties are delivery "
                               "work, and A and E describe APM work under other titles."),
        ),
        examples=(
            Example({"A", "C", "E"}, CORRECT),
            Example(["c", "e", "a"], CORRECT),
            Example({"B", "C"}, INCORRECT),
            Example({"A", "C"}, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="ad-deciding-sentence",
        chapter="12",
        kind="number",
        expected=lambda: _deciding("A"),
        tolerance=0,
        why="Sentence 2 of ad A gives the hire a feature to own end to end: research, the spec and the first "
            "release's scope. Sentences 1 and 3 (a squad and its standups) fit either role.",
        hint="Which of ad A's three sentences would change your answer if you deleted it?",
        solution='`sentence = 2`, `because = "it gives the hire ownership of a feature: research, the spec and '
                 'the scope of the first release; the rest fits any junior PM"`.',
        ideas=(Idea("what in it decides: ownership of a feature (research, the spec, choosing the scope)",
                    (r"\bown", r"\bspec", r"\bprd", r"\bscope", r"\bchoos", r"\bdecid", r"\bresearch",
                     r"talk to (the )?(travellers|travelers|users|customers)", r"first release",
                     r"what (gets|to) (be )?buil")),),
        mistakes=(
            Mistake(3, "standups are part of both roles' days; they do not tell the two apart."),
            Mistake(1, "reporting to a senior PM fits both roles; look for what the hire decides."),
        ),
        examples=(
            Example(2, CORRECT, because="It has the hire own the feature: talk to travellers, write the spec "
                                        "and choose the scope."),
            Example("2", CORRECT, because="Deciding which ideas make the first release is an APM decision."),
            Example(2, PARTIAL),
            Example(3, INCORRECT),
            Example(1, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
