"""The role data says what the articles say: these tests pin every figure and career edge."""

from __future__ import annotations

import pandas as pd
import pytest

from pmkit.teach import roles
from tests.conftest import SHARED

A = "000_90597afea951d368.txt"
B = "004_dbf6c9ef40c4bc2e.txt"


def test_salaries_are_the_articles_figures():
    frame = roles.salaries()
    got = {r.role: (r.low, r.high, r.currency, r.country) for r in frame.itertuples()}
    assert got == {
        "APM": (70_000, 110_000, "USD", "United States"),
        "JPM": (60_000, 95_000, "USD", "Not stated"),  # the article names no country for it
    }
    assert frame.set_index("role")["midpoint"].to_dict() == {"APM": 90_000, "JPM": 77_500}


def test_salary_range_row_of_the_comparison_table_agrees_with_salaries():
    row = roles.comparison("financial_career").set_index("aspect").loc["Salary range"]
    assert row["apm"] == "$70,000–$110,000 USD"
    assert row["jpm"] == "$60,000–$95,000 USD"


def test_salary_drivers():
    drivers = roles.salary_drivers("JPM")["driver"].tolist()
    assert drivers == ["Region", "Company size", "Experience level", "Startup employer"]
    assert "equity" in roles.salary_drivers("APM")["effect"].iloc[0]


EXPECTED_EDGES = {
    # from, to, track, months_min, months_max, people_management
    ("Associate Product Manager", "Product Manager", "apm_ladder", 12, 18, False),
    ("Product Manager", "Senior Product Manager", "apm_ladder", None, None, False),
    ("Senior Product Manager", "Group Product Manager", "apm_ladder", None, None, False),  # not stated
    ("Group Product Manager", "Director of Product", "apm_ladder", None, None, True),
    ("Junior Product Manager", "Product Manager", "jpm_ladder", None, None, False),
    ("Product Manager", "Senior Product Manager", "jpm_ladder", None, None, False),
    ("Junior Product Manager", "Product Ops", "alternative", None, None, False),
    ("Junior Product Manager", "UX Strategy", "alternative", None, None, False),
    ("Junior Product Manager", "Customer Insights", "alternative", None, None, False),
    ("Junior Product Manager", "Associate Product Manager", "retitle", None, None, False),
    ("Product Manager", "SVP", "jpm_ladder", None, None, False),
    ("Junior Product Manager", "Product Lead", "ic", None, None, False),
    ("Junior Product Manager", "Director of Product", "management", None, None, True),
    ("Junior Product Manager", "VP of Product", "management", None, None, True),
    ("Product Coordinator", "Junior Product Manager", "entry", None, None, False),
    ("Assistant Product Manager", "Junior Product Manager", "entry", None, None, False),
    ("Marketing", "Junior Product Manager", "entry", None, None, False),
    ("UX", "Junior Product Manager", "entry", None, None, False),
    ("Customer Success", "Junior Product Manager", "entry", None, None, False),
    ("Engineering", "Junior Product Manager", "entry", None, None, False),
    ("QA", "Junior Product Manager", "entry", None, None, False),
    ("Startup Intern", "Junior Product Manager", "entry", None, None, False),
}


def _edges(frame: pd.DataFrame) -> set[tuple]:
    def value(v):
        return None if pd.isna(v) else v

    return {(r.from_role, r.to_role, r.track, value(r.months_min), value(r.months_max),
             bool(r.people_management)) for r in frame.itertuples()}


def test_career_graph_is_exactly_the_articles_edges():
    frame = roles.career_paths()
    assert len(frame) == len(EXPECTED_EDGES)
    assert _edges(frame) == EXPECTED_EDGES


def test_career_paths_filter_by_track():
    assert set(roles.career_paths("alternative")["to_role"]) == {
        "Product Ops", "UX Strategy", "Customer Insights"}
    assert set(roles.career_paths("retitle")["to_role"]) == {"Associate Product Manager"}
    with pytest.raises(ValueError, match="track must be one of"):
        roles.career_paths("sideways")


def test_comparison_tables_have_the_articles_shape():
    frame = roles.comparison()
    counts = frame.groupby("topic", sort=False).size().to_dict()
    assert counts == {"responsibilities": 6, "decision_making": 6, "financial_career": 5, "daily": 6,
                      "influence": 5}
    assert list(roles.topics()["topic"]) == list(roles.TOPICS)
    rows = frame.set_index(["topic", "aspect"])
    assert tuple(rows.loc[("responsibilities", "Product specs"), ["apm", "jpm"]]) == (
        "Writes PRDs for features", "Drafts user stories")
    assert tuple(rows.loc[("decision_making", "Metrics definition"), ["apm", "jpm"]]) == (
        "Chooses beta rollout metrics", "Adjusts QA timelines")
    assert tuple(rows.loc[("financial_career", "Career path"), ["apm", "jpm"]]) == (
        "PM or Senior PM", "PM or Product Ops")
    assert tuple(rows.loc[("influence", "Visibility level"), ["apm", "jpm"]]) == (
        "In stakeholder meetings", "In sprint reviews")


def test_comparison_by_topic_and_bad_topic():
    daily = roles.comparison("daily")
    assert set(daily["topic"]) == {"daily"}
    assert daily["position"].tolist() == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ValueError, match="topic must be one of"):
        roles.comparison("salary")


@pytest.mark.parametrize(("list_name", "per_role"), [
    ("responsibilities", 8), ("decisions", 4), ("day", 6), ("influence", 4)])
def test_itemised_lists_have_the_articles_lengths(list_name, per_role):
    frame = roles.items(list_name)
    assert frame.groupby("role").size().to_dict() == {"APM": per_role, "JPM": per_role}


def test_responsibilities_by_role():
    apm = roles.responsibilities("apm")
    assert set(apm["role"]) == {"APM"} and len(apm) == 8
    assert "PRD" in apm["item"].iloc[1]
    with pytest.raises(ValueError, match="role must be one of"):
        roles.responsibilities("CEO")


def test_case_studies():
    cases = roles.case_studies().set_index("case")
    assert list(cases.index) == [1, 2, 3]
    assert cases.loc[1, "metric"] == "support_tickets"
    assert cases.loc[1, "metric_change_pct"] == -30
    assert (cases.loc[2, "role_at_start"], cases.loc[2, "role_at_end"]) == ("JPM", "PM")
    assert (cases.loc[3, "role_at_start"], cases.loc[3, "role_at_end"]) == ("JPM", "APM")
    steps = roles.case_study_steps()
    assert steps.groupby("case").size().to_dict() == {1: 7, 2: 7, 3: 5}
    assert set(roles.case_study_steps(1)["phase"]) == {"setting", "finding", "action", "outcome"}


def test_second_article_functions_and_routes():
    flow = roles.interview_flow()
    assert flow["step"].tolist() == [1, 2, 3, 4, 5, 6]
    assert flow["actor"].iloc[0] == flow["actor"].iloc[-1] == "Senior manager or SVP"
    assert len(roles.jpm_functions("review_questions")) == 3
    assert set(roles.jpm_functions()["function"]) >= {
        "customer_research", "collaboration", "review_questions", "analysis", "user_stories"}
    routes = roles.getting_started("route")["item"].tolist()
    assert "Startup internship" in routes and "QA role" in routes
    assert roles.getting_started("education")["item"].tolist() == [
        "MBA", "Master's degree in product management", "Technical undergraduate degree"]
    assert len(roles.getting_started("community")) == 6


def test_every_row_names_a_source_and_both_articles_are_used():
    used = set()
    for name, frame in roles.all_tables().items():
        assert frame["source"].notna().all(), name
        used |= set(frame["source"])
    assert used == {A, B}


def test_describe_and_at_a_glance():
    assert roles.describe("APM", "decision_focus") == "What gets built"
    assert roles.describe("jpm", "decision_focus") == "How it gets delivered"
    glance = roles.at_a_glance(("decision_focus", "archetype"))
    assert glance.loc["Archetype", "Junior Product Manager"] == "Doers and coordinators"
    with pytest.raises(KeyError, match="no attribute"):
        roles.describe("APM", "shoe_size")


def test_frames_are_copies():
    frame = roles.salaries()
    frame.loc[0, "low"] = 1
    assert roles.salaries().loc[0, "low"] == 70_000


def test_side_by_side_has_role_columns():
    table = roles.side_by_side("influence")
    assert list(table.columns) == ["Associate Product Manager", "Junior Product Manager"]
    assert table.loc["Influence scope", "Junior Product Manager"] == "Within the product team"


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="the seed articles are not beside the repo")
def test_figures_appear_in_the_source_articles():
    text = {p.name: p.read_text(encoding="utf-8") for p in (SHARED / "seeds").iterdir()}
    for row in roles.salaries().itertuples():
        assert f"${row.low:,}" in text[row.source] and f"${row.high:,}" in text[row.source]
    edge = roles.career_paths("apm_ladder").iloc[0]
    assert f"{edge.months_min}–{edge.months_max} months" in text[edge.source]
    pct = roles.case_studies().set_index("case").loc[1, "metric_change_pct"]
    assert f"{abs(int(pct))}%" in text[A]
    for row in roles.comparison().itertuples():
        assert row.aspect.split()[0].lower()[:5] in text[row.source].lower(), row.aspect


def test_pay_range_says_where_each_range_applies():
    assert roles.pay_range("apm") == "$70,000\u2013$110,000 (United States)"
    assert roles.pay_range("JPM") == "$60,000\u2013$95,000 (no country stated)"
    with pytest.raises(ValueError):
        roles.pay_range("PM")
