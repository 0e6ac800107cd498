"""Quiz scoring and feedback as plain functions, and the widget that displays them."""

from __future__ import annotations

import pytest

from pmkit.teach import quiz, roles, theme, widgets

Q = quiz.Question(id="q1", prompt="Who writes PRDs?", options=("APM", "JPM"), answer="APM",
                  explanation="APMs write PRDs; JPMs draft user stories.",
                  why_not={"JPM": "JPMs draft user stories rather than PRDs."})


def test_three_outcomes():
    assert quiz.grade(Q, "APM").status == quiz.CORRECT
    assert quiz.grade(Q, "JPM").status == quiz.INCORRECT
    assert quiz.grade(Q, None).status == quiz.NOT_ATTEMPTED
    assert quiz.grade(Q, "  ").status == quiz.NOT_ATTEMPTED


def test_feedback_is_specific():
    wrong = quiz.grade(Q, "JPM")
    assert wrong.message == "Not quite: you chose JPM. JPMs draft user stories rather than PRDs."
    assert quiz.grade(Q, "APM").message == "Correct: APMs write PRDs; JPMs draft user stories."
    assert quiz.grade(Q, None).message == "Not answered yet: pick APM or JPM."
    assert "not one of the options" in quiz.grade(Q, "CEO").message


def test_wrong_option_without_reason_gets_a_hint():
    q = quiz.Question(id="q", prompt="?", options=("a", "b", "c"), answer="a", explanation="a is it.",
                      why_not={"b": "b is not."})
    assert quiz.grade(q, "c").message == "Not quite: you chose c. Hint: a is it."


def test_answer_must_be_an_option():
    with pytest.raises(ValueError, match="not among its options"):
        quiz.Question(id="bad", prompt="?", options=("a",), answer="b", explanation="")


def test_score_counts_and_message():
    questions = quiz.role_questions(roles.comparison("responsibilities").to_dict("records"))
    answers = {questions[0].id: "APM", questions[1].id: "APM"}
    result = quiz.score(questions, answers)
    assert (result.correct, result.incorrect, result.not_attempted) == (1, 1, 4)
    assert result.message.startswith("1 of 6 correct, 4 still to answer")
    perfect = quiz.score(questions, {q.id: q.answer for q in questions})
    assert "Well done" in perfect.message


def test_role_questions_come_from_the_data_without_a_pattern():
    rows = roles.comparison("decision_making").to_dict("records")
    questions = quiz.role_questions(rows)
    answers = [q.answer for q in questions]
    assert quiz.has_pattern(answers) is None and set(answers) == {"APM", "JPM"}
    assert answers == [q.answer for q in quiz.role_questions(rows)]  # a fixed order
    first = questions[0]
    side = {"APM": "Small feature ownership", "JPM": "Tactical execution decisions"}
    assert side[first.answer] in first.prompt
    wrong = "JPM" if first.answer == "APM" else "APM"
    assert side[wrong] in quiz.grade(first, wrong).message


def test_quiz_widget_updates_feedback_on_click():
    quiz_widget = widgets.role_quiz("influence", per_topic=2, seed=3)
    first, second = quiz_widget.questions
    assert "Not answered yet" in quiz_widget.feedback[first.id].value
    wrong = "JPM" if first.answer == "APM" else "APM"
    quiz_widget.answer(first.id, wrong)
    assert "pmkit-incorrect" in quiz_widget.feedback[first.id].value
    row = roles.comparison("influence").set_index("aspect").loc[first.id.split(":")[1]]
    assert row[wrong.lower()] in quiz_widget.feedback[first.id].value  # what the chosen role's side really says
    quiz_widget.answer(first.id, first.answer)
    quiz_widget.answer(second.id, second.answer)
    assert "pmkit-correct" in quiz_widget.feedback[second.id].value
    assert "2 of 2 correct" in quiz_widget.tally.value


def test_feedback_html_never_relies_on_colour_alone():
    for status, word in [(quiz.CORRECT, "\u2714"), (quiz.INCORRECT, "\u2718"), (quiz.NOT_ATTEMPTED, "\u2026")]:
        html = widgets.feedback_html(quiz.Feedback("q", status, "<b>x</b>"))
        assert word in html and "&lt;b&gt;" in html


@pytest.mark.parametrize("status", list(theme.FEEDBACK))
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_feedback_colours_meet_wcag_aa_in_both_themes(status, mode):
    text, background = theme.FEEDBACK[status][mode]
    assert theme.contrast(text, background) >= 4.5
    assert theme.contrast(*theme.CHOSEN) >= 4.5
    assert f".pmkit-feedback.pmkit-{status} {{color: {text}; background: {background};" in theme.style_sheet()


def test_contrast_is_wcags():
    assert round(theme.contrast("#000000", "#FFFFFF"), 1) == 21.0
    assert round(theme.contrast("#777777", "#FFFFFF"), 2) == 4.48  # the classic just-failing grey


def test_not_answered_is_neutral_and_long_option_lists_are_not_repeated():
    quiz_widget = widgets.chapter_quiz("02")
    long = next(q for q in quiz_widget.questions if sum(map(len, q.options)) > 40)
    note = quiz_widget.feedback[long.id].value
    assert "pmkit-not_attempted" in note and "color:" not in note  # colours come from the theme's sheet
    assert f"choose one of the {len(long.options)} answers above" in note
    assert not any(option in note for option in long.options)
    role = widgets.role_quiz("influence", per_topic=1)
    assert "pick APM or JPM" in role.feedback[role.questions[0].id].value
    assert "pmkit-quiz" in quiz_widget.widget._dom_classes and "<style>" in quiz_widget.widget.children[0].value
