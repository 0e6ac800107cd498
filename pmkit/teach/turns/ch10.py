"""Chapter 10's turns (its five pandas tries live in pmkit.teach.pandas_tries).

Why a share, not a count; and pandas the learner writes: counts per group, requests per customer, a share
of customers, the week before a drop and one segment's funnel. Keys come from the synthetic practice data.
"""

from __future__ import annotations

from typing import Any

from pmkit.teach.turns import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    PARTIAL,
    Example,
    Idea,
    Mistake,
    Turn,
    _same,
    near,
    near_per_cent,
)


def _requests() -> Any:
    from pmkit.teach import pandas_tries

    return pandas_tries.requests()


def _per_topic() -> Any:
    """Requests per topic: rows counted per group."""
    return _requests().groupby("topic").size()


def _customers_per_topic() -> Any:
    """Distinct customers per topic (the next try's answer, a likely mix-up here)."""
    return _requests().groupby("topic")["customer"].nunique()


def _most_per_customer() -> str:
    """The topic with the most requests per distinct customer."""
    return str((_per_topic() / _customers_per_topic()).idxmax())


def _export_share(of: str = "customers") -> float:
    """The share of all customers who asked about export at least once, in per cent (or a mix-up: ``of``)."""
    rows = _requests()
    if of == "requests":
        return float((rows["topic"] == "export").mean() * 100)
    if of == "rows per customer":  # export requests (rows) over distinct customers: a mix-up of counts
        return float((rows["topic"] == "export").sum() / rows["customer"].nunique() * 100)
    return float(rows[rows["topic"] == "export"]["customer"].nunique() / rows["customer"].nunique() * 100)


def _change() -> Any:
    """Week-over-week change in requests, in per cent."""
    return _requests().groupby("week").size().pct_change() * 100


def _before_drop() -> float:
    """The change in the week just before the largest drop."""
    change = _change()
    return round(float(change.shift(1)[change.idxmin()]), 2)


def _segment_drop_off(segment: str | None) -> Any:
    """The drop-off into each step of the trial funnel, for one segment (or all users)."""
    from pmkit.teach import pandas_tries

    rows = pandas_tries.funnel_rows()
    if segment is not None:
        rows = rows[rows["segment"] == segment]
    users = rows.groupby("step")["user_id"].nunique().reindex(list(pandas_tries.STEPS))
    return 1 - users / users.shift(1)


def _worst_step(segment: str | None) -> str:
    return str(_segment_drop_off(segment).idxmax())


def _worst_step_unordered(segment: str | None) -> str:
    """The "worst step" a learner gets without ``reindex``: steps in groupby's alphabetical order."""
    from pmkit.teach import pandas_tries

    rows = pandas_tries.funnel_rows()
    if segment is not None:
        rows = rows[rows["segment"] == segment]
    users = rows.groupby("step")["user_id"].nunique()
    return str((1 - users / users.shift(1)).idxmax())


def _is_series(key: Any) -> Any:
    """A test that a learner's value is this series of numbers (labels and values)."""
    return lambda value: _same("series", value, key())



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
                  r"\b(has|have|hold|holds|with|where) (the )?(most|more) (users|people|visitors)",
                  r"\babsolute", r"\btop of the funnel", r"\bdivid",
                  r"(users|people|visitors) who (got|get|reached|reach|made it|arrived|entered|started)",
                  r"\b(bigger|biggest|larger|largest|higher|highest) (at|near|in) the (top|start|beginning)",
                  r"\bmore (users|people|visitors) (are|were) (there|at)", r"\bsize of (the|each) step",
                  r"how many (\w+ )?(reached|reach|arrived|got to|entered|started|were at)",
                  r"\b(whatever|regardless of|by) (their|the|its) size", r"\btakes? (the )?size out",
                  r"\b\d[\d,]* (from|of) \d[\d,]*\b")),
        ),
        misreads=((Idea("that the step losing the most users is the worst one",
                        (r"\b(loses|lost|lose|losing) the most\b[^.;]{0,40}\b(worst|broken|biggest problem)",
                         r"\b(worst|broken)\b[^.;]{0,40}\b(loses|lost|lose|losing) the most",
                         r"\b(biggest|largest|most) (raw )?(loss|losses|drop)\b[^.;]{0,30}\b(worst|broken)",
                         r"\bcounts? (is|are) enough")),
                   "that is the trap the share avoids: the step that loses the most users is often just the step "
                   "with the most users to lose; divide by the users who reached it before you call it the worst."),
                  (Idea("that the raw count is the better measure",
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
            # a learner-tester's answers, the last one the misconception the turn is about
            Example("Counts are biggest at the top simply because more people are there, so a percentage is "
                    "needed to compare", CORRECT),
            Example("The number lost depends on how many reached the step; the share compares steps fairly "
                    "whatever their size", CORRECT),
            Example("The step that loses the most users is the worst one", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="requests-per-topic",
        chapter="10",
        kind="series",
        expected=_per_topic,
        why="Billing has the most requests (80), then export (73); every row is one request, so counting the rows "
            "of each group counts requests. The practice data is synthetic, made for the course.",
        hint='Split the rows by topic with `requests.groupby("topic")`, then count the rows in each group '
             "with `.size()`; `.sort_values(ascending=False)` puts the busiest first.",
        solution='`per_topic = requests.groupby("topic").size().sort_values(ascending=False)`: billing 80, '
                 "export 73, invoices 62, integrations 59, login 57.",
        largest_first=True,
        mistakes=(
            Mistake(_is_series(_customers_per_topic),
                    "those are distinct customers per topic (`nunique()`); here count every request, one per row, "
                    "with `.size()`."),
            Mistake(lambda v: near(v, len(_requests()), 0.5),
                    "that is every request in one number; count them per topic, one number for each."),
        ),
        examples=(
            Example({"billing": 80, "export": 73, "invoices": 62, "integrations": 59, "login": 57}, CORRECT),
            Example({"Billing": 80, "Export": "73", "Invoices": 62, "Integrations": 59, "Login": 57}, CORRECT),
            Example({"Login": 57, "Integrations": 59, "Invoices": 62, "Export": 73, "Billing": 80}, PARTIAL),
            Example({"billing": 80, "export": 73, "integrations": 59, "invoices": 62, "login": 57}, PARTIAL),
            Example({"billing": 22, "export": 33, "integrations": 22, "invoices": 21, "login": 14}, INCORRECT),
            Example(331, INCORRECT),
            Example({"billing": 80, "export": 73}, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="most-requests-per-customer",
        chapter="10",
        kind="label",
        expected=_most_per_customer,
        why="Login has about four requests per customer (57 from 14 customers), the most of any topic: a few "
            "customers wrote again and again, which a count of requests alone hides.",
        hint='Divide one column by the other: `side["requests"] / side["customers"]`. Then `.idxmax()` on that '
             "column gives the label (the topic) of its largest value. What does a high ratio say about who wrote?",
        solution='`side["requests_per_customer"] = side["requests"] / side["customers"]`, '
                 '`most_per_customer = side["requests_per_customer"].idxmax()`, which is "login", '
                 '`because = "a few customers wrote about it again and again"`.',
        needs_reason=True,
        ideas=(Idea("what a high ratio means: a few customers wrote many times (repeat requests)",
                    (r"\bfew(er)? customers", r"again and again", r"\brepeat", r"same (few )?customers?",
                     r"\bmany times", r"\bmultiple times", r"\bmore than once", r"\boften",
                     r"(wrote|write|writes|writing|contact\w*|ask\w*|complain\w*) (in )?(a lot|lots|many|several|"
                     r"repeatedly|over and over)", r"\bsmall (number|group) of customers", r"\bnot many customers",
                     r"\bconcentrat", r"\bonly \d+ customers", r"\beach wrote", r"\b\d+ times",
                     r"\b(few|handful of|small group of|small number of|couple of) (people|users|customers|clients)",
                     r"\bkeep(s)? (writing|asking|coming back|complaining|contacting)", r"\bon average\b",
                     r"\bper (customer|person|user|client)\b", r"\beach (customer|person|user|client)\b",
                     r"(lots|many|several) of (messages|requests|tickets) (from|each|per)",
                     r"\bnot (very |so )?(widespread|common|broad)",
                     r"\b(fewer|less) than \d+ (customers|people|users)")),),
        misreads=((Idea("that the topic worries the most customers",
                        (r"\bmost customers\b(?! wrote)", r"\bwidespread", r"\beveryone",
                         r"\b(many|lots of|a lot of|loads of|plenty of) (customers|users|people|clients)\b",
                         r"\b(largest|biggest|greatest|highest) (number|share|group) of (customers|users|people)",
                         r"\b(affects|hits|worries) (almost )?(all|everybody|most)\b")),
                   "a high ratio means the opposite: fewer customers, each writing more often."),),
        mistakes=(
            Mistake("billing", "billing has the most requests, but from 22 customers; divide requests by "
                               "customers before you compare."),
            Mistake("export", "export worries the most customers, so its requests are spread thin: it has the "
                              "fewest requests per customer."),
        ),
        examples=(
            Example("login", CORRECT, because="A few customers wrote about it again and again."),
            Example("Login", CORRECT, because="Only 14 customers, but they each wrote about 4 times."),
            Example("login", PARTIAL),
            Example("login", PARTIAL, because="It has the highest number in the column."),
            Example("login", PARTIAL, because="It is the problem that worries the most customers."),
            # a learner-tester's answers: "not widespread" is not the opposite; "many customers" is
            Example("login", CORRECT, because="the problem is concentrated in a few repeat writers, not widespread"),
            Example("login", PARTIAL, because="many customers are affected by login"),
            Example("billing", INCORRECT),
            Example("export", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="export-share",
        chapter="10",
        kind="number",
        expected=lambda: round(_export_share(), 2),
        tolerance=0.1,
        per_cent=True,
        why="33 of the 35 customers asked about export at least once: 94.3 %. A share of customers divides two "
            "distinct counts, so the customers who wrote many times count once (synthetic data).",
        hint='Count distinct customers twice with `["customer"].nunique()`: once among the export requests '
             '(`requests[requests["topic"] == "export"]`), once among all requests. Divide, then multiply by 100.',
        solution='`export_customers = requests[requests["topic"] == "export"]["customer"].nunique()` (33), '
                 '`export_share = export_customers / all_customers * 100`, which is 94.3.',
        mistakes=(
            Mistake(lambda v: near_per_cent(v, _export_share("requests")),
                    "that is the share of requests about export; the question is about customers, so count "
                    "distinct customers (`nunique()`), not rows."),
            Mistake(lambda v: near(v, _export_share() / 100, 0.002),
                    "that is a fraction; multiply by 100 to give it in per cent."),
            Mistake(lambda v: near(v, 33, 0.001),
                    "that is how many customers asked about export; divide it by all customers for a share."),
            Mistake(lambda v: near_per_cent(v, 33 / len(_requests()) * 100),
                    "you divided by every request; divide by every customer (`requests[\"customer\"].nunique()`)."),
            Mistake(lambda v: near_per_cent(v, _export_share("rows per customer")),
                    "you counted the export requests (rows, `len(...)`), not the customers who sent them, so a "
                    "customer who wrote five times counts five times and the share passes 100 %: count distinct "
                    "customers with `[\"customer\"].nunique()`."),
        ),
        examples=(
            Example(94.29, CORRECT),
            Example("94.3%", CORRECT),
            Example(94, CORRECT),
            Example(95, INCORRECT),
            Example(208.571, INCORRECT),
            Example(22, INCORRECT),
            Example(22.05, INCORRECT),
            Example(0.943, INCORRECT),
            Example(33, INCORRECT),
            Example(9.97, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="rise-before-drop",
        chapter="10",
        kind="number",
        expected=_before_drop,
        tolerance=0.1,
        per_cent=True,
        why="The week before the largest drop (-47.1 % on 6 October) rose by 70 % (29 September): the drop is "
            "mostly a return to normal after an unusual week, so read the week before a drop before you "
            "celebrate it (synthetic data).",
        hint="`change.idxmin()` is the week of the largest drop. `change.shift(1)` lines each week up with the "
             "change of the week before, so `change.shift(1)[change.idxmin()]` reads it.",
        solution="`before_drop = change.shift(1)[change.idxmin()]`, which is 70.0.",
        mistakes=(
            Mistake(lambda v: near_per_cent(v, float(_change().min())),
                    "that is the drop itself; the question is about the week just before it."),
            Mistake(lambda v: near(v, _before_drop() / 100, 0.002),
                    "that is a fraction; multiply by 100 to give it in per cent."),
            Mistake(lambda v: near_per_cent(v, float(_change().shift(-1)[_change().idxmin()])),
                    "that is the week after the drop; take the week before it (`shift(1)`, not `shift(-1)`)."),
            Mistake(lambda v: near(v, 68, 0.001),
                    "that is how many requests came in that week; give its change in per cent."),
        ),
        examples=(
            Example(70.0, CORRECT),
            Example("+70%", CORRECT),
            Example(-47.06, INCORRECT),
            Example(-47, INCORRECT),
            Example(70, CORRECT),
            Example(0.7, INCORRECT),
            Example(-2.78, INCORRECT),
            Example(68, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="agency-worst-step",
        chapter="10",
        kind="label",
        expected=lambda: _worst_step("agency"),
        why="Agencies lose 45 % of their users before starting the trial, their largest drop-off; the whole "
            "funnel's worst step is sending the first invoice. One fix for \"the\" worst step would miss the "
            "agencies (synthetic data).",
        hint="Build the same funnel from `agency` alone: distinct users per step, `reindex(tries.STEPS)`, then "
             "`1 - agency_funnel / agency_funnel.shift(1)` and `.idxmax()`. Compare it with the whole funnel's "
             "worst step.",
        solution='`agency_funnel = agency.groupby("step")["user_id"].nunique().reindex(tries.STEPS)`, '
                 '`agency_worst = (1 - agency_funnel / agency_funnel.shift(1)).idxmax()`, which is "start_trial"; '
                 '`because = "the whole funnel leaks most at send_invoice, so one fix would miss the agencies"`.',
        needs_reason=True,
        ideas=(Idea("how it compares with the whole funnel's worst step (send_invoice): a different step",
                    (r"send.?invoice", r"\bdiffer", r"not the same", r"\bother (segment|step)", r"whole funnel",
                     r"\boverall\b", r"\ball users", r"\btotal\b", r"freelancer", r"\bunlike\b", r"\binstead\b",
                     r"another step", r"miss(es|ed)? (the )?agenc", r"\bearlier\b", r"as a whole", r"\bwhereas\b",
                     r"compared (with|to)", r"\bcombined\b")),),
        misreads=((Idea("that the agencies' worst step is the whole funnel's too",
                        (r"\bsame (step |one )?as\b", r"\b(is|are) the same( step| one)?\b", r"\b(not|no) differ",
                         r"\bno different", r"\bidentical", r"\b(also|too|as well)\b[^.;]{0,40}start.?trial",
                         r"start.?trial\b[^.;]{0,30}\b(too|as well)\b", r"\bone fix (works|will work|is enough|fits)",
                         r"\b(whole|overall|total|combined|all users|everyone)\b[^.;,]{0,40}\balso\b")),
                   "the whole funnel's worst step is send_invoice, not start_trial: the agencies leak somewhere "
                   "else, which is why one fix for \"the\" worst step would miss them."),),
        mistakes=(
            Mistake("send_invoice", "that is the worst step of the whole funnel (and the freelancers'); filter "
                                    "to the agency rows before you count."),
            Mistake("visit_pricing", "the first step has no step before it, so it has no drop-off (NaN); rank "
                                     "the others."),
            Mistake(lambda: _worst_step_unordered("agency"),
                    "without `reindex(tries.STEPS)` groupby sorts the steps alphabetically, so each step is "
                    "compared with the wrong step before it; put them in funnel order first, as the whole "
                    "funnel above does."),
            Mistake(lambda v: str(v).strip().lower() in {"start trial", "start-trial", "starting the trial"},
                    "right step, but write its name as the data spells it: start_trial."),
        ),
        examples=(
            Example("start_trial", CORRECT, because="The whole funnel's worst step is send_invoice, a different one."),
            Example("Start_Trial", CORRECT, because="Unlike freelancers, agencies leave before the trial, so one fix "
                                                    "misses them."),
            Example("start_trial", PARTIAL),
            Example("start_trial", PARTIAL, because="It has the largest drop-off."),
            # a learner-tester's answers: the reason says the opposite of the point (the steps differ)
            Example("start_trial", PARTIAL, because="same as the whole funnel"),
            Example("start_trial", PARTIAL, because="the whole funnel also loses most at start_trial"),
            Example("send_invoice", INCORRECT),
            Example("start trial", INCORRECT),
            Example("visit_pricing", INCORRECT),
            Example("pay", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
