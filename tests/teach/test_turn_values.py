"""Chapters 10 and 11's value checks: the answers a learner-tester gave get their status and name the mistake."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmkit.teach import cases, pandas_tries, turns
from pmkit.teach.turns import CORRECT, INCORRECT, PARTIAL


@pytest.fixture(scope="module")
def sprints() -> pd.DataFrame:
    return cases.table("sprint_deliverables")


def _says(name: str, value: object, status: str, *words: str) -> str:
    feedback = turns.evaluate(name, value)
    assert feedback.status == status, (name, value, feedback.message)
    for word in words:
        assert word in feedback.message, (name, value, word, feedback.message)
    assert "np.float64" not in feedback.message and "np.int64" not in feedback.message, feedback.message
    return feedback.message


def test_case2_asks_what_the_totals_cannot_tell(sprints: pd.DataFrame) -> None:
    """Planned and delivered totals are equal here, so the turn asks for the rows that fell short."""
    assert sprints["planned"].sum() == sprints["delivered"].sum()
    _says("case2-delivered", (sprints["delivered"] < sprints["planned"]).sum(), CORRECT)
    _says("case2-delivered", sprints["planned"].sum(), INCORRECT, "total of deliverables")  # delivered = planned
    _says("case2-delivered", sprints["delivered"].max(), INCORRECT, "the most one row delivered", ".max()")
    _says("case2-delivered", (sprints.delivered == sprints.planned).all(), INCORRECT, "whether the claim holds",
          ".sum()")
    _says("case2-delivered", (sprints.delivered == sprints.planned).sum(), INCORRECT, "every row")


def test_a_whole_per_cent_counts_and_rounded_mistakes_are_named() -> None:
    _says("export-share", 94, CORRECT)
    _says("case3-churn-rate", 35, CORRECT)
    _says("case1-weekly-change", -30, CORRECT)
    _says("rise-before-drop", 70, CORRECT)
    _says("export-share", 95, INCORRECT, "95 is not it")
    _says("case3-churn-rate", 32, INCORRECT, "unknown, not zero")
    _says("export-share", 22, INCORRECT, "share of requests")


def test_common_wrong_computations_are_named() -> None:
    requests = pandas_tries.requests()
    rows = (requests["topic"] == "export").sum() / requests["customer"].nunique() * 100
    _says("export-share", rows, INCORRECT, "counted the export requests (rows")
    tickets = cases.table("support_tickets")
    before, after = tickets[tickets["week"] < cases.LAUNCH_WEEK], tickets[tickets["week"] >= cases.LAUNCH_WEEK]
    per_week_before = before["tickets"].sum() / before["week"].nunique()
    row_mean = (after["tickets"].mean() - per_week_before) / per_week_before * 100
    _says("case1-weekly-change", row_mean, INCORRECT, "mean per row")
    _says("case1-weekly-change", round(row_mean), INCORRECT, "mean per row")
    payout = cases.table("escalations").query("reason == 'payout delay'").dropna(subset=["churned_sellers"])
    _says("case3-churn-rate", (payout["churned_sellers"] / payout["escalations"]).mean() * 100, INCORRECT,
          "mean of the monthly rates")


def test_busiest_first_is_checked() -> None:
    requests = pandas_tries.requests()
    per_topic = requests.groupby("topic").size()
    _says("requests-per-topic", per_topic.sort_values(ascending=False), CORRECT)
    _says("requests-per-topic", per_topic, PARTIAL, "not largest first", "sort_values(ascending=False)")
    _says("requests-per-topic", per_topic.sort_values(), PARTIAL, "not largest first")


def test_forgetting_reindex_is_named() -> None:
    steps = pandas_tries.funnel_rows()
    agency = steps[steps["segment"] == "agency"]
    unordered = agency.groupby("step")["user_id"].nunique()
    _says("agency-worst-step", (1 - unordered / unordered.shift(1)).idxmax(), INCORRECT, "reindex", "alphabetical")
    _says("agency-worst-step", 0.45, INCORRECT, "is a number")


def test_numbers_are_shown_plainly() -> None:
    message = _says("case1-category", np.float64(-60.39), INCORRECT, "-60.39 is a number")
    assert "np." not in message
    _says("case2-delivered", np.True_, INCORRECT, "True or False")


def test_the_case1_hint_and_solution_use_the_cells_names() -> None:
    turn = turns.find("case1-category-change")
    for text in (turn.hint, turn.solution):
        assert "per_week[" not in text and "category_after" in text and "category_before" in text
