"""pmkit.review.prd: headings real PRDs use, metrics with targets and timeframes, and review findings."""

from __future__ import annotations

import pytest

from pmkit.review import prd

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
    ("Retention: 40% in the first month", "40%", "in the first month"),
    ("NPS 45 by launch", "45", "by launch"), ("Churn < 3% by end of 2026", "< 3%", "by end of 2026"),
    ("Conversion: 3% -> 4% by Sept 30, 2026", "3% -> 4%", "by Sept 30, 2026"),
    ("Weekly active lists: 40,000 within three months of launch", "40,000", "within three months of launch"),
    ("30-day retention: 40%", "40%", None), ("Refund fraud rate: keep an eye on it", None, None),
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


def _present(markdown):
    return {name for name, body in prd.parse(markdown).sections.items() if body.strip()}


def test_setext_numbered_lettered_and_italic_headings():
    text = ("Title\n=====\n\nBackground\n----------\nSlow approvals.\n\n1. Target users\nTeam leads.\n\n"
            "a. Objectives:\nFaster approvals.\n\n_Success Metrics:_\n- Approval time: 40 s to 15 s by Q3\n\n"
            "*Non-goals*\nOCR.\n")
    parsed = prd.parse(text)
    assert parsed.sections == {"problem": "Slow approvals.", "users": "Team leads.", "goals": "Faster approvals.",
                               "metrics": "- Approval time: 40 s to 15 s by Q3", "non_goals": "OCR."}


def test_numbered_sentences_and_fields_are_not_headings():
    text = "## Requirements\n1. Users can export a report\n2. P0: zoom\n**Feature: Dark mode**\nOwner: Maria\n"
    assert prd.parse(text).sections == {"requirements": text.split("\n", 1)[1].strip()}


def test_headings_inside_html_comments_are_skipped():
    assert _present("## Problem\nSlow.\n<!--\n## Risks\nList risks here.\n-->\n## Users\nLeads.\n") == {
        "problem", "users"}


@pytest.mark.parametrize(("heading", "sections"), [
    ("Goal & success metrics", ("metrics", "goals")), ("2. Goals and Non-Goals", ("non_goals", "goals")),
    ("Objectives and key results", ("metrics", "goals")), ("Desired User Outcomes", ("goals",)),
    ("User Interface & Experience", ()), ("Open Questions", ()), ("Who it's for", ("users",)),
    ("What success looks like", ("metrics",)), ("Won't have", ("non_goals",)), ("User stories", ("requirements",)),
    ("Not doing", ("non_goals",)), ("Solution Overview", ("scope",)), ("0) TL;DR", ("problem",)),
    ("Rollback plan", ("launch",)), ("\U0001f3af Goals", ("goals",)),
])
def test_a_heading_may_name_several_sections_or_none(heading, sections):
    assert prd.sections_of(heading) == sections


def test_wont_have_column_of_a_moscow_table_is_the_non_goals():
    text = ("## Priorities\n| Must have | Won't have |\n|---|---|\n| Invite by link | Split payments |\n"
            "| Live sync | |\n")
    parsed = prd.parse(text)
    assert parsed.sections["non_goals"] == "Split payments"
    assert "missing:non_goals" not in [f.criterion for f in prd.review(parsed)]


def test_only_real_metrics_count():
    section = ("_List two or three metrics, each with a target and a timeframe._\n"
               "**Objective: Make the first week productive**\n"
               "- KR1: Admins who invite a teammate: from 41% to 55% by end of Q3\n"
               "- Baseline: 41% invite rate across Q1 sign-ups\n"
               "- e.g. \"Adoption: 30% within 60 days\"\n- M2:\n"
               "We also track duplicate purchases, which should drop from 2.1 to 0.5 a month by end of Q3.\n")
    metrics = prd.metrics_in(section)
    assert [(m.name, m.target, m.timeframe) for m in metrics] == [
        ("Admins who invite a teammate", "from 41% to 55%", "by end of Q3"),
        ("duplicate purchases", "from 2.1 to 0.5", "by end of Q3")]


def test_table_without_a_metric_header_and_targets_that_are_not_numbers():
    section = ("| Signal | Baseline | Target | By |\n|---|---|---|---|\n| Double bookings | 6.1 | 2 | Q4 2026 |\n"
               "| Support tickets | 80 | \u2193 meaningfully | end of year |\n")
    metrics = prd.metrics_in(section)
    assert [(m.name, m.target, m.timeframe) for m in metrics] == [
        ("Double bookings", "2", "Q4 2026"), ("Support tickets", None, "end of year")]
    findings = prd.review("## Metrics\n" + section)
    target = next(f for f in findings if f.criterion == "metric_without_target")
    assert target.index == 1 and target.message.startswith("Metric \u201cSupport tickets\u201d has no target")


def test_timeframe_in_the_target_header_applies_to_every_row():
    section = "| KPI | Target (by Q3 2027) |\n|---|---|\n| Monthly donors | 12% |\n| Second gifts | improve |\n"
    assert [(m.target, m.timeframe) for m in prd.metrics_in(section)] == [("12%", "by Q3 2027"), (None, "by Q3 2027")]


def test_the_only_level_one_heading_is_the_title_not_a_section():
    assert _present("# Feature: saved searches\n## Problem\nSlow.\n") == {"problem"}
    assert _present("# Problem\nSlow.\n# Users\nLeads.\n") == {"problem", "users"}


def test_capital_line_headings_and_run_in_bold_labels():
    text = ("INVOICE REMINDERS\n\nPROBLEM\nLate invoices.\n\n**Audience.** Freelancers.\nAnd small agencies.\n"
            "**Outcome metrics.** Paid-late invoices should fall from 38% to 25% by the end of Q3.\n")
    parsed = prd.parse(text)
    assert parsed.sections == {"problem": "Late invoices.", "users": "Freelancers.\nAnd small agencies.",
                               "metrics": "Paid-late invoices should fall from 38% to 25% by the end of Q3."}
    assert [(m.name, m.target, m.timeframe) for m in parsed.metrics] == [
        ("Paid-late invoices", "from 38% to 25%", "by the end of Q3")]


def test_sub_bullets_belong_to_the_metric_above():
    section = ("- **Idle seats removed**\n  - Target: 40% of idle seats\n  - Timeframe: 60 days after GA\n"
               "- **Seat tickets**\n  - Target: down 30%\n- Admin satisfaction (no target yet)\n")
    assert [(m.name, m.target, m.timeframe) for m in prd.metrics_in(section)] == [
        ("Idle seats removed", "40%", "60 days after GA"), ("Seat tickets", "30%", None),
        ("Admin satisfaction (no target yet)", None, None)]


def test_yaml_front_matter_is_metadata():
    text = "---\ntitle: Saved searches\ngoal: more visits\nstatus: draft\n---\n## Problem\nSlow.\n"
    assert prd.parse(text).sections == {"problem": "Slow."}


@pytest.mark.parametrize(("line", "target"), [
    ("Weekly active teams: 10+ by Q3", "10+"), ("Checklist completion: 70%+ within 60 days", "70%+"),
    ("Time to first report: 2\u20133 minutes by launch", "2\u20133 minutes"),
    ("Support tickets: no more than 5 per week by Q2", "no more than 5"),
    ("Rating \u2265 4.5 stars by June 2026", "\u2265 4.5 stars"), ("Referrals: 1 in 5 new users by Q4", "1 in 5"),
])
def test_targets_in_the_forms_people_write(line, target):
    assert prd.metrics_in(f"- {line}")[0].target == target


def test_escaped_and_parenthesised_headings_and_inner_labels():
    """'\\## Problem' (exported escaped), '1) Summary', '(MVP)' qualifiers; bold labels inside a section stay in it."""
    parsed = prd.parse("# Title\n\n\\## Problem\nTeams wait.\n\n1) Summary\n\n## Non-Goals (MVP)\n- No app\n\n"
                       "## Goal & success metrics\n**Goal:** more teams.\n\n| Metric | Target |\n|---|---|\n"
                       "| Activation | \u2265 35% |\n\n**Rationale:** leading indicator.\n\n## Hypothesis\nIf we ...\n")
    assert parsed.sections["problem"].startswith("Teams wait")
    assert "scope" not in parsed.sections and parsed.sections["non_goals"] == "- No app"
    assert [m.name for m in parsed.metrics] == ["Activation"] and parsed.metrics[0].target == "\u2265 35%"
    assert "If we" not in parsed.sections["metrics"]


def test_sub_headings_that_belong_to_their_section():
    """'Performance requirements' under 'Success metrics' are metrics; 'Metrics' under 'Monitoring' are not."""
    parsed = prd.parse("# T\n\n## Success Metrics\n\n### Performance Requirements\n- [ ] Token checks <2ms p99\n\n"
                       "## Monitoring\n### Metrics\n- Error rates per endpoint\n\n## Non-goals\n- SAML\n")
    assert [m.name for m in parsed.metrics] == ["Token checks"] and parsed.metrics[0].target == "<2ms"
    assert "requirements" not in parsed.sections and "Error rates" in parsed.sections["launch"]


def test_numbered_sub_sections_stay_with_their_ancestor():
    """'## 6.8 Enterprise layer' and its '### 6.8.7 SLA metrics' go on with '## 6. Feature specifications'."""
    parsed = prd.parse("# T\n\n## 6. Feature Specifications\n- Sync\n\n## 6.8 Enterprise Layer\n\n"
                       "### 6.8.7 SLA / Reliability Metrics\n- Uptime 99.7%\n\n## 8. Success Metrics\n"
                       "- Update success rate: >99% by Q4\n")
    assert [m.name for m in parsed.metrics] == ["Update success rate"]
    assert "Uptime" in parsed.sections["requirements"]


def test_dated_success_lists_and_second_tables():
    """Items under 'Week 1 success' take that timeframe; a second table's header row is no metric."""
    parsed = prd.parse("# T\n\n## Problem\nx\n\n## Success indicators\n\n### Week 1 Success\n- \u2705 Zero crashes\n"
                       "\n### Month 1 Success\n- \U0001f4c8 50+ active users\n\n| Metric | Target |\n|---|---|\n"
                       "| Activation | 40% |\n\n| Guardrail | Limit |\n|---|---|\n| Refunds | < 2% |\n\n"
                       "- Impact of onboarding emails on retention\n")
    metrics = {m.name: (m.target, m.timeframe) for m in parsed.metrics}
    assert metrics["crashes"] == ("Zero", "Week 1") and metrics["active users"] == ("50+", "Month 1")
    assert set(metrics) == {"crashes", "active users", "Activation", "Refunds"} and metrics["Refunds"][0] == "< 2%"


def test_list_item_labels_open_their_section():
    """'- **Out of scope:**' with its sub-items, inside an overview, is the non-goals section."""
    parsed = prd.parse("# T\n\n## 1. Overview\n- **Scope:** backend only\n- **Out of scope:**\n  - Frontends\n"
                       "  - Billing\n- **Purpose:** copy trades\n\n## 2. Requirements\n- Ingest signals\n")
    assert parsed.sections["scope"] == "backend only" and "Billing" in parsed.sections["non_goals"]
    assert "copy trades" in parsed.sections["problem"] and "Frontends" not in parsed.sections["problem"]
