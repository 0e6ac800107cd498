"""Real nbgrader autograding of every exercise: solutions, blank releases and realistic wrong answers.

Each wrong submission is the released notebook with learner code typed into answer cells; the
expected scores say which questions it should lose, and nothing else.
"""

from __future__ import annotations

import nbformat
import pytest

from pmkit.grading.engine import GradingCourse, exercise_ids
from tests.conftest import REPO

pytestmark = pytest.mark.slow

GOOD_STORIES = '''stories = [
    "As a job seeker, I want to save my current search, so that I can run it again with one click.",
    "As a job seeker, I want to name a saved search, so that I can tell my searches apart.",
    "As a job seeker, I want to get a daily email with new matching jobs, so that I do not miss openings.",
    "As a job seeker, I want to turn off the emails for a saved search, so that I only get alerts I need.",
    "As a recruiter, I want to see how many seekers saved a search matching my ad, so that I can judge demand.",
]'''
GWT = '''criteria = {
    1: ["Given I have searched for jobs, when I click Save search, then the search appears in My searches."],
    2: ["Given a saved search, when I rename it to 'Remote data jobs', then My searches shows that name."],
    3: ["Given a saved search, when a new matching job is posted, then I get one email listing it."],
    4: ["Given alerts are on for a saved search, when I switch them off, then I receive no more emails for it."],
    5: ["Given my ad matches 12 saved searches, when I open the ad's statistics, then I see 12 seekers."],
}'''
#: Five well-formed stories that the brief does not ask for, though they share its words ("saved search",
#: "stop", "recruiter", "name"), and criteria about each of them.
OFF_BRIEF = '''stories = [
    "As a job seeker, I want to share a saved search, so that a friend can use it.",
    "As a job seeker, I want to sort the results by date, so that I see new jobs first.",
    "As a job seeker, I want to stop showing expired jobs, so that I only apply to open roles.",
    "As a recruiter, I want to edit my job ad, so that it lists the current salary.",
    "As a job seeker, I want to change my username, so that my profile shows my real name.",
]'''
OFF_BRIEF_CRITERIA = '''criteria = {
    1: ["Given a saved search, when I share it, then my friend gets a link to it."],
    2: ["Given search results, when I sort them by date, then the newest job is first."],
    3: ["Given an expired job, when I search, then the job is not shown."],
    4: ["Given my job ad, when I edit the salary, then the ad lists the new salary."],
    5: ["Given my profile, when I change my username, then my profile shows the new username."],
}'''
CAT = '''criteria = {n: ["Given a cat, when it meows, then I feed it."] for n in range(1, 6)}'''
#: The reviewer's right split: its date story's role is an approver, which asks for no approver filter.
SPLIT_APPROVER_ROLE = (
    "export_stories = [\n"
    "    'As an admin, I want to export the approval audit log as a CSV file, so that I can share it with auditors.',\n"
    "    'As an approver, I want to filter the export by date range, so that I only send the period under review.',\n"
    "    'As an admin, I want to filter the audit log export by approver, so that I can review one approver.',\n]")
#: The reviewer's wrong split: one export story, then two that name the topics' words but ask for neither filter.
OFF_TOPIC_SPLIT = (
    "export_stories = [\n"
    "    'As an admin, I want to export the audit log as a CSV file, so that auditors get it.',\n"
    "    'As an admin, I want to update my profile photo, so that approvers recognise me.',\n"
    "    'As an admin, I want to invite an approver, so that expenses get approved.',\n]")
#: A right split but for one vague word in what a story asks for, which the visible check reviews as strictly
#: as the hidden one (a vague word in a benefit is the user's own words and is not checked).
VAGUE_SPLIT = (
    "export_stories = [\n"
    "    'As an admin, I want to export the audit log as CSV, so that auditors get it.',\n"
    "    'As an admin, I want to quickly filter the export by date range, so that I send one period.',\n"
    "    'As an admin, I want to filter the export by approver, so that I review one approver.',\n]")
FULL_PRD = '''
## Problem
Approvers open receipts in another tab.
## Users
Team leads.
## Goals
Faster approvals.
## Success metrics
- Time to approve: from 40 s to 15 s within 30 days of launch
- Re-check rate: from 30% to 10% by end of Q3
## MVP scope
Inline preview.
## Non-goals
OCR.
## Requirements
1. P0: preview
2. P1: zoom
3. P2: remember size
## Risks
Large PDFs.
## Launch and monitoring
Beta to 10%.
'''

WRONG = {
    "role-sort": [
        # half a point per task: one wrong task in a group of four costs half a point, not the group's two
        ({"answer-sort": "answers = dict(zip(range(1, 21), 'JAJAAJJAAJJAJJAJAJAJ'))\nanswers[2] = 'J'\nanswers[10] = 'A'"},
         {"test-tasks-1-4": 1.5, "test-tasks-5-8": 2, "test-tasks-9-12": 1.5, "test-tasks-13-16": 2,
          "test-tasks-17-20": 2}),
        # lower case is fine; a task left '?' or labelled 'X' earns nothing; a group all wrong earns 0
        ({"answer-sort": "answers = dict(zip(range(1, 21), 'jajaajjaajjajjajajaj'))\nanswers[14] = '?'\n"
                         "answers[5] = 'X'\nanswers.update({17: 'j', 18: 'a', 19: 'j', 20: 'a'})"},
         {"test-tasks-1-4": 2, "test-tasks-5-8": 1.5, "test-tasks-9-12": 2, "test-tasks-13-16": 1.5,
          "test-tasks-17-20": 0}),
    ],
    "user-stories": [
        ({"answer-stories": GOOD_STORIES.replace("save my current search", "save and name my search quickly"),
          "answer-criteria": GWT}, {"test-stories": 0, "test-criteria": 3}),
        ({"answer-stories": GOOD_STORIES,
          "answer-criteria": "criteria = {n: ['It works on mobile.'] for n in range(1, 6)}"},
         {"test-stories": 4, "test-criteria": 0}),
        # well formed and each with its own criteria, but none of the five does what the brief asks
        ({"answer-stories": OFF_BRIEF, "answer-criteria": OFF_BRIEF_CRITERIA},
         {"test-stories": 0, "test-criteria": 3}),
        # the brief's stories, with criteria in Given/When/Then form that are about none of them
        ({"answer-stories": GOOD_STORIES, "answer-criteria": CAT}, {"test-stories": 4, "test-criteria": 0}),
    ],
    "prd": [
        ({"answer-prd": FULL_PRD.replace("## Non-goals\nOCR.\n", "").replace("## Risks\nLarge PDFs.\n", "")},
         {"test-structure": 0, "test-metrics": 3}),
        ({"answer-prd": FULL_PRD.replace(" within 30 days of launch", "").replace(" by end of Q3", "")},
         {"test-structure": 4, "test-metrics": 0}),
        # baselines, targets and timeframes in the right form, but the baselines are invented, not the scenario's
        ({"answer-prd": FULL_PRD.replace("from 40 s to 15 s within 30 days of launch", "from 90 s to 85 s within 2 years")
          .replace("from 30% to 10%", "from 50% to 10%")},
         {"test-structure": 4, "test-metrics": 0}),
    ],
    "prd-vs-stories": [
        # half a point per snippet: guessing by alternating places 7 of 12 right
        ({"answer-sort": "placement = {n: 'P' if n % 2 else 'B' for n in range(1, 13)}  # guessing by alternating",
          "answer-translate": SPLIT_APPROVER_ROLE},
         {"test-sort": 3.5, "test-translate": 3}),
        ({"answer-sort": "placement = {1: 'P', 2: 'P', 3: 'B', 4: 'B', 5: 'P', 6: 'B', 7: 'B', 8: 'P', 9: 'P', 10: 'B', 11: 'P', 12: 'P'}",
          "answer-translate": "export_stories = [\n"
                              "    'As an admin, I want to export the audit log as CSV, so that auditors get it.',\n"
                              "    'As an admin, I want to filter the export by date range, so that I send one period.',\n"
                              "    'As an admin, I want to name the exported file, so that I can find it again.',\n]"},
         {"test-sort": 6, "test-translate": 0}),
        # snippet 5, the feature-level story, put in the backlog (11 of 12 right); two stories that name no filter
        ({"answer-sort": "placement = {1: 'P', 2: 'P', 3: 'B', 4: 'B', 5: 'B', 6: 'B', 7: 'B', 8: 'P', 9: 'P', 10: 'B', 11: 'P', 12: 'P'}",
          "answer-translate": OFF_TOPIC_SPLIT},
         {"test-sort": 5.5, "test-translate": 0}),
        ({"answer-sort": "placement = {n: 'B' if n % 2 else 'P' for n in range(1, 13)}  # the other alternation",
          "answer-translate": VAGUE_SPLIT},
         {"test-sort": 2.5, "test-translate": 0}),
    ],
    "onboarding-funnel": [
        ({"answer-funnel": "funnel = events.dropna(subset=['reached_at']).groupby('step')['user_id'].count().reindex(STEPS)",
          "answer-worst": "worst_step = 'invite_teammate'",
          "answer-segments": "worst_by_segment = {'education': 'verify_email', 'sales-led': 'invite_teammate',\n"
                             "                    'self-serve': 'invite_teammate'}"},
         {"test-funnel": 0, "test-worst": 2, "test-segments": 1}),
        ({"answer-funnel": "funnel = events.groupby('step')['user_id'].nunique().reindex(STEPS)",
          "answer-worst": "worst_step = (1 - funnel / funnel.shift(1)).idxmax()",
          "answer-segments": "worst_by_segment = {s: worst_step for s in events['segment'].unique()}"},
         {"test-funnel": 3, "test-worst": 2, "test-segments": 1}),
        # chapter 10's mistake: ranking by users lost instead of by share, overall and in each segment
        ({"answer-funnel": "funnel = events.groupby('step')['user_id'].nunique().reindex(STEPS)",
          "answer-worst": "worst_step = (funnel.shift(1) - funnel).idxmax()",
          "answer-segments": "t = events.groupby(['segment', 'step'])['user_id'].nunique().unstack()[STEPS]\n"
                             "worst_by_segment = (t.shift(1, axis=1) - t).idxmax(axis=1).to_dict()"},
         {"test-funnel": 3, "test-worst": 0, "test-segments": 0}),
        # counting rows (events) instead of distinct users: repeats make the funnel rise
        ({"answer-funnel": "funnel = events.groupby('step')['user_id'].count().reindex(STEPS)",
          "answer-worst": "worst_step = (1 - funnel / funnel.shift(1)).idxmax()",
          "answer-segments": "t = events.groupby(['segment', 'step'])['user_id'].nunique().unstack()[STEPS]\n"
                             "worst_by_segment = (1 - t / t.shift(1, axis=1)).idxmax(axis=1).to_dict()\n"
                             "worst_by_segment['education'] = 'verify_email'"},
         {"test-funnel": 0, "test-worst": 0, "test-segments": 2}),
    ],
    "backlog-capacity": [
        ({"answer-rice": "scored = backlog.assign(rice=backlog['reach'] * backlog['impact'] * backlog['confidence']"
                         " / backlog['effort'])",
          "answer-plan": "plan = ['PM-101']"},
         {"test-rice": 0, "test-plan": 0}),
        ({"answer-rice": "scored = backlog.assign(confidence=backlog['confidence'].fillna(0.5))\n"
                         "scored['rice'] = scored['reach'] * scored['impact'] * scored['confidence'] / scored['effort']",
          "answer-plan": "plan = []\nleft = CAPACITY\nfor row in scored.sort_values('rice', ascending=False).itertuples():\n"
                         "    if row.effort > left:\n        break\n    plan.append(row.ticket)\n    left -= row.effort"},
         {"test-rice": 3, "test-plan": 0}),
    ],
    "beta-metrics": [
        ({"answer-adoption": "adoption_rate = events.loc[events['event'] == 'feature_used', 'user_id'].nunique()"
                             " / events['user_id'].nunique()",
          "answer-errors": "c = events['event'].value_counts()\nerror_rate = c['error'] / c['feature_used']",
          "answer-tickets": "m = tickets.groupby('cohort')['tickets'].mean()\n"
                            "ticket_change_pct = (m['beta'] - m['control']) / m['control'] * 100"},
         {"test-adoption": 0, "test-errors": 2, "test-tickets": 3}),
        ({"answer-adoption": "b = events[events['cohort'] == 'beta']\n"
                             "adoption_rate = b.loc[b['event'] == 'feature_used', 'user_id'].nunique() / b['user_id'].nunique()",
          "answer-errors": "error_rate = 0.5",
          "answer-tickets": "m = tickets.groupby('cohort')['tickets'].sum()\n"
                            "ticket_change_pct = (m['beta'] - m['control']) / m['beta'] * 100"},
         {"test-adoption": 2, "test-errors": 0, "test-tickets": 0}),
    ],
}


def _load(path):
    return nbformat.read(path, as_version=4)


def _solution_cell(exercise, cell_id):
    source = next(c.source for c in _load(REPO / "solutions" / exercise / f"{exercise}.ipynb").cells if c.id == cell_id)
    return source.replace("### BEGIN SOLUTION\n", "").replace("### END SOLUTION\n", "").replace("### END SOLUTION", "")


WRONG["ticket-triage"] = [
    ({"answer-incidents": lambda: _solution_cell("ticket-triage", "answer-incidents").replace(
        'def severity_of(text, users):\n    text = text.lower()', 'def severity_of(text, users):\n    return "P2"'),
      "answer-rules": lambda: _solution_cell("ticket-triage", "answer-rules"),
      "answer-queue": "queue = incidents.sort_values(['severity', 'first_reported'])['text'].tolist()"},
     {"test-area": 3, "test-severity": 0, "test-queue": 2}),
    ({"answer-rules": lambda: _solution_cell("ticket-triage", "answer-rules").replace('"data-export": ["export"], ', ""),
      "answer-incidents": lambda: _solution_cell("ticket-triage", "answer-incidents"),
      "answer-queue": "queue = incidents.sort_values('first_reported')['text'].tolist()"},
     {"test-area": 0, "test-severity": 3, "test-queue": 0}),
]
WRONG["interview-synthesis"] = [
    ({"answer-themes": lambda: _solution_cell("interview-synthesis", "answer-themes"),
      "answer-counts": "customers_per_theme = coded['theme'].value_counts()",
      "answer-top": "top_three = list(coded.groupby('theme')['customer'].nunique().sort_values(ascending=False).index[:3])"},
     # counting notes is right only where each customer raised a theme once (integrations, pricing)
     {"test-themes": 3, "test-counts": 1, "test-top": 1.5}),
    ({"answer-themes": "def theme_of(note):\n    return 'onboarding'\ncoded = notes.assign(theme=notes['note'].map(theme_of))",
      "answer-counts": lambda: _solution_cell("interview-synthesis", "answer-themes").replace("theme_of", "right_theme")
      + "\ncustomers_per_theme = coded.groupby('theme')['customer'].nunique().sort_values(ascending=False)",
      "answer-top": "top_three = ['reporting', 'onboarding', 'permissions']  # most notes, not most customers"},
     {"test-themes": 0, "test-counts": 2.5, "test-top": 0}),
]


def _submission(tmp_path, exercise, patches, name):
    nb = _load(REPO / "exercises" / exercise / f"{exercise}.ipynb")
    for cell in nb.cells:
        if cell.id in patches:
            patch = patches[cell.id]
            cell.source = patch() if callable(patch) else patch
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    with GradingCourse(tmp_path_factory.mktemp("course")) as grading_course:
        yield grading_course


@pytest.fixture(scope="module")
def visible_course(tmp_path_factory):
    """Grading with the releases' visible checks only: what a learner's own test cells and ``pmkit check`` say."""
    with GradingCourse(tmp_path_factory.mktemp("visible"), solutions=REPO / "exercises") as grading_course:
        yield grading_course


def _auto(result):
    return {c.grade_id: c.score for c in result.cells if c.autograded}


@pytest.mark.parametrize("exercise", exercise_ids())
def test_solution_gets_full_autograded_points(course, exercise):
    result = course.grade(exercise, "solution", REPO / "solutions" / exercise / f"{exercise}.ipynb")
    assert result.auto_score == result.auto_max > 0
    assert result.manual_max > 0
    assert all(c.status == "correct" for c in result.cells if c.autograded)
    for cell in result.cells:  # a hidden test that repeats a visible check does not say it twice
        lines = cell.message.splitlines()
        assert len(lines) == len(set(lines)), (cell.grade_id, cell.message)


@pytest.mark.parametrize("exercise", exercise_ids())
def test_unchanged_release_gets_zero_and_is_told_it_has_not_started(course, exercise):
    result = course.grade(exercise, "blank", REPO / "exercises" / exercise / f"{exercise}.ipynb")
    assert result.auto_score == 0
    assert {c.status for c in result.cells if c.autograded} == {"not_attempted"}
    for cell in result.cells:
        if cell.autograded:
            assert "not answered yet" in cell.message


# Rounded answers on the edge of a check's tolerance: the visible check and the hidden test must agree on them
# (both accept), so a learner never sees a tick that grades to 0.
WRONG["beta-metrics"].append(
    ({"answer-adoption": "adoption_rate = 0.97", "answer-errors": "error_rate = 0.059",
      "answer-tickets": "ticket_change_pct = -17.25"}, {"test-adoption": 2, "test-errors": 2, "test-tickets": 3}))
# The careful learner of issue 21: scores rounded to one decimal, as the question now says is fine.
WRONG["backlog-capacity"].append(
    ({"answer-rice": "scored = backlog.assign(rice=(backlog['reach'] * backlog['impact'] * backlog['confidence']"
                     ".fillna(0.5) / backlog['effort']).round(1))",
      "answer-plan": "plan = ['PM-119', 'PM-115', 'PM-111', 'PM-121', 'PM-117', 'PM-122', 'PM-123', 'PM-105']"},
     {"test-rice": 3, "test-plan": 4}))
# A plan one ticket off: the feedback names the ticket missing and the one that should not be there.
WRONG["backlog-capacity"].append(
    ({"answer-rice": "scored = backlog.assign(confidence=backlog['confidence'].fillna(0.5))\n"
                     "scored['rice'] = scored['reach'] * scored['impact'] * scored['confidence'] / scored['effort']",
      "answer-plan": "plan = ['PM-119', 'PM-115', 'PM-111', 'PM-121', 'PM-117', 'PM-122', 'PM-123', 'PM-109']"},
     {"test-rice": 3, "test-plan": 0}))
# Scale and sign: what the message says is checked in test_feedback_says_what_is_wrong below.
WRONG["beta-metrics"].append(
    ({"answer-adoption": "adoption_rate = 97.0", "answer-errors": "error_rate = 0.059",
      "answer-tickets": "ticket_change_pct = -0.1716"}, {"test-adoption": 0, "test-errors": 2, "test-tickets": 0}))
WRONG["beta-metrics"].append(
    ({"answer-adoption": "adoption_rate = 0.97", "answer-errors": "error_rate = (events['event'] == 'error').sum() / len(events)",
      "answer-tickets": "ticket_change_pct = 17.16"}, {"test-adoption": 2, "test-errors": 0, "test-tickets": 0}))

#: Cells whose visible checks already catch the mistake before submission (the same score as the hidden tests).
#: Elsewhere a visible check may pass a wrong answer (it holds no key) but never fails a right one.
CAUGHT_BEFORE_SUBMISSION = {
    ("backlog-capacity", 0): {"test-rice", "test-plan"}, ("backlog-capacity", 1): {"test-plan"},
    ("onboarding-funnel", 0): {"test-funnel"}, ("onboarding-funnel", 2): {"test-worst"},
    ("onboarding-funnel", 3): {"test-funnel"}, ("beta-metrics", 3): {"test-adoption", "test-tickets"},
    ("ticket-triage", 1): {"test-queue"},
}


@pytest.mark.parametrize(("exercise", "case"), [(e, i) for e in exercise_ids() for i in range(len(WRONG[e]))])
def test_wrong_submissions_lose_exactly_the_expected_points(course, visible_course, tmp_path, exercise, case):
    patches, expected = WRONG[exercise][case]
    path = _submission(tmp_path, exercise, patches, f"{exercise}-wrong{case}")
    result = course.grade(exercise, f"wrong{case}", path)
    assert _auto(result) == expected
    # the learner's visible checks never fail what the hidden tests accept, and catch the mistakes they can
    visible = _auto(visible_course.grade(exercise, f"wrong{case}", path))
    assert all(visible[cell] >= points for cell, points in expected.items()), (visible, expected)
    for cell in CAUGHT_BEFORE_SUBMISSION.get((exercise, case), ()):
        assert visible[cell] == expected[cell], (cell, visible)
    for cell in result.cells:
        if cell.autograded and cell.score < cell.max_score:
            assert cell.status == ("partial" if cell.score > 0 else "incorrect"), (cell.grade_id, cell.message)
            assert cell.message.startswith("\u2718"), cell.message
            assert "Traceback" not in cell.message and "### BEGIN HIDDEN" not in cell.message
            assert "could not be read" not in cell.message  # a real answer is judged, not refused
        if cell.autograded and 0 < cell.score < cell.max_score:  # partial credit says what it is for
            assert f"Partial credit: {cell.score:g} of {cell.max_score:g} points" in cell.message, cell.message
    RESULTS[exercise, case] = {c.grade_id: c.message for c in result.cells}


#: Graded messages per (exercise, case), kept by the test above for the feedback tests below.
RESULTS: dict = {}

#: What the feedback of a graded wrong answer says: which item is wrong, and what kind of mistake it is.
SAYS = {
    ("backlog-capacity", 3): {"test-plan": ["missing: PM-105 (RICE 149.3, 3 person-days)",
                                            "should not be there: PM-109 (RICE 83.3, 3 person-days)"]},
    ("beta-metrics", 3): {"test-adoption": ["got 97, more than 1", "if 97 is a per cent, give 0.97"],
                          "test-tickets": ["that is a change of -17.16 %", "multiply by 100 (-17.16, not -0.1716)"]},
    ("beta-metrics", 4): {"test-errors": ["divides by every event"], "test-tickets": ["the sign is not"]},
    ("beta-metrics", 0): {"test-adoption": ["divides by every user, beta and control"]},
    ("onboarding-funnel", 1): {"test-segments": ["incorrect for 2 of 3", "education", "sales-led",
                                                 "Partial credit: 1 of 3 points"]},
    ("onboarding-funnel", 2): {"test-worst": ["is where the most users are lost"],
                               "test-segments": ["loses the most users in this segment"]},
    ("onboarding-funnel", 3): {"test-funnel": ["a user can send a step's event more than once"],
                               "test-segments": ["education: 'verify_email'", "Partial credit: 2 of 3 points"]},
}


@pytest.mark.parametrize("key", sorted(SAYS))
def test_feedback_says_what_is_wrong(course, tmp_path, key):
    exercise, case = key
    if key not in RESULTS:
        patches, _ = WRONG[exercise][case]
        result = course.grade(exercise, f"says{case}", _submission(tmp_path, exercise, patches, f"says{case}"))
        RESULTS[key] = {c.grade_id: c.message for c in result.cells}
    for cell, phrases in SAYS[key].items():
        for phrase in phrases:
            assert phrase in RESULTS[key][cell], (cell, phrase, RESULTS[key][cell])
