"""Course questions, scenarios, task sort and self-assessment: built from data, with specific feedback."""

from __future__ import annotations

import pytest

from pmkit.errors import DataError
from pmkit.teach import content as course
from pmkit.teach import quiz, roles, widgets
from pmkit.teach import self_assessment as assessment

#: Every chapter with rows in questions.csv (the new chapters' too), read from the data, not typed.
CHAPTERS_WITH_QUESTIONS = sorted(set(course.table("questions")["chapter"]))


def test_the_chapters_with_questions_are_the_course_chapters():
    assert {"05", "10"} <= set(CHAPTERS_WITH_QUESTIONS)


@pytest.mark.parametrize("chapter", CHAPTERS_WITH_QUESTIONS)
def test_every_question_has_an_answer_and_reasons_for_wrong_options(chapter):
    for question in course.questions(chapter):
        assert question.answer in question.options
        assert len(question.options) >= 2
        assert set(question.why_not) == set(question.options) - {question.answer}, question.id


def test_answers_are_not_always_in_the_same_place():
    places = [q.options.index(q.answer) for ch in CHAPTERS_WITH_QUESTIONS for q in course.questions(ch)]
    assert len(set(places)) > 1
    assert places == [q.options.index(q.answer) for ch in CHAPTERS_WITH_QUESTIONS for q in course.questions(ch)]


def test_placeholders_are_filled_from_the_role_data(data_copy):
    question = next(q for q in course.questions("09") if q.id == "apm-speed")
    assert question.answer == "12–18 months"
    path = data_copy / "career_paths.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("apm_ladder,12,18", "apm_ladder,9,15"),
                    encoding="utf-8")
    question = next(q for q in course.questions("09") if q.id == "apm-speed")
    assert question.answer == "9–15 months" and "9–15 months" in question.explanation


def test_unknown_placeholder_is_a_clear_error(data_copy):
    path = data_copy.parent / "course" / "questions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("{apm_to_pm_timing}", "{apm_speed}"), encoding="utf-8")
    with pytest.raises(DataError, match="unknown placeholder 'apm_speed'"):
        course.questions("09")


def test_question_without_matching_option_is_a_clear_error(data_copy):
    path = data_copy.parent / "course" / "question_options.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("mba,No: it can set", "mba,Maybe: it can set"), encoding="utf-8")
    with pytest.raises(DataError, match="question 'mba' has no option equal to its answer"):
        course.questions("12")


def test_scenarios_cover_every_example_decision_and_explain_with_it():
    questions = course.scenario_questions()
    assert len(questions) == 8
    assert [q.answer for q in questions].count("APM") == 4
    capacity = next(q for q in questions if q.id == "capacity-tickets")
    wrong = quiz.grade(capacity, "APM").message
    assert "Reprioritise backlog tickets to fit engineering capacity" in wrong
    assert "how it gets delivered" in wrong


def test_scenario_pointing_at_a_missing_decision(data_copy):
    path = data_copy.parent / "course" / "scenarios.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("APM,decisions,4", "APM,decisions,9"), encoding="utf-8")
    with pytest.raises(DataError, match=r"points at decisions #9 of the APM"):
        course.scenario_questions()


def test_task_sort_has_all_sixteen_responsibilities_mixed():
    questions = course.task_questions()
    assert len(questions) == 16
    assert {q.prompt for q in questions} == set(roles.responsibilities()["item"])
    answers = [q.answer for q in questions]
    assert answers[:8] != ["APM"] * 8 and answers.count("JPM") == 8


def test_task_sort_widget_gives_feedback_on_each_task():
    sorter = widgets.task_sort()
    for question in sorter.questions[:3]:
        sorter.answer(question.id, "JPM" if question.answer == "APM" else "APM")
        assert "pmkit-incorrect" in sorter.feedback[question.id].value
        assert question.answer in sorter.feedback[question.id].value
    assert sorter.score.incorrect == 3 and sorter.score.not_attempted == 13


def _answers(picks):
    items = assessment.items()
    return {item.id: (item.apm_option if pick == "APM" else item.jpm_option)
            for item, pick in zip(items, picks, strict=False) if pick}


def test_self_assessment_leans_and_explains_with_the_profiles():
    result = assessment.score(_answers(["APM", "APM", "APM", "APM", "JPM", "APM"]))
    assert (result.apm, result.jpm, result.lean) == (5, 1, "APM")
    assert roles.describe("APM", "learning_style") in result.explanation
    assert roles.describe("JPM", "purpose") in result.explanation
    assert "learners and owners" in result.explanation.splitlines()[0]


def test_self_assessment_jpm_balanced_too_few_and_blank():
    assert assessment.score(_answers(["JPM"] * 6)).lean == "JPM"
    assert assessment.score(_answers(["APM", "JPM", "APM", "JPM", "APM", "JPM"])).lean == "balanced"
    assert assessment.score(_answers(["APM", "APM"])).lean == "too_few"
    blank = assessment.score({})
    assert blank.lean == "not_attempted" and "Not answered yet" in blank.explanation


def test_self_assessment_accepts_role_codes_and_rejects_unknown_answers():
    item = assessment.items()[0]
    assert item.role_of("JPM") == "JPM" and item.role_of(None) is None
    with pytest.raises(ValueError, match=f"item '{item.id}'"):
        item.role_of("Something else")


def test_self_assessment_widget_updates_its_result():
    widget = widgets.self_assessment()
    assert "Not answered yet" in widget.result_html.value
    for item in widget.items:
        widget.answer(item.id, item.jpm_option)
    assert widget.result.lean == "JPM"
    assert "You lean JPM" in widget.result_html.value


def test_self_assessment_reads_as_english():
    lean = assessment.score(_answers(["JPM"] * 6)).explanation.splitlines()[0]
    assert "The first article calls JPMs doers and coordinators, expected to support, organise" in lean
    one_left = assessment.score(_answers(["APM", "APM", "APM", "JPM", "APM"])).explanation.splitlines()[-1]
    assert one_left == "1 question is still unanswered; answer it for a fuller picture."
    two_left = assessment.score(_answers(["APM", "APM", "APM", "JPM"])).explanation
    assert "2 questions are still unanswered; answer them" in two_left and "(s)" not in two_left
