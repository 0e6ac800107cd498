"""pmkit.exercises.checks: three outcomes and messages that say what is wrong, where, with a hint."""

from __future__ import annotations

import pandas as pd
import pytest

from pmkit import textio
from pmkit.exercises import checks


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
    # the checks that hold no key, which visible tests end with
    assert checks.check_fraction("a", 0.5) is None and checks.check_percent("a", -12.5, of="x") is None
    assert checks.check_labelled("a", {1: "A"}, [1], allowed=["A"]) is None
    assert checks.check_funnel_shape("a", {"s": 2, "t": 1}, ["s", "t"]) is None
    assert checks.check_not_most_lost("a", "t", None, ["s", "t"]) is None
    assert checks.check_close("a", 1, 1, tolerance=0) is None and checks.check_items_close("a", {1: 1}, {1: 1},
                                                                                            tolerance=0) is None
    assert checks.check_rice_rows("a", {"ticket": ["A"], "rice": [1.0]}, {"ticket": ["A"], "confidence": [1.0]}) is None
    assert checks.check_plan_rules("a", ["A"], None, {"A": 1}, 1) is None


def test_check_members_names_the_items_missing_extra_or_out_of_place():
    checks.check_members("plan", ["b", "a"], ["a", "b"])
    with pytest.raises(checks.Incorrect, match="missing: b; should not be there: c"):
        checks.check_members("plan", ["a", "c"], ["a", "b"])
    with pytest.raises(checks.Incorrect, match=r"order differs from position 2 on: c \(effort 3\) is there, where b "):
        checks.check_members("plan", ["a", "c", "b"], ["a", "b", "c"], ordered=True, about={"c": "effort 3"})
    with pytest.raises(checks.Incorrect, match="more than once: a"):
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
    with pytest.raises(Exception, match="no such text file"):
        textio.read_text(tmp_path / "nope.txt")


class _Liar(str):
    """A learner's string that claims to equal anything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__


def test_plain_copies_subclasses_and_tables_into_plain_data():
    assert type(checks.plain(_Liar("x"))) is str
    assert checks.plain(pd.Series([3, 1], index=["b", "a"])) == {"b": 3, "a": 1}
    frame = pd.DataFrame({"id": ["T-1", "T-2"], "n": [1.5, float("nan")]})
    assert checks.plain(frame) == {"id": ["T-1", "T-2"], "n": [1.5, None]}
    assert checks.plain({1: ("A", [True, None])}) == {1: ("A", [True, None])}
    with pytest.raises(TypeError, match="object"):
        checks.plain(object())


def test_a_liar_answer_is_incorrect_not_equal_to_everything():
    with pytest.raises(checks.Incorrect):
        checks.check_equal("worst_step", _Liar("nope"), "invite_teammate")
    with pytest.raises(checks.Incorrect):
        checks.check_labels("answers", {1: _Liar("J")}, {1: "A"})
    with pytest.raises(checks.Incorrect, match="expected plain data"):
        checks.check_equal("x", object(), "x")


def test_checks_keep_the_builtins_of_import_time():
    import subprocess
    import sys

    code = ("import builtins\nfrom pmkit import checks\n"
            "builtins.sorted = lambda *a, **k: ['a', 'b']\nbuiltins.len = lambda x: 2\n"
            "builtins.set = lambda *a: {'a', 'b'}\n"
            "try:\n    checks.check_members('plan', ['a', 'c'], ['a', 'b'])\n"
            "except checks.Incorrect as e:\n    print('INCORRECT', e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "INCORRECT" in done.stdout and "missing: b" in done.stdout, done.stdout + done.stderr


def test_answers_line_names_the_learner_variables():
    assert checks.answers_of("# answers: funnel, worst_step\nchecks.x()") == ["funnel", "worst_step"]
    assert checks.answers_of("checks.x()") == []


def test_solution_only_after_an_attempt_and_only_with_solutions(capsys, monkeypatch, tmp_path):
    question = checks.Question("beta-metrics", 1, ["adoption_rate"], "divide by beta users", ["answer-adoption"])
    checks.ATTEMPTED.discard("adoption_rate")
    question.hint()
    assert "divide by beta users" in capsys.readouterr().out
    question.solution()
    assert "Try question 1 first" in capsys.readouterr().out
    with pytest.raises(checks.Incorrect):
        checks.check_number("adoption_rate", 0.1, 0.9)
    question.solution()
    shown = capsys.readouterr().out
    assert "Model solution for question 1" in shown and "adoption_rate =" in shown
    from pmkit import paths

    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    question.solution()
    assert "shared by your instructor after the deadline" in capsys.readouterr().out


def test_a_role_sort_question_opens_its_own_four_labels_after_its_own_attempt(capsys):
    from pmkit.exercises import catalog as exercises

    checks.ATTEMPTED.clear()
    first, second = exercises.questions("role-sort")[:2]
    key = {1: "J", 2: "A", 3: "J", 4: "A"}
    assert checks.score_labels("answers (tasks 1-4)", {1: "A", 2: "A", 3: "J", 4: "A"}, key, points=2) is not None
    second.solution()
    assert "Try question 2 first" in capsys.readouterr().out  # group one tried, group two not yet
    first.solution()
    shown = capsys.readouterr().out
    labelled = [line.split(":")[0].strip() for line in shown.splitlines() if ":" in line and "#" in line]
    assert labelled == ["1", "2", "3", "4"], shown
    assert not any(ch.isdigit() for ch in first._hint)  # the hint teaches the rule; it names no task


EXPORT = {"apart": ["the date-range filter", "the approver filter"], "alone": ["the export"]}


def _stories(role, *actions):
    return [f"As {role}, I want to {action}, so that the team can ship it." for action in actions]


def test_a_story_is_read_by_what_its_want_part_asks_for():
    story = "As an approver, I want to filter the export by date range, so that I send one period."
    assert checks.want_part(story) == ("filter the export by date range",
                                       "filter the export by date range, so that I send one period.")
    assert checks.want_part("As a seeker, I'd like to be able to save my search so I can rerun it")[0] == \
        "save my search"
    assert checks.want_part("As an admin, I can export the log.")[0] == "export the log"


def test_coverage_matches_the_action_not_the_role_or_a_shared_word(capsys):
    from pmkit.exercises.catalog import STORY_TOPICS

    topics = STORY_TOPICS["prd-vs-stories"]

    def coverage(*stories):
        checks.check_coverage("export_stories", list(stories), topics, **EXPORT)

    coverage(*_stories("an admin", "export the approval audit log as a CSV file"),
             *_stories("an approver", "filter the export by date range"),
             *_stories("an admin", "filter the audit log export by approver"))
    assert "\u2714 export_stories: covers the export" in capsys.readouterr().out
    coverage(*_stories("an admin", "download the approval log as a CSV file", "choose the start and end dates of "
                       "the export", "limit the export to the decisions of a single approver"))
    coverage(*_stories("an admin", "export the audit log", "export only the last 30 days",
                       "only export one approver's decisions"))
    # "all approvers' decisions" is the whole export, not a filter: the export still has its own story
    coverage(*_stories("an admin", "export all approvers' decisions as CSV", "filter the export by date range",
                       "filter the export by approver"))
    with pytest.raises(checks.Incorrect, match=r"no story asks for the date-range filter or the approver filter\..*"
                                               "3. \u201cinvite an approver\u201d"):
        coverage(*_stories("an admin", "export the audit log as CSV", "update my profile photo", "invite an approver"))
    with pytest.raises(checks.Incorrect, match="story 2 asks to \u201cfilter the export by date range and by "
                                               "approver\u201d: that is the date-range filter and the approver filter"):
        coverage(*_stories("an admin", "export the log", "filter the export by date range and by approver", "rest"))
    with pytest.raises(checks.Incorrect, match="no story asks for the export on its own: stories 1 and 2 also ask"):
        coverage(*_stories("an admin", "filter the export by date range", "filter the export by approver", "rest"))


def test_coverage_of_the_saved_search_brief():
    from pmkit.exercises.catalog import STORY_TOPICS

    topics = STORY_TOPICS["user-stories"]
    off_brief = [*_stories("a job seeker", "share a saved search", "sort results by date", "stop showing expired jobs"),
                 *_stories("a recruiter", "edit an ad"), *_stories("a job seeker", "change my username")]
    with pytest.raises(checks.Incorrect, match="no story asks for saving a search, naming a saved search, the email "
                                               "alert, turning the emails off or the recruiters' count") as err:
        checks.check_coverage("stories", off_brief, topics)
    assert "1. \u201cshare a saved search\u201d" in str(err.value)
    paraphrases = [*_stories("a job seeker", "bookmark a job search", "give each saved search a name",
                             "be emailed when new jobs match my saved search",
                             "unsubscribe from the alerts of a saved search"),
                   *_stories("a recruiter", "know the number of job seekers who saved a search matching my ad")]
    checks.check_coverage("stories", paraphrases, topics)
    for alert in ("an email when new jobs match my saved search", "email alerts for new matches",
                  "get notified about new matches", "a weekly digest of new jobs for my saved search"):
        checks.check_coverage("stories", paraphrases[:2] + _stories("a job seeker", alert) + paraphrases[3:], topics)
    seekers_count = _stories("a job seeker", "see how many jobs match my saved search")
    with pytest.raises(checks.Incorrect, match="no story asks for the recruiters' count"):
        checks.check_coverage("stories", paraphrases[:4] + seekers_count, topics)


def test_criteria_must_be_about_their_story():
    stories = _stories("a job seeker", "save my current search", "turn off the emails for a saved search")
    good = {1: ["Given I have searched for jobs, when I click Save search, then the search appears in My searches."],
            2: "Given alerts are on for a saved search, when I switch them off, then I receive no more emails."}
    checks.check_criteria("criteria", good, stories)
    cat = {n: ["Given a cat, when it meows, then I feed it."] for n in (1, 2)}
    with pytest.raises(checks.Incorrect, match=r"2 criteria are not about the story they are keyed to:\n  - story 1: "
                                               "'Given a cat.*which asks to \u201csave my current search\u201d") as err:
        checks.check_criteria("criteria", cat, stories)
    assert "\nHint: a story's criteria test that story" in str(err.value)
    checks.check_criteria("criteria", cat, 2)  # without the stories, only the form is checked
    # a two-letter word ("ad") and one word family (notify, notified, notification) still tie a criterion to its story
    checks.check_criteria("criteria", {1: ["Given my ad, when I open its statistics, then I see a number."],
                                       2: ["Given a saved search, when a job matches, then a notification arrives."]},
                          _stories("a recruiter", "know how many seekers saved a search matching my ad")
                          + _stories("a job seeker", "get notified about new jobs"))
    assert checks.content_words("Given the user saves searches, when I see it") == {"sav", "search"}


def test_metric_baselines_must_be_the_scenarios():
    metrics = ("## Success metrics\n- Median time to approve: from {} to 15 s within 30 days of launch\n"
               "- Share of approvals re-checked by finance: from {} to 10% by end of Q3\n")
    scenario = {"the median time to approve": "40 s", "the share of approvals re-checked": "30%"}
    for time, share in (("40 s", "30%"), ("40 seconds", "30 %"), ("about 40s", "30 per cent")):
        checks.check_metric_baselines("prd_text", metrics.format(time, share), baselines=scenario)
    with pytest.raises(checks.Incorrect, match=r"no metric starts from the scenario's baseline for the median time "
                                               r"to approve \(from 40 s\); your metrics say: "
                                               "\u201cMedian time to approve: from 90 s") as err:
        checks.check_metric_baselines("prd_text", metrics.format("90 s", "30%"), baselines=scenario)
    assert "Hint: a baseline is where the metric stands today" in str(err.value)
    with pytest.raises(checks.Incorrect, match=r"\(from 40 s\) or the share of approvals re-checked \(from 30%\)"):
        checks.check_metric_baselines("prd_text", metrics.format("140 s", "3%"), baselines=scenario)
    checks.check_metric_baselines("prd_text", metrics.format("90 s", "50%"))  # no scenario: only the form
    # the start's unit later in the span, or the scenario's own "about a third (30%)", is the same baseline
    written = ("## Success metrics\n- Median time to approve: from 40 to 15 seconds within 30 days of launch\n"
               "- Re-checked by finance: from about a third (30%) to 10% by end of Q3\n")
    checks.check_metric_baselines("prd_text", written, baselines=scenario)
    assert checks._starts_from("from Q1 to Q3, 40%") == []
    assert checks._starts_from("from 40.5 s to 15 s") == [(40.5, "s")]


def test_story_checks_keep_the_builtins_of_import_time():
    import subprocess
    import sys

    code = ("import builtins\nfrom pmkit import checks, exercises, stories\n"
            "builtins.any = lambda *a: True\nbuiltins.len = lambda x: 3\nbuiltins.set = lambda *a: {'sav'}\n"
            "stories = [f'As an admin, I want to {a}, so that it ships.' for a in ('export the log', 'name a file', "
            "'invite an approver')]\n"
            "for call in (lambda: checks.check_coverage('s', stories, exercises.STORY_TOPICS['prd-vs-stories']),\n"
            "             lambda: checks.check_criteria('c', {1: ['Given a cat, when it meows, then I feed it.']}, "
            "stories[:1])):\n"
            "    try:\n        call()\n    except checks.Incorrect as e:\n        print('INCORRECT', e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.count("INCORRECT") == 2, done.stdout + done.stderr


def test_a_rate_given_in_per_cent_is_told_so_without_any_key():
    with pytest.raises(checks.Incorrect, match=r"got 97, more than 1, but an adoption rate is a fraction between 0 "
                                               r"and 1: if 97 is a per cent, give 0\.97"):
        checks.check_fraction("adoption_rate", 97.0, what="an adoption rate")
    with pytest.raises(checks.Incorrect, match="is a fraction between 0 and 1"):
        checks.check_fraction("adoption_rate", -0.2)
    with pytest.raises(checks.NotAttempted):
        checks.check_fraction("adoption_rate", None)
    assert checks.check_fraction("adoption_rate", 0.97, announce=False) is None


def test_a_change_given_as_a_fraction_is_told_its_scale_not_called_wrong():
    """-0.1716 is a right fraction (-17.16 %): the message says so and asks for per cent, with the number."""
    with pytest.raises(checks.Incorrect) as caught:
        checks.check_percent("ticket_change_pct", -0.1716, of="the control group's tickets per day")
    assert str(caught.value) == (
        "\u2718 ticket_change_pct: got -0.1716: as a fraction of the control group's tickets per day that is a "
        "change of -17.16 %, but the question asks for per cent, so multiply by 100 (-17.16, not -0.1716)")
    assert checks.check_percent("ticket_change_pct", -17.16, of="x", announce=False) is None


def test_check_close_names_the_common_mistake_a_number_comes_from(capsys):
    near = [(17.164, "the sign is wrong"), (-20.7, "you divided by the beta group's average")]
    checks.check_close("change", -17.2, -17.164, tolerance=0.1, near=near)
    assert "\u2714 change: -17.2 is right." in capsys.readouterr().out
    with pytest.raises(checks.Incorrect, match="got 17.16: the sign is wrong"):
        checks.check_close("change", 17.16, -17.164, tolerance=0.1, near=near)
    with pytest.raises(checks.Incorrect, match="got -20.71: you divided by the beta"):
        checks.check_close("change", -20.71, -17.164, tolerance=0.1, near=near)
    with pytest.raises(checks.Incorrect, match=r"not the expected value \(to within 0.1\)"):
        checks.check_close("change", -30, -17.164, tolerance=0.1, near=near)


def test_scores_rounded_to_one_decimal_are_right_and_wrong_ones_are_named():
    expected = {"PM-1": 253.846153, "PM-2": 149.333333, "PM-3": 12.0, "PM-4": 53.75}
    checks.check_items_close("rice", {"PM-1": 253.8, "PM-2": 149.3, "PM-3": 12, "PM-4": round(53.75, 1)}, expected,
                             tolerance=0.05)
    expected.pop("PM-4")
    with pytest.raises(checks.Incorrect, match=r"1 of 3 scores wrong: PM-2 \(you: 298.7\)"):
        checks.check_items_close("rice", {"PM-1": 253.8, "PM-2": 298.7, "PM-3": 12}, expected, tolerance=0.05,
                                 what="scores")
    with pytest.raises(checks.Incorrect, match="1 missing: PM-3"):
        checks.check_items_close("rice", {"PM-1": 253.8, "PM-2": 149.3}, expected, tolerance=0.05)


def test_labels_are_checked_by_form_only_and_partly_answered_is_a_note(capsys):
    checks.check_labelled("answers", {1: "a", 2: "J"}, [1, 2], allowed=["A", "J"], what="task")
    assert "all 2 tasks are labelled A or J; whether each label is right" in capsys.readouterr().out
    checks.check_labelled("answers", {1: "A", 2: "?", 3: "APM"}, [1, 2, 3], allowed=["A", "J"])
    assert "1 still unanswered: 2; not A or J: 3='APM'" in capsys.readouterr().out
    with pytest.raises(checks.NotAttempted):
        checks.check_labelled("answers", {1: "?", 2: "?"}, [1, 2], allowed=["A", "J"])
    with pytest.raises(checks.Incorrect, match="every ticket is labelled 'billing'"):
        checks.check_labelled("area", {1: "billing", 2: "billing", 3: "billing"}, [1, 2, 3],
                              allowed=["billing", "login"], what="ticket", varied=True)


def test_a_funnel_of_events_rises_and_is_told_to_count_users():
    steps = ["signup", "verify", "invite"]
    checks.check_funnel_shape("funnel", {"signup": 10, "verify": 8, "invite": 8.0}, steps)
    with pytest.raises(checks.Incorrect, match="more reach verify \\(12\\) than signup \\(10\\).*count distinct users"):
        checks.check_funnel_shape("funnel", {"signup": 10, "verify": 12, "invite": 3}, steps)
    with pytest.raises(checks.Incorrect, match="expected \\['signup', 'verify', 'invite'\\] in that order"):
        checks.check_funnel_shape("funnel", {"verify": 8, "signup": 10, "invite": 3}, steps)
    funnel = {"signup": 100, "verify": 60, "invite": 20}  # 40 lost (40 %) into verify, 40 lost (67 %) into invite
    with pytest.raises(checks.Incorrect, match="verify is where the most users are lost"):
        checks.check_not_most_lost("worst", "verify", {"signup": 100, "verify": 50, "invite": 20}, steps)
    checks.check_not_most_lost("worst", "invite", funnel, steps)
    checks.check_not_most_lost("worst", "invite", None, steps)  # no usable funnel: no verdict from it


def test_rice_rows_follow_the_rule_on_the_learners_own_rows():
    data = {"ticket": ["A", "B"], "reach": [100, 50], "impact": [1, 2], "confidence": [1.0, None], "effort": [2, 5]}
    right = {**data, "confidence": [1.0, 0.5], "rice": [50.0, 10.0]}
    checks.check_rice_rows("rice", right, data)
    checks.check_rice_rows("rice", {**data, "rice": [50.04, 10.0]}, data)  # confidence left empty counts as 0.5
    with pytest.raises(checks.Incorrect, match="no score for B"):
        checks.check_rice_rows("rice", {**data, "rice": [50.0, None]}, data)
    with pytest.raises(checks.Incorrect, match="B had no confidence estimate, and your table gives 1"):
        checks.check_rice_rows("rice", {**data, "confidence": [1.0, 1.0], "rice": [50.0, 20.0]}, data)
    with pytest.raises(checks.Incorrect, match="not reach × impact × confidence ÷ effort of their own row: B"):
        checks.check_rice_rows("rice", {**data, "rice": [50.0, 20.0]}, data)


def test_a_plan_follows_its_own_scores_and_leaves_nothing_out_that_fits():
    costs = {"A": 3, "B": 2, "C": 1}
    scored = {"ticket": ["A", "B", "C"], "rice": [30.0, 20.0, 10.0]}
    checks.check_plan_rules("plan", ["A", "B"], scored, costs, 5)
    with pytest.raises(checks.Incorrect, match="B \\(score 20\\) comes after C"):
        checks.check_plan_rules("plan", ["C", "B"], scored, costs, 5)
    with pytest.raises(checks.Incorrect, match="2 are left unused and B \\(2\\) still fits"):
        checks.check_plan_rules("plan", ["A"], scored, costs, 5)
    with pytest.raises(checks.Incorrect, match="over the capacity"):
        checks.check_plan_rules("plan", ["A", "B", "C"], scored, costs, 5)
    checks.check_plan_rules("plan", ["A", "B"], None, costs, 5)  # no usable scores: the order is not judged


def test_check_equal_names_the_keys_that_differ_and_the_mistake_a_value_comes_from():
    with pytest.raises(checks.Incorrect, match=r"1 of 3 wrong: b \(you: 5\)$"):
        checks.check_equal("funnel", {"c": 2, "a": 9, "b": 5}, {"a": 9, "b": 6, "c": 2})
    with pytest.raises(checks.Incorrect, match="got .*: you counted rows"):
        checks.check_equal("funnel", {"a": 9, "b": 7}, {"a": 9, "b": 6}, near=[({"a": 9, "b": 7}, "you counted rows")])


def test_baselines_in_every_form_the_course_teaches():
    scenario = {"the median time to approve": "40 s", "the share of approvals re-checked": "30%"}
    forms = [
        "- Median time to approve: 40 s \u2192 15 s by day 60\n- Re-checked: 30% -> 10% by end of Q3",
        "- Median time to approve: 40 s to 15 s within 30 days\n- Re-checked: 30% to 10% by end of Q3",
        "- Median time to approve (baseline 40 s): 15 s within 30 days\n- Re-checked (baseline: 30%): 10% by Q3",
        "| KPI | Baseline | Target | By |\n|---|---|---|---|\n| Time to approve | 40 s | 15 s | day 60 |\n"
        "| Re-checked | 30% | 10% | end of Q3 |",
    ]
    for form in forms:
        checks.check_metric_baselines("prd_text", f"## Success metrics\n{form}\n", baselines=scenario)
    with pytest.raises(checks.Incorrect, match=r"0 of 2 metric\(s\) state where they start \(Time and Re-checked "
                                               r"have none\)"):
        checks.check_metric_baselines("prd_text", "## Success metrics\n- Time: 15 s by day 60\n"
                                                   "- Re-checked: 10% by Q3\n", baselines=scenario)
    assert checks._starts_from("within 30 days to 15 s") == []


def test_day_n_is_a_timeframe_and_what_we_want_to_achieve_is_the_goals():
    from pmkit.review import prd

    assert prd.metrics_in("- Time to approve: 40 s to 15 s by day 60")[0].timeframe == "by day 60"
    for heading in ("What we want to achieve", "What we're trying to achieve"):
        assert prd.sections_of(heading) == ("goals",), heading


def test_priorities_count_requirements_not_words(capsys):
    three = ("## Requirements\n- P0: the preview must load inline and should show PDFs\n"
             "- P1: zoom must reach 200%\n- P2: remember the preview size (low effort)\n")
    checks.check_priorities("prd_text", three, minimum=3)
    assert "3 prioritised requirements (P0:" in capsys.readouterr().out
    grouped = "## Requirements\n### Must have\n- Inline preview\n- Zoom\n### Could have\n- Remember size\n"
    assert [p for _, p in checks.prioritised_requirements(grouped.split("\n", 1)[1])] == ["Must", "Must", "Could"]
    with pytest.raises(checks.Incorrect, match=r"1 prioritised requirement\(s\) found \(P0: "):
        checks.check_priorities("prd_text", "## Requirements\n- P0: preview, zoom and size, which must load\n")


def test_a_count_over_the_data_fails_or_is_a_note_where_credit_is_per_item(capsys):
    with pytest.raises(checks.Incorrect, match="reporting \\(24\\) is more than the 18 customers interviewed"):
        checks.check_at_most("counts", {"reporting": 24, "pricing": 5}, 18, what="customers interviewed")
    checks.check_at_most("counts", {"reporting": 24, "pricing": 5}, 18, what="customers interviewed", strict=False,
                         hint="count distinct customers, not notes")
    assert "\u2718 counts: reporting (24) is more than the 18 customers interviewed in the data: count distinct" \
        in capsys.readouterr().out
