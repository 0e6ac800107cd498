"""Credit per item: a check that returns a score, the trusted runner that carries it, nbgrader that reads it.

nbgrader gives a test cell partial credit when the cell ends in a number (its ``text/plain``) and has
no error. These tests follow one partly right answer from :func:`pmkit.exercises.checks.score_labels` through
the trusted runner to the graded cell, and score that cell with nbgrader's own ``determine_grade``.
"""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell
from nbgrader.utils import determine_grade

from pmkit.exercises import checks
from pmkit.grading.engine import _test_outputs, graded_cell_outcome
from pmkit.grading.trusted import TrustedRunner

KEY = {1: "A", 2: "J", 3: "A", 4: "J"}


def test_all_right_prints_a_tick_and_leaves_full_credit(capsys):
    assert checks.score_labels("answers", {1: "a", 2: "J", 3: "A", 4: "j"}, KEY, points=2) is None
    assert capsys.readouterr().out == "\u2714 answers: all 4 labels are right.\n"


def test_each_wrong_unanswered_or_unknown_label_costs_its_share():
    partial = checks.score_labels("answers", {1: "J", 2: "?", 3: "X", 4: "J"}, KEY, points=2,
                                  allowed=["A", "J"], what="task", hint="what gets built?")
    assert isinstance(partial, checks.Partial) and partial.points == 0.5 and repr(partial) == "0.5"
    assert partial.message == ("\u2718 answers: incorrect for 3 of 4 (1 labelled wrongly: 1; 1 still unanswered: 2; "
                               "not A or J: 3='X'). Partial credit: 0.5 of 2 points, 0.5 per task.\n"
                               "Hint: what gets built?")
    bundle = partial._repr_mimebundle_()
    assert bundle["text/plain"] == "0.5" and bundle[checks.MESSAGE_MIME] == partial.message


def test_a_common_wrong_label_is_explained_where_it_is_named():
    partial = checks.score_labels("worst_by_segment", {"a": "x", "b": "y", "c": "y"}, {"a": "x", "b": "x", "c": "x"},
                                  points=3, what="segment", why={"b": {"y": "loses the most users, not the largest "
                                                                            "share"}})
    assert partial.points == 1 and partial.status == "partial"
    assert "2 labelled wrongly: b, c; b: 'y' loses the most users, not the largest share" in partial.message


def test_none_right_is_incorrect_and_none_answered_is_not_attempted():
    with pytest.raises(checks.Incorrect, match=r"4 labelled wrongly: 1, 2, 3, 4 \(0 of 2 points\)"):
        checks.score_labels("answers", {1: "J", 2: "A", 3: "J", 4: "A"}, KEY, points=2)
    with pytest.raises(checks.NotAttempted):
        checks.score_labels("answers", {1: "?", 2: "?", 3: "?", 4: "?"}, KEY, points=2)
    with pytest.raises(checks.Incorrect, match="expected a Mapping"):
        checks.score_labels("answers", ["A", "J", "A", "J"], KEY, points=2)


def test_a_learner_label_is_html_escaped_where_it_is_shown():
    partial = checks.score_labels("answers", {1: "<script>x</script>", 2: "J", 3: "A", 4: "J"}, KEY, points=2,
                                  allowed=["A", "J"])
    html = partial._repr_mimebundle_()["text/html"]
    assert "<script>" not in html and "&lt;script&gt;" in html


def _graded(outcome, points=2):
    cell = new_code_cell("", metadata={"nbgrader": {"grade": True, "solution": False, "points": points,
                                                    "grade_id": outcome["grade_id"], "schema_version": 3}})
    cell.outputs = _test_outputs(outcome, points)
    return cell


def test_an_empty_key_is_a_mistake_in_the_test_not_a_learner_problem():
    with pytest.raises(ValueError, match="needs at least one item"):
        checks.score_labels("answers", {1: "A"}, {}, points=2)


def test_every_per_item_check_is_worth_its_cells_points():
    import re

    import nbformat

    from tests.conftest import REPO

    found = 0
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for call in re.findall(r"score_labels\((?:[^()]|\([^()]*\))*\)", cell.source):
                found += 1
                points = float(re.search(r"points=([\d.]+)", call).group(1))
                assert points == cell.metadata["nbgrader"]["points"], (path.name, cell.id, call)
    assert found >= 6  # role-sort's five hidden checks and onboarding-funnel's segments


def test_scores_outside_the_cells_points_are_kept_within_them():
    def outcome(score):
        return {"grade_id": "g", "status": "partial", "printed": "", "message": "\u2718 m", "score": score}

    assert determine_grade(_graded(outcome(5.0))) == (2.0, 2.0)
    assert determine_grade(_graded(outcome(-1.0))) == (0.0, 2.0)
    nan = _graded(outcome(float("nan")))
    assert determine_grade(nan) == (0, 2.0) and "not a number" in graded_cell_outcome(nan)[1]


@pytest.fixture(scope="module")
def runner():
    source = ('# answers: answers\n'
              'checks.score_labels("answers", answers, KEY, points=2, allowed=["A", "J"], what="task")\n')
    # a visible check that finds more wrong than the hidden one after it: the lower credit counts
    twice = ('# answers: answers\n'
             'checks.score_labels("answers", answers, {1: "J", 2: "J", 3: "A", 4: "J"}, points=2)\n'
             'checks.score_labels("answers", answers, KEY, points=2)\n')
    tests = [{"grade_id": "per-task", "source": source, "names": ["answers"]},
             {"grade_id": "bare-number", "source": "# answers: share\nround(share * 4) / 2\n", "names": ["share"]},
             {"grade_id": "twice", "source": twice, "names": ["answers"]}]
    started = TrustedRunner(["from pmkit import checks\nKEY = {1: 'A', 2: 'J', 3: 'A', 4: 'J'}"], tests)
    yield started
    started.close()


def _answers(labels, share):
    """The tagged JSON an export step sends (see :mod:`pmkit.grading.answers`)."""
    labelled = {"answers": {"dict": [[k, v] for k, v in labels.items()]}}
    return {"per-task": labelled, "bare-number": {"share": share}, "twice": labelled}


def test_the_trusted_runner_carries_partial_credit_to_nbgrader(runner):
    results = {r["grade_id"]: r for r in runner.run(_answers({1: "A", 2: "J", 3: "J", 4: "J"}, 0.25))}
    per_task = results["per-task"]
    assert per_task["status"] == "partial" and per_task["score"] == 1.5, per_task
    cell = _graded(per_task)
    assert determine_grade(cell) == (1.5, 2.0)  # nbgrader's own reading of the graded cell
    status, message = graded_cell_outcome(cell)
    assert status == checks.PARTIAL == "partial"  # a status of its own, distinct from incorrect
    assert message.startswith("\u2718 answers: incorrect for 1 of 4 (1 labelled wrongly: 3)")
    # a number a hidden test happens to end with is not partial credit: only a check's Partial is
    assert results["bare-number"]["status"] == "correct" and "score" not in results["bare-number"]
    assert results["twice"]["status"] == "partial" and results["twice"]["score"] == 1.0


def test_all_right_and_all_wrong_score_full_and_zero_through_the_runner(runner):
    results = {r["grade_id"]: r for r in runner.run(_answers(KEY, 1.0))}
    assert results["per-task"]["status"] == "correct" and "score" not in results["per-task"]
    assert determine_grade(_graded(results["per-task"])) == (2.0, 2.0)
    assert graded_cell_outcome(_graded(results["per-task"]))[0] == "correct"
    wrong = {r["grade_id"]: r for r in runner.run(_answers({1: "J", 2: "A", 3: "J", 4: "A"}, 0.0))}
    assert wrong["per-task"]["status"] == "incorrect"
    assert determine_grade(_graded(wrong["per-task"])) == (0, 2.0)


def test_a_key_may_accept_two_labels_and_each_wrong_label_gets_its_reason():
    key = {1: "A", 2: ["A", "J"], 3: "J", 4: "J"}
    reasons = {1: "choosing the beta's metrics decides how success is judged.", 3: "it moves agreed work."}
    for either in ("A", "J"):
        assert checks.score_labels("answers", {1: "A", 2: either, 3: "J", 4: "J"}, key, points=2) is None
    partial = checks.score_labels("answers", {1: "J", 2: "J", 3: "J", 4: "J"}, key, points=2, what="task",
                                  reasons=reasons)
    assert partial.points == 1.5
    assert "\n  - task 1: choosing the beta's metrics decides how success is judged." in partial.message
    assert "task 3:" not in partial.message  # only wrong tasks are explained
    assert checks.score_labels("answers", {1: "J", 2: "A", 3: "J", 4: "J"}, key, points=2).points == 1.5
    with pytest.raises(checks.Incorrect, match=r"task 1: choosing"):
        checks.score_labels("answers", {1: "J", 2: "X", 3: "A", 4: "A"}, key, points=2, allowed=["A", "J"],
                            what="task", reasons=reasons)
