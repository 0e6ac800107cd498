"""Answers crossing from the learner's kernel to the trusted tests: what survives the trip as plain data."""

from __future__ import annotations

import json

import pandas as pd

from pmkit.exercises import catalog as exercises
from pmkit.exercises import checks
from pmkit.grading import answers


def _send(**values):
    """Run the export step's own code on ``values`` and parse what it sends, as the grader does."""
    namespace, sent = {}, {}
    exec(answers.export_source("t", list(values)).split("\n_pmkit_export(")[0], namespace)
    import IPython.display

    real = IPython.display.display
    IPython.display.display = lambda data, raw: sent.update(data)
    try:
        namespace["_pmkit_export"](list(values), values, answers.MIME, answers.MAX_PAYLOAD)
    finally:
        IPython.display.display = real
    parsed = answers.parse_payload(sent[answers.MIME], list(values))
    return {name: answers.rebuild(value) for name, value in parsed.items()}


def test_a_course_table_with_missing_values_arrives_whole():
    backlog = exercises.load_data("backlog")  # nullable Float64 confidence with two missing values
    assert backlog["confidence"].isna().sum() == 2
    scored = backlog.assign(rice=backlog["reach"] * backlog["impact"] / backlog["effort"])
    got = _send(scored=scored)["scored"]
    assert isinstance(got, pd.DataFrame) and list(got.columns) == list(scored.columns)
    assert checks.plain(got) == checks.plain(scored)
    assert json.dumps(checks.plain(got)["confidence"]).count("null") == 2


def test_missing_values_in_a_series_and_a_learner_object_still_differ():
    got = _send(s=pd.Series([1.5, pd.NA], dtype="Float64"), o=object())
    assert checks.plain(got["s"]) == {0: 1.5, 1: None}
    assert isinstance(got["o"], answers.Unsupported)
