"""pmkit.prd: headings real PRDs use, metrics with targets and timeframes, and review findings."""

from __future__ import annotations

import pytest

from pmkit import prd

FULL = """# Saved searches
## Background
Job seekers redo the same search daily.
## Who is it for
Active job seekers.
## Objectives
More return visits.
## KPIs
- Weekly searchers: from 12,000 to 15,000 within 60 days of launch
- Alert click-through rate above 8%
## MVP scope
Save a search; daily email.
## Out of scope
Push notifications.
## Requirements
1. P0: save a search
## Risks and mitigations
Email fatigue: weekly digest option.
## Rollout plan
10% beta, then everyone.
"""


@pytest.mark.parametrize(("heading", "section"), [
    ("Background", "problem"), ("Problem statement", "problem"), ("Context", "problem"),
    ("Who is it for", "users"), ("Target users", "users"), ("Personas", "users"),
    ("Objectives", "goals"), ("Goals", "goals"), ("Success metrics", "metrics"), ("KPIs", "metrics"),
    ("MVP scope", "scope"), ("Proposed solution", "scope"), ("Out of scope", "non_goals"),
    ("Non-goals", "non_goals"), ("Functional requirements", "requirements"), ("User stories", "requirements"),
    ("Risks & assumptions", "risks"), ("Rollout plan", "launch"), ("Go-to-market", "launch"),
    ("Post-launch monitoring", "launch"), ("3. Launch", "launch"), ("Appendix", None),
])
def test_headings_map_to_canonical_sections(heading, section):
    assert prd.section_of(heading) == section


def test_parse_full_prd():
    parsed = prd.parse(FULL)
    assert set(parsed.sections) == set(prd.SECTIONS)
    assert parsed.sections["non_goals"] == "Push notifications."
    assert [m.name for m in parsed.metrics] == ["Weekly searchers", "Alert click-through rate"]
    assert parsed.metrics[0] == prd.Metric("Weekly searchers", "from 12,000 to 15,000", "within 60 days of launch",
                                           parsed.metrics[0].text)
    findings = prd.review(parsed)
    assert [(f.index, f.criterion) for f in findings] == [(1, "metric_without_timeframe")]


@pytest.mark.parametrize(("line", "target", "timeframe"), [
    ("Conversion rate: 3% -> 4.5% in 2 months", "3% -> 4.5%", "in 2 months"),
    ("Reduce support tickets by 30% within 90 days after launch", "by 30%", "within 90 days after launch"),
    ("Activation rate \u2265 60% by Q4", "\u2265 60%", "by Q4"),
    ("7-day retention: 40% by June 2026", "40%", "by June 2026"),
    ("NPS of 45 in Q3 2026", "of 45", "in Q3 2026"),
    ("D30 retention", None, None),
    ("Page load under 2 s", "under 2 s", None),
])
def test_metric_targets_and_timeframes(line, target, timeframe):
    metric = prd.metrics_in(f"- {line}")[0]
    assert (metric.target, metric.timeframe) == (target, timeframe)


def test_metrics_table():
    section = "| Metric | Target | Timeframe |\n|---|---|---|\n| NPS | 40 | Q3 2026 |\n| Churn | < 2% | |"
    metrics = prd.metrics_in(section)
    assert [(m.name, m.target, m.timeframe) for m in metrics] == [("NPS", "40", "Q3 2026"), ("Churn", "< 2%", None)]


def test_bold_and_label_headings_and_windows_line_endings():
    text = "**Problem**\r\nSlow approvals.\r\nUsers:\r\nTeam leads.\r\n"
    parsed = prd.parse(text)
    assert parsed.sections == {"problem": "Slow approvals.", "users": "Team leads."}


def test_review_reports_missing_and_empty_sections():
    findings = prd.review("## Problem\n\n## Users\nTeam leads.")
    criteria = [f.criterion for f in findings]
    assert "missing:problem" in criteria and "missing:users" not in criteria
    assert len([c for c in criteria if c.startswith("missing:")]) == 8
    empty = next(f for f in findings if f.criterion == "missing:problem")
    assert "is empty" in empty.message


def test_metrics_section_without_metrics():
    assert "missing:metrics" in [f.criterion for f in prd.review("## Metrics\nWe will see.\n")] or \
        prd.parse("## Metrics\nWe will see.\n").metrics[0].target is None


def test_headings_inside_code_fences_are_ignored():
    parsed = prd.parse("## Problem\nSee:\n```\n## Risks\n```\n")
    assert "risks" not in parsed.sections


def test_load_says_which_encoding(tmp_path):
    path = tmp_path / "prd.md"
    path.write_bytes("## Problem\nCaf\xe9 owners wait.\n".encode("cp1252"))
    loaded = prd.load(path)
    assert loaded.encoding == "cp1252" and loaded.sections["problem"] == "Caf\u00e9 owners wait."


def test_garbage_never_raises():
    for text in ["", "\x00\x01", "#", "| a |", "- ", "##\n##\n", "**x**\n" * 50]:
        assert isinstance(prd.review(text), list)
