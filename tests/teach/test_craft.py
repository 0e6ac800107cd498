"""Chapter 05's worked examples pass their own reviews, and its planning and RICE follow the exercise's rules."""

from __future__ import annotations

import pytest

from pmkit.exercises import catalog as exercises
from pmkit.review import prd, stories
from pmkit.teach import content as course
from pmkit.teach import worked_examples as craft


def test_the_worked_prd_passes_the_review_and_the_draft_does_not():
    assert prd.review(craft.worked_prd()) == []
    found = {f.criterion for f in prd.review(craft.draft_prd())}
    assert {"missing:users", "missing:non_goals", "missing:launch", "metric_without_target",
            "metric_without_timeframe"} <= found


def test_every_requirement_has_a_priority_and_every_story_a_requirement():
    requirements = craft.requirements()
    assert list(requirements["requirement"]) == ["R1", "R2", "R3", "R4"]
    assert set(requirements["priority"]) <= {"P0", "P1", "P2"}
    backlog = craft.backlog()
    assert backlog["priority"].notna().all(), "a story names a requirement the PRD does not have"


def test_the_worked_stories_pass_every_criterion_and_have_gwt_criteria():
    backlog = craft.backlog()
    assert stories.review(list(backlog["text"])) == []
    criteria = craft.table("worked_criteria")
    assert set(criteria["story"]) == set(backlog["story"]), "every story needs a criterion, and only stories"
    unparsed = [c for c in criteria["criterion"] if stories.parse_criterion(c) is None]
    assert unparsed == []
    assert set(backlog["depends_on"].dropna()) <= set(backlog["story"])


@pytest.mark.parametrize("row", craft.table("story_examples").to_dict("records"), ids=lambda r: r["criterion"])
def test_each_weak_example_fails_on_its_criterion_and_the_better_one_passes(row):
    examples = craft.quality_examples()
    mine = examples[examples["criterion"] == row["criterion"].replace("_", " ")].set_index("version")
    assert mine.loc["weak", "review"].startswith(f"\u2718 {craft.rule(row['criterion'])}:"), mine.loc["weak", "review"]
    assert mine.loc["better", "review"] == "\u2714 no problem found"


def test_sprint_plan_takes_what_fits_by_priority_and_respects_dependencies():
    plan = craft.plan_sprint(capacity=13).set_index("story")
    taken = plan[plan["planned"]]
    assert list(taken.index) == ["S1", "S2", "S3", "S4"]
    assert taken["points"].sum() <= 13
    assert "waits for S5" in plan.loc["S6", "reason"]
    assert not plan.loc["S6", "planned"]
    everything = craft.plan_sprint(capacity=100)
    assert everything["planned"].all()


def test_rice_is_the_exercise_formula_with_half_confidence_when_missing():
    scored = craft.rice().set_index("ticket")
    assert scored.loc["INV-201", "rice"] == pytest.approx(900 * 2 * 0.8 / 4)
    assert scored.loc["INV-205", "confidence"] == craft.MISSING_CONFIDENCE == 0.5
    assert not scored.loc["INV-205", "estimated"]
    assert craft.rice_sum("INV-201") == "INV-201: 900 \u00d7 2 \u00d7 0.8 \u00f7 4 = 360"
    # The same function scores the exercise's backlog exactly as its answer key does.
    backlog = exercises.load_data("backlog")
    key = backlog["reach"] * backlog["impact"] * backlog["confidence"].fillna(0.5) / backlog["effort"]
    mine = craft.rice(backlog).set_index("ticket")["rice"]
    assert mine.reindex(backlog["ticket"]).round(6).tolist() == key.round(6).tolist()


def test_rice_plan_skips_what_does_not_fit_and_keeps_going():
    plan = craft.rice_plan(capacity=10)
    taken = plan[plan["planned"]]
    assert list(taken["ticket"]) == ["INV-201", "INV-202", "INV-204", "INV-205"]
    assert taken["effort"].sum() <= 10
    assert plan.set_index("ticket").loc["INV-203", "reason"] == "skipped: needs 5, only 3 left"


def test_review_metric_says_what_is_missing():
    vague = craft.review_metric("More owners use alerts")
    assert vague.status == "incorrect" and "no target" in vague.message
    assert "no timeframe" in craft.review_metric("Stock-outs: down to 1.5 per shop").message
    complete = craft.review_metric("Shops with an alert: from 0% to 40% within 60 days of launch")
    assert complete.status == "correct" and "\u201cwithin 60 days of launch\u201d" in complete.message
    blank = craft.review_metric("  ")
    assert (blank.status, blank.message) == ("not_attempted", "Not answered yet: write a metric in the string.")


def test_chapter_05_questions_agree_with_the_reviewers():
    questions = {q.id: q for q in course.questions("05")}
    metric = questions["metric-complete"]
    for option in metric.options:
        complete = craft.review_metric(option).status == "correct"
        assert complete == (option == metric.answer), option
    split = questions["story-split"]
    story = split.prompt[split.prompt.index("\u201c") + 1:split.prompt.index("\u201d")]
    assert {f.criterion for f in stories.review(story)} == {"atomic"}
    assert (100 * 3 * 1.0 / 2, 400 * 1 * 0.8 / 4) == (150, 80)
    assert "150 against 80" in questions["rice-order"].answer


@pytest.mark.parametrize("chapter", ["05", "10"])
def test_the_new_chapters_questions_explain_every_wrong_option(chapter):
    questions = course.questions(chapter)
    assert len(questions) >= 4
    for question in questions:
        assert set(question.why_not) == set(question.options) - {question.answer}, question.id


def _chapter_text(stem: str) -> str:
    from pmkit import notebooks
    from tests.conftest import COURSE

    cells = notebooks.read(COURSE / f"{stem}.ipynb").cells
    return " ".join(" ".join(c.source for c in cells if c.cell_type == "markdown").split())


def test_chapter_05_prose_figures_match_the_data():
    text = _chapter_text("05-prd-and-user-stories")
    scored = craft.rice()
    sure = scored.assign(confidence=scored["confidence"].where(scored["ticket"] != "INV-205", 1.0))
    sure["rice"] = sure["reach"] * sure["impact"] * sure["confidence"] / sure["effort"]
    ranked = list(sure.sort_values("rice", ascending=False)["ticket"])
    assert "would have scored 200 and ranked third, ahead of INV-204" in text
    assert ranked.index("INV-205") == 2 and ranked[3] == "INV-204"
    plan = craft.rice_plan(capacity=10)
    assert "The plan uses 9 of the 10 days" in text and plan.loc[plan["planned"], "effort"].sum() == 9
    sprint = craft.plan_sprint(capacity=13)
    assert "All four P0 stories fit (12 points)" in text
    assert sprint.loc[sprint["planned"], "points"].sum() == 12 and (sprint["priority"] == "P0").sum() == 4
    assert "(9 of 12 owners, 18% of chats)" in text and "9 had run out" in craft.worked_prd()


def test_the_role_rows_the_new_chapters_cite_still_say_what_the_prose_says():
    from pmkit.teach import roles

    duties = roles.responsibilities()
    cited = duties[duties["item"].str.contains("PRD|user stories|backlog|sprint planning")]  # chapter 05's filter
    assert sorted(cited["role"]) == ["APM", "APM", "JPM", "JPM"]
    assert cited[cited["role"] == "APM"]["item"].str.contains("PRD").any()
    assert cited[cited["role"] == "JPM"]["item"].str.contains("user stories").any()
    jpm_calls = roles.decisions("JPM")
    assert "capacity" in jpm_calls[jpm_calls["position"] == 1]["item"].iloc[0]  # chapter 05's hand-off
    apm_day = roles.day_in_the_life("APM")
    assert "analytics" in apm_day[apm_day["position"] == 1]["item"].iloc[0]  # chapter 10's opening
    assert len(roles.jpm_functions("analysis")) >= 1 and len(roles.jpm_functions("user_stories")) >= 2


def test_one_cell_shows_a_document_with_its_review():
    document, review = craft.show_and_review(craft.draft_prd()).parts
    assert document.data.startswith(">") and document.data.endswith("**What the review finds:**")
    assert review.status == "incorrect" and "\u2022 metric without target: " in review.message
    assert review.message.startswith("Not yet: 9 findings.\n")
    document, review = craft.show_and_review_backlog().parts
    assert "**S1**" in document.data
    assert (review.status, review.message) == ("correct", "No problems found against the six criteria.")


def test_a_story_review_is_a_verdict_that_names_each_broken_criterion():
    weak = craft.review_stories("As a shop owner, I want to quickly see and export low stock, so that reordering "
                                "is easy.")
    assert weak.status == "incorrect" and weak.message.startswith("Not yet: 2 findings.\n\u2022 atomic: the means")
    assert "Story 1" not in weak.message  # one story: no number to say which
    several = craft.review_stories(["As a shop owner, I want a list.", "Low stock"])
    assert "well formed: Story 2: no role" in several.message  # several stories: the number says which
    assert craft.review_stories("  ").status == craft.review_stories([]).status == "not_attempted"


def test_spec_duties_are_both_roles_lines_about_specs_and_the_backlog():
    duties = craft.spec_duties()
    assert duties.groupby("role").size().to_dict() == {"APM": 2, "JPM": 2}
    assert duties["item"].str.contains("PRD").any() and duties["item"].str.contains("user stories").any()
