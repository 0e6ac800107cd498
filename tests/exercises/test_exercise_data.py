"""The exercise data sets assess what the course teaches: in the funnel, share and count disagree, and rows are not users.

Chapter 10 teaches that the step losing the largest share is not always the one losing the most users,
and that a funnel counts distinct users. If the data gave the same answers either way, a learner who
ranked by count or counted rows would score full marks, and the exercise would not assess the lesson.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pmkit.exercises import catalog as exercises

STEPS = list(exercises.FUNNEL_STEPS)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return exercises.load_data("onboarding_events")


def _worst(frame: pd.DataFrame) -> tuple[str, str, str]:
    """The worst step by share of users lost, by number of users lost, and by share of rows lost."""
    users = frame.groupby("step")["user_id"].nunique().reindex(STEPS)
    rows = frame.groupby("step")["user_id"].count().reindex(STEPS)
    return ((1 - users / users.shift(1)).idxmax(), (users.shift(1) - users).idxmax(),
            (1 - rows / rows.shift(1)).idxmax())


def test_share_and_count_name_different_steps_overall_and_in_every_segment(events):
    by_share, by_count, _ = _worst(events)
    assert by_share != by_count, (by_share, by_count)
    worst = {}
    for segment, part in events.groupby("segment"):
        worst[segment], by_count, _ = _worst(part)
        assert worst[segment] != by_count, (segment, worst[segment], by_count)
    assert sorted(worst) == sorted(exercises.FUNNEL_SEGMENTS)
    assert len(set(worst.values())) == 3, worst  # each segment leaks somewhere else: the segment view matters


def test_users_repeat_steps_so_counting_rows_is_not_counting_users(events):
    repeats = events.groupby(["user_id", "step"]).size()
    assert (repeats > 1).mean() > 0.1 and repeats.max() >= 3
    users = events.groupby("step")["user_id"].nunique().reindex(STEPS)
    rows = events.groupby("step")["user_id"].count().reindex(STEPS)
    assert (rows > users).all()
    assert users.is_monotonic_decreasing and not rows.is_monotonic_decreasing  # the visible check's tell
    assert _worst(events)[2] != _worst(events)[0]  # counting rows also moves the worst step


def test_every_user_who_reached_a_step_reached_the_one_before(events):
    reached = events.groupby("user_id")["step"].agg(lambda s: set(s))
    for later, earlier in zip(STEPS[1:], STEPS, strict=False):
        assert all(earlier in steps for steps in reached if later in steps), later
