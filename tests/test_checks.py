"""pmkit.checks: three outcomes and messages that say what is wrong, where, with a hint."""

from __future__ import annotations

import pandas as pd
import pytest

from pmkit import checks, textio


def test_outcomes_are_assertion_errors_with_status():
    assert issubclass(checks.Incorrect, AssertionError) and issubclass(checks.NotAttempted, AssertionError)
    assert checks.NotAttempted.status == "not_attempted" and checks.Incorrect.status == "incorrect"


def test_check_equal_three_outcomes(capsys):
    checks.check_equal("x", 3, 3)
    assert capsys.readouterr().out == "\u2714 x: correct.\n"
    with pytest.raises(checks.NotAttempted, match="x is not answered yet"):
        checks.check_equal("x", None, 3)
    with pytest.raises(checks.Incorrect, match="\u2718 x: got 4\nHint: count again"):
        checks.check_equal("x", 4, 3, hint="count again")
    with pytest.raises(checks.Incorrect, match="expected 3"):
        checks.check_equal("x", 4, 3, reveal=True)


def test_check_answered_with_starter_and_frames():
    with pytest.raises(checks.NotAttempted):
        checks.check_answered("stories", [], [])
    checks.check_answered("frame", pd.DataFrame({"a": [1]}), None)
    with pytest.raises(checks.NotAttempted):
        checks.check_answered("text", "   ")


def test_check_number():
    checks.check_number("rate", 0.5004, 0.5, tolerance=0.001)
    with pytest.raises(checks.Incorrect, match="expected a number, got a str"):
        checks.check_number("rate", "0.5", 0.5)
    with pytest.raises(checks.Incorrect, match=r"got 0\.7"):
        checks.check_number("rate", 0.7, 0.5)


def test_check_labels_names_unanswered_unknown_and_wrong_keys():
    expected = {1: "A", 2: "J", 3: "A"}
    with pytest.raises(checks.NotAttempted):
        checks.check_labels("answers", {1: "?", 2: "?", 3: "?"}, expected)
    with pytest.raises(checks.Incorrect, match="1 still unanswered: 2"):
        checks.check_labels("answers", {1: "A", 2: "?", 3: "A"}, expected)
    with pytest.raises(checks.Incorrect, match="use only A, J; these are not: 3='X'"):
        checks.check_labels("answers", {1: "A", 2: "J", 3: "X"}, expected, allowed=["A", "J"])
    with pytest.raises(checks.Incorrect, match="2 of 3 labelled wrongly: 1, 3"):
        checks.check_labels("answers", {1: "J", 2: "j", 3: "J"}, expected)
    checks.check_labels("answers", {1: "a", 2: "j", 3: "A"}, expected)
    with pytest.raises(checks.Incorrect, match="expected a Mapping"):
        checks.check_labels("answers", ["A", "J"], expected)


def test_checks_return_none_so_nbgrader_never_reads_partial_credit():
    assert checks.check_label_format("a", {1: "A"}, [1]) is None
    assert checks.check_labels("a", {1: "A"}, {1: "A"}) is None
    assert checks.check_equal("a", 1, 1) is None


def test_check_members():
    checks.check_members("plan", ["b", "a"], ["a", "b"])
    with pytest.raises(checks.Incorrect, match="1 expected item\\(s\\) missing; 1 item\\(s\\) that should not"):
        checks.check_members("plan", ["a", "c"], ["a", "b"])
    with pytest.raises(checks.Incorrect, match="order differs from position 2"):
        checks.check_members("plan", ["a", "c", "b"], ["a", "b", "c"], ordered=True)
    with pytest.raises(checks.Incorrect, match="appear twice"):
        checks.check_members("plan", ["a", "a"], ["a"])


def test_check_columns():
    with pytest.raises(checks.Incorrect, match="missing column\\(s\\) rice; it has ticket"):
        checks.check_columns("scored", pd.DataFrame({"ticket": [1]}), ["ticket", "rice"])
    with pytest.raises(checks.Incorrect, match="expected a pandas DataFrame, got a list"):
        checks.check_columns("scored", [1], ["ticket"])


def test_check_stories_lists_the_findings():
    with pytest.raises(checks.Incorrect, match="has 1 stories, at least 5"):
        checks.check_stories("stories", ["As a user, I want to log in."])
    bad = ["As a user, I want to log in and out quickly, so that I am safe."] + [
        f"As a user, I want to open page {n}, so that I can read it." for n in range(4)]
    with pytest.raises(checks.Incorrect) as err:
        checks.check_stories("stories", bad)
    assert "Story 1" in str(err.value) and "\u201cand\u201d" in str(err.value) and "quickly" in str(err.value)


def test_check_criteria():
    good = {1: ["Given a search, when I save it, then it is listed."]}
    checks.check_criteria("criteria", good, 1)
    with pytest.raises(checks.Incorrect, match="no criteria yet for story number\\(s\\) 2"):
        checks.check_criteria("criteria", good, 2)
    with pytest.raises(checks.Incorrect, match="not in Given/When/Then form"):
        checks.check_criteria("criteria", {1: ["It works."]}, 1)
    checks.check_criteria("criteria", {1: ["It works."]}, 1, strict=False)


def test_check_accuracy():
    truth = {"a": "x", "b": "y", "c": "x", "d": "x"}
    checks.check_accuracy("f", {"a": "x", "b": "y", "c": "x", "d": "y"}, truth, threshold=0.75)
    with pytest.raises(checks.Incorrect, match="50% right, at least 75% needed; for example c \\(you: y\\)"):
        checks.check_accuracy("f", {"a": "x", "b": "y", "c": "y", "d": "y"}, truth, threshold=0.75)


def test_check_prd():
    with pytest.raises(checks.Incorrect, match="The users section is missing"):
        checks.check_prd("prd_text", "## Problem\nSlow.")


def test_textio_decodes_and_normalises(tmp_path):
    assert textio.decode(b"\xef\xbb\xbfa\r\nb\rc").text == "a\nb\nc"
    assert textio.decode("\xe9".encode("cp1252")).encoding == "cp1252"
    assert textio.decode(b"\x81\x8d\x8f").encoding == "latin-1"
    with pytest.raises(Exception, match="no such file"):
        textio.read_text(tmp_path / "nope.txt")
