"""The course's own teaching content (questions, scenarios, self-assessment) from ``datasets/course/``.

Facts stay in ``datasets/roles/``: a question whose answer is a figure names it as a placeholder
(``{apm_to_pm_timing}``) that is filled from the role data, and scenarios point at the decision
in the role data they illustrate, so a changed fact cannot leave a stale answer behind.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from pmkit.errors import DataError
from pmkit.paths import datasets_dir
from pmkit.tables import Column, Schema, choices, load_named
from pmkit.teach import quiz, roles

if TYPE_CHECKING:
    import pandas as pd

#: What a question asks: to apply the distinction to a new situation, or to remember what was read.
KINDS = ("transfer", "recall")
_ROLE = Column("decider", choices=choices(roles.ROLES))
SCHEMAS = {
    "questions": Schema("questions.csv", (
        Column("chapter"), Column("question"), Column("position", "int"), Column("prompt"), Column("answer"),
        Column("explanation"), Column("kind", choices=choices(KINDS))), key=("question",)),
    "question_options": Schema("question_options.csv", (
        Column("question"), Column("option"), Column("why_not", required=False)), key=("question", "option")),
    "scenarios": Schema("scenarios.csv", (
        Column("scenario"), Column("position", "int"), Column("situation"), _ROLE,
        Column("decision_list", choices=choices(roles.LISTS)), Column("decision_position", "int"), Column("why")),
        key=("scenario",)),
    "self_assessment": Schema("self_assessment.csv", (
        Column("item"), Column("position", "int"), Column("prompt"), Column("apm_option"),
        Column("jpm_option"), Column("trait")), key=("item",)),
    # Chapter 09: a second, labelled source for the salary figures (secondary reports; see datasets/README.md).
    "salary_reports": Schema("salary_reports.csv", (
        Column("report", "int"), Column("title"), Column("measure"), Column("amount", "int"), Column("area"),
        Column("as_of"), Column("reported_by"), Column("original_source"), Column("url"), Column("read_on")),
        key=("report",)),
    # Chapter 12: the course's own job ads, classified by the first article's lists.
    "job_ads": Schema("job_ads.csv", (
        Column("ad"), Column("title"), Column("company"), Column("first_sentence"), Column("second_sentence"),
        Column("third_sentence"), Column("role", choices=choices(roles.ROLES)), Column("deciding_sentence", "int"),
        Column("why")), key=("ad",)),
}

#: The claim audit (issue 21): chapter wording and the article sentence behind it (test_course_claims.py).
SCHEMAS["claims"] = Schema("claims.csv", (
    Column("chapter"), Column("status", choices=choices(("holds", "retired"))), Column("claim"),
    Column("source"), Column("sentence")), key=("chapter", "claim"))


def table(name: str) -> pd.DataFrame:
    """One course content file, validated: questions, options, scenarios, self_assessment, salary_reports, job_ads."""
    return load_named(SCHEMAS, name, datasets_dir() / "course")


def time_budget() -> dict[str, dict[str, int]]:
    """Minutes per chapter and per exercise, read from each notebook's "Estimated time" line."""
    import re

    from pmkit.paths import REPO_ROOT

    pattern = re.compile(r"\*\*Estimated time:\*\*\s*(\d+)\s*minutes")
    root = REPO_ROOT
    budget: dict[str, dict[str, int]] = {"chapters": {}, "exercises": {}}
    for kind, paths in (("chapters", sorted((root / "course").glob("*.ipynb"))),
                        ("exercises", sorted((root / "exercises").glob("*/*.ipynb")))):
        for path in paths:
            found = pattern.search(path.read_text(encoding="utf-8"))
            if found:
                budget[kind][path.stem] = int(found.group(1))
    return budget


def time_summary() -> str:
    """The course's total time in words, for chapter 00: chapters, exercises and both together."""
    budget = time_budget()
    chapters, exercises = sum(budget["chapters"].values()), sum(budget["exercises"].values())

    def hours(minutes: int) -> str:
        whole, rest = divmod(minutes, 60)
        return f"{whole} h {rest:02d} min" if whole else f"{rest} min"

    return (f"The {len(budget['chapters'])} chapters take about **{hours(chapters)}** and the "
            f"{len(budget['exercises'])} graded exercises about **{hours(exercises)}**: "
            f"**{hours(chapters + exercises)}** in all, added up from each notebook's own estimated time.")


def summary() -> pd.DataFrame:
    """The whole course on one page for chapter 13: ``aspect``, ``apm``, ``jpm``, every cell from the role data."""
    import pandas as pd

    rows = [("Decides mostly", *(roles.describe(r, "decision_focus") for r in roles.ROLES)),
            ("How they learn", *(roles.describe(r, "learning_style") for r in roles.ROLES))]
    table_ = roles.comparison().set_index(["topic", "aspect"])
    for topic, aspect, label in [("responsibilities", "Scope ownership", "Scope"),
                                 ("decision_making", "Decision scope", "Decisions"),
                                 ("daily", "Product tasks", "A typical task"),
                                 ("influence", "Influence scope", "Influence"),
                                 ("influence", "Visibility level", "Visibility"),
                                 ("financial_career", "Career path", "Career path"),
                                 ("financial_career", "Career trajectory", "Trajectory")]:
        rows.append((label, table_.loc[(topic, aspect), "apm"], table_.loc[(topic, aspect), "jpm"]))
    rows.append(("Yearly salary (USD)", *(roles.pay_range(r) for r in roles.ROLES)))
    rows.append(("Archetype", *(roles.describe(r, "archetype") for r in roles.ROLES)))
    return pd.DataFrame(rows, columns=["aspect", "apm", "jpm"])


def facts() -> dict[str, str]:
    """The role-data figures a question may name as ``{placeholder}``."""
    apm_to_pm = roles.career_paths("apm_ladder").iloc[0].to_dict()
    pay = roles.salaries().set_index("role")
    return {"apm_to_pm_timing": roles.timing(apm_to_pm),
            "apm_low": f"${pay.loc['APM', 'low']:,}", "apm_high": f"${pay.loc['APM', 'high']:,}",
            "jpm_low": f"${pay.loc['JPM', 'low']:,}", "jpm_high": f"${pay.loc['JPM', 'high']:,}"}


def _fill(text: str, values: dict[str, str], where: str) -> str:
    try:
        return text.format(**values)
    except KeyError as exc:
        raise DataError(datasets_dir() / "course" / where, f"unknown placeholder {exc} in {text!r}",
                        hint=f"known placeholders: {', '.join(sorted(values))}") from None


def _placements(frame: pd.DataFrame, options: pd.DataFrame) -> dict[str, int]:
    """Where each question's right option goes: course-wide, each place in turn, so no place is favoured.

    Questions are placed in course order (chapter, then position); each goes to the place that the right
    answers of questions with as many options have used least so far (ties broken by a seed from its
    id), never making a third right answer in a row in the same place within a chapter. APM/JPM
    questions keep the roles' own order.
    """
    counts: dict[tuple[int, int], int] = {}
    placed: dict[str, int] = {}
    recent: dict[str, list[int]] = {}
    for row in frame.sort_values(["chapter", "position"]).itertuples():
        labels = list(options.loc[options["question"] == row.question, "option"])
        if set(labels) == set(roles.ROLES) or not labels:
            continue
        rng = random.Random(row.question)
        k = len(labels)
        places = sorted(range(k), key=lambda p: (counts.get((k, p), 0), rng.random()))
        last = recent.setdefault(row.chapter, [])
        place = next((p for p in places if last[-2:] != [p, p]), places[0])
        placed[row.question] = place
        last.append(place)
        counts[(k, place)] = counts.get((k, place), 0) + 1
    return placed


def questions(chapter: str) -> list[quiz.Question]:
    """The "check your understanding" questions of one chapter (e.g. ``"02"``), in order."""
    everything = table("questions")
    frame = everything[everything["chapter"] == chapter].sort_values("position")
    if frame.empty:
        raise KeyError(f"no questions for chapter {chapter!r}")
    options = table("question_options")
    places = _placements(everything, options)
    values = facts()
    built: list[quiz.Question] = []
    for row in frame.itertuples():
        stored = options[options["question"] == row.question].to_dict("records")
        answer = _fill(row.answer, values, "questions.csv")
        filled = [(_fill(o["option"], values, "question_options.csv"), o["why_not"]) for o in stored]
        if answer not in [label for label, _ in filled]:
            raise DataError(datasets_dir() / "course" / "question_options.csv",
                            f"question {row.question!r} has no option equal to its answer {answer!r}")
        if row.question in places:
            wrong = [o for o in filled if o[0] != answer]
            random.Random(row.question).shuffle(wrong)
            right = next(o for o in filled if o[0] == answer)
            filled = [*wrong[:places[row.question]], right, *wrong[places[row.question]:]]
        else:
            filled.sort(key=lambda o: roles.ROLES.index(o[0]) if o[0] in roles.ROLES else len(roles.ROLES))
        labels = tuple(label for label, _ in filled)
        why_not = {label: _fill(w, values, "question_options.csv") for label, w in filled if isinstance(w, str)}
        built.append(quiz.Question(id=row.question, prompt=_fill(row.prompt, values, "questions.csv"),
                                   options=labels, answer=answer,
                                   explanation=_fill(row.explanation, values, "questions.csv"),
                                   why_not=why_not))
    return built


def scenario_questions() -> list[quiz.Question]:
    """Who decides? One question per scenario, explained with the decision it illustrates."""
    frame = table("scenarios").sort_values("position")
    built = []
    for row in frame.itertuples():
        decisions = roles.items(row.decision_list, row.decider)
        match = decisions[decisions["position"] == row.decision_position]
        if match.empty:
            raise DataError(datasets_dir() / "course" / "scenarios.csv",
                            f"scenario {row.scenario!r} points at {row.decision_list} #{row.decision_position} "
                            f"of the {row.decider}, which does not exist")
        decision = match["item"].iloc[0]
        other = "JPM" if row.decider == "APM" else "APM"
        built.append(quiz.Question(
            id=row.scenario, prompt=row.situation + " Who makes this call?", options=roles.ROLES,
            answer=row.decider,
            explanation=(f"this is {quiz.article(row.decider)} call. {row.why} The first article's example: "
                         f"\u201c{decision}\u201d."),
            why_not={other: (f"This is the {row.decider}'s call, not the {other}'s. {row.why} The first "
                             f"article's example: \u201c{decision}\u201d.")}))
    return built


def task_questions(seed: int = 7) -> list[quiz.Question]:
    """Sort both roles' responsibilities into APM or JPM work, in a fixed shuffled order."""
    frame = roles.responsibilities()
    for attempt in range(seed, seed + 1000):  # the first seeded order whose answers show no pattern
        rows = frame.to_dict("records")
        random.Random(attempt).shuffle(rows)
        if quiz.has_pattern([row["role"] for row in rows]) is None:
            break
    built = []
    for row in rows:
        role = row["role"]
        other = "JPM" if role == "APM" else "APM"
        focus = roles.describe(role, "decision_focus").lower()
        built.append(quiz.Question(
            id=f"task-{role}-{row['position']}", prompt=row["item"], options=roles.ROLES, answer=role,
            explanation=(f"this is on the first article's list of {quiz.article(role)}'s responsibilities. "
                         f"The course's rule of thumb: {role} work leans to {focus}."),
            why_not={other: (f"This task is on the first article's list for {quiz.article(role)}, not for "
                             f"{quiz.article(other)}. The course's rule of thumb: {role} work leans to {focus}.")}))
    return built
