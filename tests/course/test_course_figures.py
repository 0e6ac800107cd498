"""Every figure a chapter's prose states is checked against the data it describes.

Prose that says "sixteen responsibilities" or "dropped by 30%" is typed once; this test pins each such
phrase to the data, so a changed data set (or a changed sentence) fails here instead of drifting.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pmkit import notebooks
from pmkit.exercises import catalog as exercises
from pmkit.teach import cases, roles
from pmkit.teach import pandas_tries as tries
from pmkit.teach import content as course
from pmkit.teach import self_assessment as assessment
from pmkit.teach.turns import ch04 as sort_tasks
from tests.conftest import COURSE


def _per_role(frame, count: int) -> bool:
    return frame.groupby("role").size().tolist() == [count, count]


def _weeks() -> bool:
    result = cases.before_after(cases.table("support_tickets"))
    return result.weeks_before == result.weeks_after == 16


def _login_per_customer():
    """Chapter 10: login requests per customer who wrote about login, most first."""
    requests = tries.requests()
    return requests[requests["topic"] == "login"].groupby("customer").size().sort_values(ascending=False)


def _login_last() -> bool:
    requests = tries.requests()
    customers = requests.groupby("topic")["customer"].nunique()
    return customers.idxmin() == "login" and (requests["topic"] == "login").sum() > 50


FIGURES: list[tuple[str, str, Callable[[], bool]]] = [
    ("00", "Nine hands-on exercises", lambda: len(course.time_budget()["exercises"]) == 9),
    ("00", "Each chapter takes 10 to 25 minutes", lambda: (
        min(course.time_budget()["chapters"].values()), max(course.time_budget()["chapters"].values())) == (10, 25)),
    ("00", "on five topics", lambda: len(roles.topics()) == 5),
    ("01", "the five comparison tables", lambda: len(roles.topics()) == 5),
    ("01", "Ten moments", lambda: len(course.questions("01")) == 10),
    ("02", "Three short questions on the APM", lambda: len(course.questions("02")) == 3),
    ("02", "The first article names three kinds", lambda: len(roles.items("owns", "APM")) == 3),
    ("03", "Three questions on the chapter, then a job ad", lambda: len(course.questions("03")) == 4),
    ("04", "Six aspects, two roles", lambda: len(roles.comparison("responsibilities")) == 6),
    ("04", "eight apiece", lambda: _per_role(roles.responsibilities(), 8)),
    ("04", "The eight tasks below", lambda: len(sort_tasks.TASKS) == 8),
    ("04", "The two job ads and the task below", lambda: len(course.questions("04")) == 3),
    ("06", "four example decisions for each role", lambda: _per_role(roles.decisions(), 4)),
    ("06", "Eight scenarios", lambda: len(course.scenario_questions()) == 8),
    ("07", "six activities for each role", lambda: _per_role(roles.day_in_the_life(), 6)),
    ("07", "Two questions on the second article, two calendars", lambda: len(course.questions("07")) == 5),
    ("08", "four behaviours for each role", lambda: _per_role(roles.influence(), 4)),
    ("08", "three questions on visibility", lambda: len(course.questions("08")) == 3),
    ("09", "Three questions on the chapter, then two job offers", lambda: len(course.questions("09")) == 4),
    ("10", "Login sits last by customers although it has more than 50 requests", _login_last),
    ("10", "the mean, about four login requests each, hides that two of them wrote 17 and 16 times",
     lambda: round(_login_per_customer().mean()) == 4 and _login_per_customer().iloc[:2].tolist() == [17, 16]),
    ("10", "the median login customer (the middle one) wrote twice", lambda: _login_per_customer().median() == 2),
    ("11", "three short stories", lambda: len(roles.case_studies()) == 3),
    ("11", "Every row of the tracker delivered what it planned", lambda: bool(
        (cases.table("sprint_deliverables")["delivered"] >= cases.table("sprint_deliverables")["planned"]).all())),
    ("11", "the planned and the delivered deliverables over every sprint and stream: the totals are equal",
     lambda: cases.table("sprint_deliverables")["planned"].sum() == cases.table("sprint_deliverables")[
         "delivered"].sum()),
    ("11", "support tickets dropped by 30%", lambda: (
        roles.case_studies().loc[0, "metric_change_pct"] == -30
        and cases.before_after(cases.table("support_tickets")).change_pct == -30.0)),
    ("11", "sixteen weeks either side", _weeks),
    ("11", "Three questions, one per case", lambda: len(course.questions("11")) == 3),
    ("12", "Six questions about how you like to work", lambda: len(assessment.items()) == 6),
    ("12", "Three questions on the second article's advice", lambda: len(course.questions("12")) == 3),
    ("13", "Two last questions", lambda: len(course.questions("13")) == 2),
    ("13", "Label twenty tasks as APM or JPM work", lambda: len(exercises.role_sort_tasks()) == 20),
    ("13", "Score 25 tickets with RICE", lambda: len(exercises.load_data("backlog")) == 25),
    ("13", "Group thirty-eight tickets into incidents", lambda: len(exercises.load_data("triage_tickets")) == 38),
]


def _markdown(chapter: str) -> str:
    path = next(COURSE.glob(f"{chapter}-*.ipynb"))
    text = "\n".join(c.source for c in notebooks.read(path).cells if c.cell_type == "markdown")
    return " ".join(text.split())


@pytest.mark.parametrize(("chapter", "phrase", "holds"), FIGURES, ids=[f"{c}:{p}" for c, p, _ in FIGURES])
def test_prose_figure_matches_the_data(chapter, phrase, holds):
    assert phrase in _markdown(chapter), f"chapter {chapter} no longer says {phrase!r}: update this test"
    assert holds(), f"chapter {chapter} says {phrase!r}, which the data no longer supports"


def test_no_salary_or_timing_figure_is_typed_in_prose():
    typed = []
    figures = [f"{v:,}" for v in roles.salaries()[["low", "high"]].to_numpy().ravel()]
    figures.append(roles.timing(roles.career_paths("apm_ladder").iloc[0].to_dict()))
    for path in sorted(COURSE.glob("*.ipynb")):
        text = _markdown(path.name[:2])
        typed += [f"{path.stem}: {f}" for f in figures if f in text]
    assert not typed, "figures typed in prose instead of filled from the data:\n" + "\n".join(typed)
