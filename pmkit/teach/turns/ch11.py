"""Chapter 11's turns: check each case's headline against its (synthetic) data with a few lines of pandas."""

from __future__ import annotations

from pmkit.teach.turns import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    PARTIAL,
    Example,
    Idea,
    Mistake,
    Turn,
    near,
    near_per_cent,
)


def _row_mean_change() -> float:
    """Case 1's change with tickets per week after the launch taken as a mean per row (one category-week)."""
    from pmkit.teach import cases

    tickets = cases.table("support_tickets")
    before = tickets[tickets["week"] < cases.LAUNCH_WEEK]
    after = tickets[tickets["week"] >= cases.LAUNCH_WEEK]
    per_week_before = before["tickets"].sum() / before["week"].nunique()
    return float((after["tickets"].mean() - per_week_before) / per_week_before * 100)


def _mean_of_monthly_rates() -> float:
    """Case 3's churn as the mean of the monthly rates, which weighs a quiet month like a busy one."""
    from pmkit.teach import cases

    rows = cases.table("escalations")
    rows = rows[rows["reason"] == "payout delay"].dropna(subset=["churned_sellers"])
    return float((rows["churned_sellers"] / rows["escalations"]).mean() * 100)


def _weekly_change() -> float:
    """Case 1: the change in weekly tickets after the launch, in per cent, from datasets/cases/."""
    from pmkit.teach import cases

    return cases.before_after(cases.table("support_tickets")).change_pct


def _biggest_drop() -> str:
    """Case 1: the ticket category whose weekly count fell most."""
    from pmkit.teach import cases

    return str(cases.change_by_category(cases.table("support_tickets"))["category"].iloc[0])


def _payout_churn(known_only: bool = True) -> float:
    """Case 3: the share of payout-delay escalations whose seller left, over months with a churn figure."""
    from pmkit.teach import cases

    rows = cases.table("escalations")
    rows = rows[rows["reason"] == "payout delay"]
    base = rows.dropna(subset=["churned_sellers"]) if known_only else rows
    return round(float(rows["churned_sellers"].sum() / base["escalations"].sum() * 100), 1)


def _top_reason() -> str:
    """Case 3: the reason the data singles out (most sellers lost, then most escalations)."""
    from pmkit.teach import cases

    return str(cases.recurring_reasons(cases.table("escalations"))["reason"].iloc[0])


def _category_change() -> dict[str, float]:
    """Case 1: the change in weekly tickets per category after the launch, in per cent."""
    from pmkit.teach import cases

    frame = cases.change_by_category(cases.table("support_tickets"))
    return dict(zip(frame["category"], frame["change_pct"], strict=True))


def _scaled(factor: float) -> object:
    """A test that a learner's per-category changes are the right ones times ``factor`` (a slip of scale or sign)."""
    from pmkit.teach.turns import _same

    return lambda value: _same("series", value, {k: v * factor for k, v in _category_change().items()})


def _sprints(column: str | None = None) -> float:
    """Case 2: a column of the sprint tracker added up over every sprint and stream (or its row count)."""
    from pmkit.teach import cases

    frame = cases.table("sprint_deliverables")
    return float(len(frame) if column is None else frame[column].sum())


def _short_rows() -> int:
    """Case 2: the tracker's rows (one per sprint and stream) that delivered fewer than they planned."""
    from pmkit.teach import cases

    frame = cases.table("sprint_deliverables")
    return int((frame["delivered"] < frame["planned"]).sum())


def _largest_in_a_row() -> float:
    """Case 2: the most deliverables one row delivered (``sprints["delivered"].max()``)."""
    from pmkit.teach import cases

    return float(cases.table("sprint_deliverables")["delivered"].max())


def _sprint_count() -> int:
    from pmkit.teach import cases

    return int(cases.table("sprint_deliverables")["sprint"].nunique())


TURNS = (
    Turn(
        name="case1-weekly-change",
        chapter="11",
        kind="number",
        expected=_weekly_change,
        tolerance=0.1,
        per_cent=True,
        why="Tickets per week fell from 80 before the launch to 56 after it, a change of -30.0 %: the "
            "synthetic data matches the article's 'dropped by 30%'.",
        hint="Per week before = tickets before the launch divided by the number of weeks before; the same after. "
             "The change in per cent is (after - before) / before * 100, negative for a drop.",
        solution='`per_week_after = after["tickets"].sum() / after["week"].nunique()` and '
                 "`change_pct = (per_week_after - per_week_before) / per_week_before * 100`, which is -30.0.",
        mistakes=(
            Mistake(lambda v: near(v, 30.0, 0.1),
                    "the size is right but the sign is not: tickets fell, so the change is negative."),
            Mistake(lambda v: near(v, -0.30, 0.002),
                    "that is a fraction; multiply by 100 to give it in per cent."),
            Mistake(lambda v: near(v, -60.4, 0.1),
                    "that is the permissions tickets alone; the headline is about all tickets."),
            Mistake(lambda v: near_per_cent(v, _row_mean_change()),
                    "`after[\"tickets\"].mean()` is the mean per row, one category in one week, but "
                    "`per_week_before` is all tickets in a week: add up the tickets after the launch and divide "
                    "by the number of weeks, as the line above does."),
        ),
        examples=(
            Example(-30.0, CORRECT),
            Example("-30%", CORRECT),
            Example(-30, CORRECT),
            Example(-86.0, INCORRECT),
            Example(-86, INCORRECT),
            Example(30.0, INCORRECT),
            Example(-0.3, INCORRECT),
            Example(-60.4, INCORRECT),
            Example("thirty", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="case1-category",
        chapter="11",
        kind="label",
        expected=_biggest_drop,
        why="Permissions tickets fell by about 60 % a week while the other categories moved by a few per cent "
            "or even rose: the overall drop comes from the problem the research found.",
        hint="Look at the change column of the table you built: one category fell far more than the rest. "
             "What did the other categories do?",
        solution='`category = "permissions"`, `because = "permissions fell by about 60 % while the others '
                 'barely moved or rose, so the drop is mostly one kind of ticket"`.',
        needs_reason=True,
        ideas=(Idea("what the other categories did: they barely moved, or rose",
                    (r"\bothers?\b", r"\brest\b", r"\bbarely", r"\bhardly", r"\bslight", r"\bsmall",
                     r"\blittle\b", r"\brose\b", r"went up", r"increas", r"\bonly\b", r"\bmostly\b",
                     r"\bflat\b", r"did not (fall|drop|change) much", r"\ba few (per ?cent|%)", r"\balmost all",
                     r"\bmost of the drop", r"moved (only )?a (few|little)", r"everything else", r"\bunchanged",
                     r"\b(stable|steady|level)\b", r"(stayed|remained|were|was) (about |roughly |more or less )?"
                     r"the same")),),
        misreads=((Idea("that the other categories fell as well",
                        (r"\b(also|too|as well|similarly|likewise|equally)\b[^.;]{0,25}"
                         r"\b(drop|fell|fall|declin|decreas|went down)",
                         r"\b(dropped|fell|fallen|declined|decreased|went down)\b[^.;]{0,25}\b(too|as well|similarly|"
                         r"equally|by a similar|by the same|evenly)\b",
                         r"\b(every|each|all)( the)?( other)? (categor\w+|kinds?|types?|ones?)\b[^.;]{0,15}\b(fell|"
                         r"dropped|declined|decreased|went down)",
                         r"\b(similar|same) (amount|rate|percentage|drop|fall|decline)", r"\bevenly\b",
                         r"\bacross the board")),
                   "the other categories did not fall with it: billing and integrations barely moved and reporting "
                   "and other tickets rose, so the drop is mostly one kind of ticket."),),
        mistakes=(Mistake(lambda v: str(v).strip().lower() in {"all", "every", "everything", "all of them"},
                          "not every kind of ticket fell: reporting and other tickets rose, and billing and "
                          "integrations barely moved."),),
        examples=(
            Example("permissions", CORRECT, because="It fell by 60% while the others barely moved or rose."),
            Example("Permissions", CORRECT, because="Mostly one kind: reporting and other tickets even went up."),
            Example("permissions", PARTIAL),
            Example("permissions", PARTIAL, because="The research was about it."),
            Example("permissions", PARTIAL, because="the other categories also dropped by 30%"),  # a tester's
            Example("billing", INCORRECT),
            Example("all", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="case2-credit",
        chapter="11",
        kind="text",
        expected=None,
        why="The article credits the JPM's attention to detail (design handoffs coordinated, sprints tracked, "
            "onboarding documentation written): delivery precision, the strength the first article gives "
            "the JPM.",
        hint="Read case 2's outcome row: what does the article say 'helped the release go live'? Then ask "
             "which role's strength that is in chapter 08's influence table.",
        solution="*The article credits the JPM's attention to detail; that is delivery precision, the JPM's "
                 "strength.*",
        ideas=(
            Idea("what the article credits for the release: the JPM's attention to detail (coordinating handoffs, "
                 "tracking sprints and writing documents are what they did, not what the article credits)",
                 (r"attention to detail", r"detail", r"\bcare(ful)?\b", r"\bmeticulous", r"\bprecis",
                  r"\bthorough", r"\bnothing (was )?(missed|forgotten|slipp\w*|dropped)")),
            Idea("whose strength it is: the JPM's delivery (execution) side",
                 (r"\bjpm", r"junior", r"deliver", r"\bexecut", r"\bcoordinat")),
        ),
        misreads=((Idea("that the release went well because of a product decision or strategy",
                        (r"\bstrateg", r"decided what to build", r"\bvision", r"\broadmap")),
                   "the article credits how the release was carried out, not a decision about what to build."),
                  (Idea("that it is the APM's strength",
                        (r"\bapm'?s?\b[^.;]{0,25}\b(strength|side|skill|forte)",
                         r"\b(strength|side|skill|forte)s? (of )?(an |the )?apm\b",
                         r"\bassociate (pm|product manager)'?s? (strength|side|skill)")),
                   "attention to detail is what the article credits, but it names the wrong role: the first article "
                   "gives delivery precision to the JPM; the APM's strength is deciding what to build."),),
        examples=(
            Example("Their attention to detail, which is the JPM's delivery strength.", CORRECT),
            Example("Careful coordination of handoffs and tracked sprints: a junior PM's execution precision.",
                    CORRECT),
            Example("Attention to detail.", PARTIAL),
            # a learner-tester's answers: an action is not what the article credits; the APM is the wrong role
            Example("They coordinated the design handoffs", PARTIAL),
            Example("Attention to detail, which is an APM strength", INCORRECT),
            Example("A clear product strategy from the APM.", INCORRECT),
            Example("Luck.", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="case3-churn-rate",
        chapter="11",
        kind="number",
        expected=_payout_churn,
        tolerance=0.1,
        per_cent=True,
        why="105 sellers left out of the 299 payout-delay escalations in months that have a churn figure: "
            "35.1 %. The months with no figure are unknown, not zero, so their escalations stay out of the "
            "denominator too.",
        hint="Keep only the payout-delay rows, then drop the rows whose churned_sellers is missing "
             "(`dropna(subset=[\"churned_sellers\"])`) before you add up the escalations you divide by.",
        solution='`known = payout.dropna(subset=["churned_sellers"])` and '
                 '`churn_rate = known["churned_sellers"].sum() / known["escalations"].sum() * 100`, which '
                 'is 35.1.',
        mistakes=(
            Mistake(lambda v: near_per_cent(v, _payout_churn(known_only=False)),
                    "you divided by all 330 escalations, including months with no churn figure; churn in "
                    "those months is unknown, not zero, so leave their escalations out of the denominator."),
            Mistake(lambda v: near(v, _payout_churn() / 100, 0.002),
                    "that is a fraction; multiply by 100 to give it in per cent."),
            Mistake(lambda v: near(v, _mean_of_monthly_rates(), 0.01),
                    "that is the mean of the monthly rates, which counts a quiet month as much as a busy one; "
                    "add up the sellers who left and the escalations first, then divide the two totals."),
        ),
        examples=(
            Example(35.1, CORRECT),
            Example("35.1%", CORRECT),
            Example(35, CORRECT),
            Example(34.9034, INCORRECT),
            Example(32, INCORRECT),
            Example(31.8, INCORRECT),
            Example(31.818181, INCORRECT),
            Example(0.351, INCORRECT),
            Example(105, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="case3-present",
        chapter="11",
        kind="label",
        expected=_top_reason,
        why="Payout delay is the most common reason (about half of all escalations) and loses the most sellers, "
            "at the highest churn rate; every reason recurs every month, so recurring alone does not single "
            "it out.",
        hint="Sort the reasons by sellers lost and by churn rate: one reason leads on both, and on "
             "escalations too.",
        solution='`reason = "payout delay"`, `because = "it is the most common escalation and has the highest '
                 'churn: about a third of the sellers who raised it left"`.',
        needs_reason=True,
        ideas=(Idea("why: it loses the most sellers (the highest churn), not only that it is frequent",
                    (r"churn", r"\bleft\b", r"\bleav(e|es|ing)\b", r"\blost\b", r"\bwalk(ed|s|ing)? away",
                     r"\bdepart", r"\blos(e|es|ing) (the most |more )?sellers",
                     r"sellers (who )?(left|leave|quit)", r"\bquit", r"\bstop(ped|s)? selling",
                     r"\d+ ?% of (the )?sellers",
                     r"per ?cent of (the )?sellers")),),
        misreads=((Idea("that few sellers leave over it",
                        (r"\b(few|no|not many|hardly any) sellers (\w+ )?(churn|leave|left|quit|go|stop)",
                         r"\blow churn", r"\b(rarely|seldom) (churn|leave)")),
                   "payout delay loses the most sellers (105, about a third of those who raised it in months with "
                   "a churn figure), more than any other reason."),),
        mistakes=(Mistake("fees", "fees has a high churn rate but few escalations and few sellers lost; payout "
                                  "delay loses far more sellers."),),
        examples=(
            Example("payout delay", CORRECT, because="It is the most common and has the highest churn rate."),
            Example("Payout delay", CORRECT, because="About a third of the sellers who raised it left within 90 days."),
            Example("payout delay", PARTIAL, because="It has the most escalations."),
            Example("payout delay", PARTIAL, because="49% of escalations are about it."),
            Example("payout delay", CORRECT, because="most escalations (330) and the most sellers leaving (105 of "
                                                     "299 with a figure)"),  # a learner-tester's
            Example("payout delay", CORRECT, because="35% of sellers who escalated it quit, far above the rest."),
            Example("fees", INCORRECT),
            Example("search ranking", INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="case1-category-change",
        chapter="11",
        kind="series",
        expected=_category_change,
        tolerance=0.1,
        per_cent=True,
        why="Per category, tickets per week before and after the launch, and the change in per cent: permissions "
            "fell by about 60 %, far more than any other category (synthetic data).",
        hint='`category_after` is built like `category_before`, from `after`: '
             '`after.groupby("category")["tickets"].sum() / after["week"].nunique()`. The change is '
             "`(category_after - category_before) / category_before * 100`: pandas lines the categories up.",
        solution='`category_after = after.groupby("category")["tickets"].sum() / after["week"].nunique()` and '
                 "`category_change = (category_after - category_before) / category_before * 100`.",
        mistakes=(
            Mistake(_scaled(0.01), "those are fractions; multiply by 100 to give each change in per cent."),
            Mistake(_scaled(-1.0), "the signs are the wrong way round: subtract before from after, so a drop is "
                                   "negative."),
        ),
        examples=(
            Example({"permissions": -60.4, "integrations": -5.7, "billing": -3.9, "reporting": 12.7, "other": 15.0},
                    CORRECT),
            Example({"Other": "15%", "Reporting": "12.7%", "Billing": "-3.9%", "Integrations": "-5.66",
                     "Permissions": "-60.39"}, CORRECT),
            Example({"permissions": -60, "integrations": -6, "billing": -4, "reporting": 13, "other": 15}, CORRECT),
            Example({"permissions": -61, "integrations": -6, "billing": -4, "reporting": 13, "other": 15}, INCORRECT),
            Example({"permissions": -0.604, "integrations": -0.057, "billing": -0.039, "reporting": 0.127,
                     "other": 0.15}, INCORRECT),
            Example({"permissions": 60.4, "integrations": 5.7, "billing": 3.9, "reporting": -12.7, "other": -15.0},
                    INCORRECT),
            Example(-30.0, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
    Turn(
        name="case2-delivered",
        chapter="11",
        kind="number",
        expected=_short_rows,
        tolerance=0.001,
        why="No row of the tracker delivered fewer than it planned: in every sprint, every work stream delivered "
            "its plan, so none was missed, as the article says. Equal totals alone could hide a stream that fell "
            "short while another delivered extra (the tracker is synthetic data, made for the course).",
        hint='Compare the two columns row by row: `sprints["delivered"] < sprints["planned"]` is True where a row '
             "fell short. `.sum()` counts the Trues.",
        solution='`short_rows = (sprints["delivered"] < sprints["planned"]).sum()`, which is 0: no row fell short, '
                 "so none was missed.",
        mistakes=(
            Mistake(lambda v: near(v, _sprints("planned"), 0.001) or near(v, _sprints("delivered"), 0.001),
                    "that is a total of deliverables (planned and delivered add up to the same); the question is "
                    "how many rows fell short: compare the two columns row by row and count the Trues."),
            Mistake(lambda v: near(v, _sprints(), 0.001),
                    "that counts every row of the tracker (or every row that delivered its plan); count only the "
                    "rows where fewer were delivered than planned, `delivered < planned`."),
            Mistake(lambda v: near(v, _largest_in_a_row(), 0.001) or near(v, _sprint_count(), 0.001),
                    "that is the most one row delivered (`.max()`), which is also the number of sprints; neither "
                    "says whether a row fell short: compare delivered with planned in each row and count."),
            Mistake(lambda v: isinstance(getattr(v, "item", lambda: v)(), bool) and not hasattr(v, "__len__"),
                    "a True or False answers whether the claim holds (that is what `.all()` gives); the cell asks "
                    "how many rows fell short: use `.sum()` on `delivered < planned` instead."),
        ),
        examples=(
            Example(0, CORRECT),
            Example("0", CORRECT),
            Example(103, INCORRECT),
            Example(24, INCORRECT),
            Example(6, INCORRECT),
            Example(True, INCORRECT),
            Example(False, INCORRECT),
            Example(100, INCORRECT),
            Example(..., NOT_ATTEMPTED),
        ),
    ),
)
