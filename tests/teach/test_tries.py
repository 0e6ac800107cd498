"""Chapter 10's checked tries: right answers pass, common mistakes are named, blanks are not attempted."""

from __future__ import annotations

import importlib.util

import pytest

from pmkit.teach import pandas_tries as tries
from pmkit.teach import quiz
from tests.conftest import REPO


@pytest.fixture(scope="module")
def data():
    """The learner's view of the data, and the answers a learner would compute from it."""
    requests, steps = tries.requests(), tries.funnel_rows()
    weekly = requests.groupby("week").size()
    funnel = steps.groupby("step")["user_id"].nunique().reindex(tries.STEPS)
    return {"requests": requests, "weekly": weekly, "funnel": funnel}


def _right(data):
    r, weekly, funnel = data["requests"], data["weekly"], data["funnel"]
    return {"team_export": len(r[(r["plan"] == "team") & (r["topic"] == "export")]),
            "customers_per_topic": r.groupby("topic")["customer"].nunique().sort_values(ascending=False),
            "weekly_change": weekly.pct_change() * 100,
            "worst_week": (weekly.pct_change() * 100).idxmin(),
            "worst_step": (1 - funnel / funnel.shift(1)).idxmax()}


def _wrong(data):
    """A plausible, well-formed wrong answer per try, and words its message must contain."""
    r, weekly, funnel = data["requests"], data["weekly"], data["funnel"]
    return {"team_export": (int((r["plan"] == "team").sum()), "keep only the export ones"),
            "customers_per_topic": (r.groupby("topic").size(), "nunique"),
            "weekly_change": (weekly.pct_change(), "multiply by 100"),
            "worst_week": (weekly.idxmin(), "quietest week"),
            "worst_step": (funnel.diff().idxmin(), "as a share")}


@pytest.mark.parametrize("name", list(tries.TRIES))
def test_the_right_answer_is_correct(data, name):
    feedback = tries.check(name, _right(data)[name])
    assert feedback.status == quiz.CORRECT, feedback.message


@pytest.mark.parametrize("name", list(tries.TRIES))
def test_a_common_mistake_is_incorrect_and_named(data, name):
    value, words = _wrong(data)[name]
    feedback = tries.check(name, value)
    assert feedback.status == quiz.INCORRECT
    assert words in feedback.message and name in feedback.message


@pytest.mark.parametrize("name", list(tries.TRIES))
def test_the_starter_is_not_attempted_and_hides_the_solution(name):
    tries._attempted.discard(name)
    assert tries.check(name, ...).status == quiz.NOT_ATTEMPTED
    assert tries.check(name, None).status == quiz.NOT_ATTEMPTED
    assert "first" in tries.solution(name)
    tries.check(name, 12345)
    assert tries.solution(name).startswith("One solution: `")


def test_rounded_answers_and_string_dates_count_as_correct(data):
    weekly = data["weekly"]
    assert tries.check("weekly_change", (weekly.pct_change() * 100).round(1)).status == quiz.CORRECT
    assert tries.check("weekly_change", (weekly.pct_change() * 100).round()).status == quiz.CORRECT  # whole %
    assert tries.check("weekly_change", (weekly.pct_change() * 100).round() + 1).status == quiz.INCORRECT
    assert tries.check("worst_week", "2025-10-06").status == quiz.CORRECT
    assert tries.check("team_export", 20.0).status == quiz.CORRECT


def test_the_testers_answers_are_named(data):
    """Answers a learner-tester gave: each gets its status and a message that names the mistake."""
    weekly, funnel, r = data["weekly"], data["funnel"], data["requests"]
    change = weekly.pct_change() * 100
    drop = tries.check("worst_week", change.min())
    assert drop.status == quiz.INCORRECT and "size of the largest drop, not its week" in drop.message
    assert "np.float64" not in drop.message
    assert "not its week" in tries.check("worst_week", round(change.min(), 1)).message
    step = tries.check("worst_step", (1 - funnel / funnel.shift(1)).max())
    assert step.status == quiz.INCORRECT and "not its step" in step.message and ".idxmax()" in step.message
    rows = tries.check("team_export", r[(r["plan"] == "team") & (r["topic"] == "export")])
    assert "a number is expected" in rows.message and "len(" in rows.message and "Series" not in rows.message
    assert tries.check("weekly_change", change.dropna()).status == quiz.CORRECT  # the first week has no change
    short = tries.check("weekly_change", change.iloc[2:])
    assert short.status == quiz.INCORRECT and "it has no week 2025-09-08" in short.message
    assert "2025-09-01" not in short.message  # the dropped NaN week is not what is missing
    assert "got the number 3.5, where a label" in tries.check("worst_week", 3.5).message


def test_wrong_kinds_say_what_was_received(data):
    assert "got a str" in tries.check("team_export", "twenty").message
    assert "got an int" in tries.check("customers_per_topic", 3).message
    assert "whole DataFrame" in tries.check("customers_per_topic", data["requests"]).message
    assert "got 'start'" in tries.check("worst_step", "start").message


def test_the_lessons_show_in_the_data(data):
    r, weekly, funnel = data["requests"], data["weekly"], data["funnel"]
    assert r.groupby("topic").size().idxmax() != r.groupby("topic")["customer"].nunique().idxmax()
    change = weekly.pct_change()
    assert change.idxmin() != weekly.idxmin()  # the largest drop is not the quietest week
    assert change.index.get_loc(change.idxmin()) == change.index.get_loc(change.idxmax()) + 1  # drop after spike
    assert funnel.diff().idxmin() != (1 - funnel / funnel.shift(1)).idxmax()
    segments = tries.funnel_rows().groupby(["segment", "step"])["user_id"].nunique().unstack()[list(tries.STEPS)]
    worst = (1 - segments / segments.shift(1, axis=1)).idxmax(axis=1).to_dict()
    assert worst == {"agency": "start_trial", "freelancer": "send_invoice"}
    assert tries.table("practice_requests")["request_id"].is_unique


def test_the_generator_reproduces_the_files_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("generate_practice", REPO / "datasets/course/generate_practice.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(tmp_path)
    for name in ("practice_requests.csv", "practice_funnel.csv"):
        assert (tmp_path / name).read_bytes() == (REPO / "datasets/course" / name).read_bytes(), name


def test_chapter_10_prose_figures_match_the_data(data):
    from pmkit import notebooks
    from tests.conftest import COURSE

    cells = notebooks.read(COURSE / "10-pandas-for-product-work.ipynb").cells
    text = " ".join(" ".join(c.source for c in cells if c.cell_type == "markdown").split())
    r, weekly = data["requests"], data["weekly"]
    assert "Billing has the most requests, but export worries the most customers" in text
    assert r.groupby("topic").size().idxmax() == "billing"
    assert r.groupby("topic")["customer"].nunique().idxmax() == "export"
    assert "The largest fall (6 October) comes straight after the largest rise (29 September, +70%)" in text
    change = weekly.pct_change() * 100
    assert str(change.idxmin().date()) == "2025-10-06" and str(change.idxmax().date()) == "2025-09-29"
    assert round(change.max()) == 70
    login = r[r["topic"] == "login"]
    per_customer = login.groupby("customer").size().sort_values(ascending=False)
    assert "although it has more than 50 requests" in text and 50 < len(login) < 60
    assert ("Among login's customers, the mean, about four login requests each, hides that two of them wrote "
            "17 and 16 times") in text
    assert round(per_customer.mean()) == 4 and per_customer.iloc[:2].tolist() == [17, 16]
    assert "the median login customer (the middle one) wrote twice" in text and per_customer.median() == 2
    everyone = r.groupby("customer").size()  # over all customers the figures differ: the prose must say "login"
    assert round(everyone.mean()) != 4 and everyone.median() != 2


def test_an_unknown_try_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="team_export"):
        tries.hint("team-export")
