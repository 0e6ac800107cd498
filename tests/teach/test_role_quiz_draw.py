"""The "which role?" quiz draws its rows at random from every comparison row, asking new rows first."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from pmkit.teach import progress, quiz, roles, widgets

TITLE = "Check your understanding: which role is it?"


@pytest.fixture
def no_record(monkeypatch):
    """A test kernel's setting: nothing is recorded and nothing recorded is read."""
    monkeypatch.delenv("PMKIT_PROGRESS", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("PMKIT_PROGRESS", str(path))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return path


def _rows(built: widgets.Quiz) -> list[tuple[str, str]]:
    """(topic, aspect) of each question, in the quiz's order."""
    return [tuple(q.id.split(":")[:2]) for q in built.questions]


def _all_rows(topic: str | None = None) -> set[tuple[str, str]]:
    return {(r.topic, r.aspect) for r in roles.comparison(topic).itertuples()}


@pytest.mark.parametrize(("topic", "per_topic"), [("responsibilities", 1), (None, 1), (None, 2)])
def test_every_row_of_every_table_is_asked_over_many_seeds(no_record, topic, per_topic):
    asked: Counter = Counter()
    for seed in range(60):
        built = widgets.role_quiz(topic, per_topic=per_topic, seed=seed)
        rows = _rows(built)
        assert len(set(rows)) == len(rows), rows  # a row is asked once per quiz
        assert Counter(t for t, _ in rows) == {t: per_topic for t, _ in _all_rows(topic)}
        asked.update(rows)
    assert set(asked) == _all_rows(topic), sorted(_all_rows(topic) - set(asked))


def test_the_same_seed_asks_the_same_rows_and_other_seeds_other_rows(no_record):
    first = widgets.role_quiz(seed=7)
    again = widgets.role_quiz(seed=7)
    assert [q.id for q in first.questions] == [q.id for q in again.questions]
    assert [q.prompt for q in first.questions] == [q.prompt for q in again.questions]
    draws = {tuple(_rows(widgets.role_quiz("responsibilities", per_topic=1, seed=s))) for s in range(20)}
    assert len(draws) > 1, "every seed asked the same row"


def test_the_quiz_keeps_its_balanced_sides_and_table_order(no_record):
    for seed in range(30):
        built = widgets.role_quiz(seed=seed)
        answers = [q.answer for q in built.questions]
        assert quiz.has_pattern(answers) is None and set(answers) == {"APM", "JPM"}, answers
        positions = roles.comparison().set_index(["topic", "aspect"])["position"]
        for topic in {t for t, _ in _rows(built)}:
            mine = [positions[row] for row in _rows(built) if row[0] == topic]
            assert mine == sorted(mine)  # each topic's rows read in the table's order


def test_a_quiz_needs_at_least_one_row_per_topic(no_record):
    with pytest.raises(ValueError, match="per_topic must be a whole number of at least 1; got 0"):
        widgets.role_quiz("daily", per_topic=0)


def test_rows_not_yet_asked_come_first_when_progress_records_earlier_answers(store):
    table = roles.comparison("responsibilities").to_dict("records")
    answered, left = table[:-1], table[-1]  # every row answered but the last one
    record = json.dumps({"version": 1, "checks": {}, "quizzes": {f"00-welcome::{TITLE}": {
        "chapter": "00-welcome", "title": TITLE, "questions": [],
        "answers": {quiz.role_question_id(r, "APM"): {"choice": "APM", "status": "correct", "at": 0}
                    for r in answered}}}})
    for seed in range(20):
        store.write_text(record)  # as it was before this draw (a quiz records the rows it shows)
        assert _rows(widgets.role_quiz("responsibilities", per_topic=1, seed=seed)) == [
            ("responsibilities", left["aspect"])]
        store.write_text(record)
        two = _rows(widgets.role_quiz("responsibilities", per_topic=2, seed=seed))
        assert ("responsibilities", left["aspect"]) in two and len(two) == 2  # then an asked row fills the quiz
    assert progress.asked() >= {quiz.role_question_id(r, "APM") for r in answered}


def test_running_the_chapter_cell_again_asks_every_row_before_repeating_one(store):
    seen = []
    for seed in range(len(_all_rows("responsibilities"))):
        built = widgets.role_quiz("responsibilities", per_topic=1, seed=seed)
        (question,) = built.questions
        built.answer(question.id, question.answer)
        seen += _rows(built)
    assert sorted(seen) == sorted(_all_rows("responsibilities")), seen
    again = widgets.role_quiz("responsibilities", per_topic=1, seed=0)  # all asked: any row again
    assert len(again.questions) == 1


def test_a_kernel_that_records_nothing_reads_no_earlier_answers(store, monkeypatch):
    store.write_text(json.dumps({"version": 1, "checks": {}, "quizzes": {"x": {
        "chapter": "other", "title": TITLE, "questions": ["responsibilities:Scope ownership:APM"], "answers": {}}}}))
    assert progress.asked() == {"responsibilities:Scope ownership:APM"}
    monkeypatch.delenv("PMKIT_PROGRESS")
    assert progress.asked() == set()
