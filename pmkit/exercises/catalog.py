"""Data for the graded exercises, loaded and shaped the same way for learners, tests and graders."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.paths import datasets_dir
from pmkit.tables import Column, Schema, choices, load_named, with_row_counts

if TYPE_CHECKING:
    import pandas as pd

    from pmkit.exercises.hints import Question


def role_sort_tasks() -> dict[int, str]:
    """The twenty tasks of the role-sort exercise, numbered 1 to 20 (written for the course, not from a chapter)."""
    tasks = load_data("role_tasks")
    return {int(n): str(t) for n, t in zip(tasks["task"], tasks["text"], strict=True)}


FUNNEL_STEPS = ("signup", "verify_email", "create_workspace", "invite_teammate", "first_project")
FUNNEL_SEGMENTS = ("self-serve", "sales-led", "education")
#: Engineering capacity of the backlog exercise's sprint, in person-days.
CAPACITY = 30
TRIAGE_AREAS = ("login", "billing", "performance", "data-export", "notifications")
SEVERITIES = ("P1", "P2", "P3")
THEMES = ("onboarding", "integrations", "reporting", "pricing", "permissions")

SCHEMAS = {
    "onboarding_events": Schema("onboarding_events.csv", (
        Column("user_id"), Column("segment", choices=choices(FUNNEL_SEGMENTS)),
        Column("step", choices=choices(FUNNEL_STEPS)), Column("reached_at", "datetime", required=False)),
        min_rows=1000),
    "backlog": Schema("backlog.csv", (
        Column("ticket"), Column("title"), Column("type", choices=choices(["bug", "feature", "tech-debt"])),
        Column("reach", "int"), Column("impact", "float"), Column("confidence", "float", required=False),
        Column("effort", "int")), key=("ticket",)),
    "beta_events": Schema("beta_events.csv", (
        Column("user_id"), Column("cohort", choices=choices(["beta", "control"])), Column("day", "int"),
        Column("event", choices=choices(["session", "feature_used", "error"]))), min_rows=100),
    "beta_tickets": Schema("beta_tickets.csv", (
        Column("day", "int"), Column("cohort", choices=choices(["beta", "control"])), Column("tickets", "int")),
        key=("day", "cohort")),
    "triage_tickets": Schema("triage_tickets.csv", (
        Column("ticket_id"), Column("created", "datetime"), Column("channel"), Column("customer"),
        Column("users_affected", "int"), Column("text")), key=("ticket_id",)),
    "interview_notes": Schema("interview_notes.csv", (
        Column("interview_id"), Column("customer"), Column("segment"), Column("note")),
        key=("interview_id", "note")),
    "snippets": Schema("snippets.csv", (Column("snippet", "int"), Column("text")), key=("snippet",)),
    "role_tasks": Schema("role_tasks.csv", (Column("task", "int"), Column("text")), key=("task",)),
    "prd_rubric": Schema("prd_rubric.csv", (
        Column("criterion"), Column("position", "int"), Column("text"), Column("points", "int"),
        Column("sections")), key=("criterion",)),
}
#: Data rows of each file as ``datasets/generate.py`` writes it (seeded): fewer is a truncated file. Regenerating
#: with fewer rows on purpose means lowering the count here too.
SCHEMAS = with_row_counts(SCHEMAS, {
    "onboarding_events": 13029, "backlog": 25, "beta_events": 5593, "beta_tickets": 56, "triage_tickets": 38,
    "interview_notes": 74, "snippets": 12, "role_tasks": 20, "prd_rubric": 6})


_WORDS = r"(?:[\w'-]+\s+)"  # one word and the space after it, in the phrases below
_SEARCH = r"(?:search(?:es)?|quer(?:y|ies)|filters?)"
_EMAIL = r"(?:e-?mails?|alerts?|notifications?|digests?)"
_SEEKERS = r"(?:job\s*seekers|seekers|candidates|people|users|applicants|searchers|members)"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"

#: What each item of a brief looks like in what a story asks for (its "I want …" part, never its role or
#: benefit): per exercise, per item, phrases as regular expressions matched as whole words by
#: :func:`pmkit.exercises.checks.check_coverage`. "share a saved search" does not save one, "change my username"
#: names no search, and "As an approver, …" or "invite an approver" asks for no approver filter.
_STORY_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "user-stories": {
        "saving a search": (rf"(?:save|bookmark|store)\s+{_WORDS}{{0,3}}?{_SEARCH}",),
        "naming a saved search": (
            rf"(?:re)?name\s+{_WORDS}{{0,3}}?{_SEARCH}",
            rf"label\s+{_WORDS}{{0,3}}?{_SEARCH}",
            rf"(?:give|add|set|choose|pick|type|enter)\s+{_WORDS}{{0,4}}?{_SEARCH}\s+{_WORDS}{{0,2}}?"
            r"(?:names?|labels?|titles?)",
            rf"(?:give|add|set|choose|pick|type|enter|edit|change)\s+{_WORDS}{{0,2}}?(?:names?|labels?|titles?)\s+"
            rf"(?:to|for|of)\s+{_WORDS}{{0,3}}?{_SEARCH}"),
        "the email alert": (
            rf"(?:get|receive|be\s+sent|sign\s+up\s+for|subscribe\s+to|set\s+up|turn\s+on|switch\s+on|enable|"
            rf"opt\s+in\s+to|have)\s+{_WORDS}{{0,4}}?{_EMAIL}",
            r"(?:e-?mail|notify|alert)\s+me", r"(?:be|get|getting)\s+(?:e-?mailed|notified|alerted)", r"by\s+e-?mail",
            rf"^(?:(?:an?|the|daily|weekly|instant|new)\s+)*(?:e-?mail\s+|job\s+)?{_EMAIL}"),
        "turning the emails off": (
            rf"(?:turn|switch|shut)\s+off\s+{_WORDS}{{0,4}}?{_EMAIL}",
            rf"(?:turn|switch|shut)\s+{_WORDS}{{0,4}}?{_EMAIL}\s+off",
            rf"(?:disable|pause|mute|silence|cancel|stop|end|opt\s+out\s+of|unsubscribe\s+from)\s+{_WORDS}{{0,4}}?"
            rf"{_EMAIL}",
            rf"no\s+longer\s+(?:get|receive)\s+{_WORDS}{{0,4}}?{_EMAIL}", r"unsubscribe", r"opt\s+out"),
        "the recruiters' count": (
            rf"how\s+many\s+{_WORDS}{{0,2}}?{_SEEKERS}\b[^,;]{{0,60}}?\bsav(?:e|ed|ing)",
            rf"how\s+many\s+{_WORDS}{{0,2}}?saved\s+{_SEARCH}",
            rf"how\s+many\s+{_WORDS}{{0,2}}?{_SEARCH}\s+{_WORDS}{{0,6}}?(?:ads?|postings?|listings?|vacanc(?:y|ies)|"
            r"openings?)",
            rf"(?:number|count|total)\s+of\s+{_WORDS}{{0,2}}?saved\s+{_SEARCH}",
            rf"(?:number|count|total)\s+of\s+{_WORDS}{{0,2}}?{_SEEKERS}\b[^,;]{{0,60}}?\bsav(?:e|ed|ing)",
            r"saved[- ]search\s+(?:counts?|numbers?|totals?)"),
    },
    "prd-vs-stories": {
        "the export": (r"export(?:s|ed|ing)?", r"csv", r"download(?:s|ed|ing)?", r"spreadsheets?"),
        "the date-range filter": (
            r"date[- ]ranges?", r"range\s+of\s+dates", r"date\s+filters?", r"(?:start|end)(?:ing)?\s+dates?",
            r"by\s+(?:the\s+)?(?:dates?|days?|weeks?|months?|quarters?|periods?)", r"(?:time\s+)?periods?",
            r"time\s*(?:range|window|frame|span)s?", r"timeframes?", r"dates?\s+(?:from|between)",
            rf"between\s+{_WORDS}{{0,5}}?dates?", rf"between\s+(?:\d|{_MONTH}\b)",
            rf"from\s+(?:a\s+|the\s+)?(?:start(?:ing)?\s+date|first|\d|{_MONTH}\b)[^,;]{{0,40}}?\b(?:to|until|till|through)",
            r"(?:last|past|previous|given|specific|single|chosen|particular)\s+(?:\d+\s+)?"
            r"(?:days?|weeks?|months?|quarters?|years?)",
            r"(?:dates?|days?)\s+(?:i|we)\s+(?:choose|pick|select|set|enter)",
            rf"filter\w*\s+{_WORDS}{{0,4}}?(?:by|on|for|to)\s+{_WORDS}{{0,2}}?dates?"),
        "the approver filter": (
            r"by\s+(?:the\s+|an?\s+|one\s+|their\s+|(?:a\s+)?(?:single|specific|given|particular)\s+)?approvers?",
            r"(?:each|one|single|specific|given|particular|individual|chosen|selected|certain)\s+approver(?:'s|s'|s)?",
            r"per\s+approver", r"approver\s+filters?", r"an?\s+approver's", r"by\s+whom?\s+approved",
            rf"filter\w*\s+{_WORDS}{{0,4}}?(?:by|on|for|to)\s+{_WORDS}{{0,2}}?approvers?",
            r"approvers?\s+(?:i|we)\s+(?:choose|pick|select|name|want|need)",
            r"(?:pick|choose|select)\s+(?:which\s+|the\s+|one\s+)?approvers?",
            r"(?:approved|decided|signed\s+off)\s+by\s+(?:one|each|the\s+same|a(?:\s+(?:single|specific|given|"
            r"particular|chosen))?)\s+(?:person|approver|manager|team\s+lead|colleague)"),
    },
}
#: :data:`_STORY_PHRASES` compiled now, case-insensitive and as whole words, so that no check compiles a
#: pattern in a learner's kernel (where ``builtins`` may have been replaced since).
STORY_TOPICS: dict[str, dict[str, tuple[re.Pattern[str], ...]]] = {
    exercise: {topic: tuple(re.compile(rf"(?<!\w)(?:{p})(?!\w)", re.I) for p in phrases)
               for topic, phrases in topics.items()}
    for exercise, topics in _STORY_PHRASES.items()}


def load_data(name: str) -> pd.DataFrame:
    """One exercise data set from ``datasets/exercises/``, validated (see the data dictionary)."""
    return load_named(SCHEMAS, name, datasets_dir() / "exercises")


#: Each exercise's autograded questions: (number, answer variables, hint, answer cell ids[, items]). Hints are
#: data on the question; ``solution()`` reads the model answer from ``solutions/`` when it is there.
QUESTIONS: dict[str, list[tuple[Any, ...]]] = {
    "ticket-triage": [
        (1, ("triaged", "area_of"), "lower-case the text and look for each area's product words (log in, "
            "password, invoice, export, notification, load); return the first area that matches.", ("answer-rules",)),
        (2, ("incidents", "severity_of"), "triaged.groupby('text', as_index=False).agg(...) with "
            "tickets=('ticket_id', 'count'), users=('users_affected', 'sum') and first_reported=('created', 'min'); "
            "then check money, data and security words first, then blocked users against 50.",
         ("answer-incidents",)),
        (3, ("queue",), "incidents.sort_values([...]) by two columns, then take the text column as a list.",
         ("answer-queue",)),
    ],
    "interview-synthesis": [
        (1, ("coded", "theme_of"), "lower-case the note and look for each theme's words (setup, start, new hires; "
            "Salesforce, Jira, API, integration; report, charts, exports; price, cost, pay for; access, roles); "
            "the check lists the notes still coded wrongly.", ("answer-themes",)),
        (2, ("customers_per_theme",), "coded.groupby('theme')['customer'].nunique() counts customers, not notes; "
            "then .sort_values(ascending=False).", ("answer-counts",)),
        (3, ("top_three",), "the first three index labels of customers_per_theme, as a list.", ("answer-top",)),
    ],
    "beta-metrics": [
        (1, ("adoption_rate",), "keep the beta cohort only; users with a feature_used event (nunique) divided by "
            "all beta users (nunique).", ("answer-adoption",)),
        (2, ("error_rate",), "events['event'].value_counts() gives both counts; divide errors by feature uses.",
         ("answer-errors",)),
        (3, ("ticket_change_pct",), "tickets.groupby('cohort')['tickets'].mean() gives each group's tickets per "
            "day; the change is (beta - control) / control * 100.", ("answer-tickets",)),
    ],
    "backlog-capacity": [
        (1, ("scored",), "fill the missing confidence first: backlog.assign(confidence=backlog['confidence']"
            ".fillna(0.5)); then rice = reach * impact * confidence / effort.", ("answer-rice",)),
        (2, ("plan",), "loop over scored.sort_values('rice', ascending=False).itertuples(); take a ticket when its "
            "effort fits in what is left, and keep going when it does not.", ("answer-plan",)),
    ],
    "role-sort": [
        (n, (f"answers (tasks {4 * n - 3}-{4 * n})",), "ask what the task decides. Choosing what the product should "
            "do or become, and judging whether it worked, is APM work (PRDs, MVP scope, beta metrics, presenting "
            "findings); making agreed work happen is JPM work (stories, backlog, capacity, QA dates, bugs and "
            "support, customer updates, process). Customer research and the analysis of a launched product go "
            "either way: the first article gives them to the APM, the second to the JPM, so either label is "
            "right. Careful: what a task touches can mislead. Ask who makes the decision in it, and whether the "
            "decision is about what to build or about carrying out what was agreed.", ("answer-sort",), range(4 * n - 3, 4 * n + 1))
        for n in range(1, 6)
    ],
    "prd-vs-stories": [
        (1, ("placement",), "ask what each snippet is for. Why, for whom, what success means, what is in or out, "
            "what comes first and what could go wrong: the PRD. Something the team can estimate, build, test "
            "or fix in a sprint: the backlog. A story about the whole feature's need can sit in a PRD.",
         ("answer-sort",)),
        (2, ("export_stories",), "three stories, one action each, said in the 'I want …' part: export the log "
            "as CSV; limit the export to a date range; limit it to one approver. Each as 'As an admin, I want …, so "
            "that …', with no 'and' or brackets, and no vague words such as 'quickly' in what it asks for.",
         ("answer-translate",)),
    ],
    "prd": [
        (1, ("prd_text",), "one '## ' heading per section: Problem, Users, Goals, Success metrics, MVP scope, "
            "Non-goals, Requirements (one per line, each with P0, P1 or P2), Risks, Launch and monitoring. Save, then "
            "run the cell under your PRD.", ("answer-prd",)),
        (2, ("prd_text",), "one metric per line under Success metrics, each starting from the scenario's "
            "baseline (40 s to approve, 30% re-checked), with a target and a timeframe: 'Median time to approve: "
            "from 40 s to 15 s within 30 days of launch' ('40 s \u2192 15 s by day 30' or a table with a Baseline "
            "column say the same).",
         ("answer-prd",)),
    ],
    "user-stories": [
        (1, ("stories",), "one story per thing the brief asks for, said in its 'I want …' part: save a search, "
            "name a saved search, get an email about new matches, turn those emails off, and (as a recruiter) see "
            "how many seekers saved a search matching my ad. 'As a <role>, I want <one action>, so that "
            "<benefit>.', with no 'and' or brackets, and no vague words in the 'I want …' part (the benefit may "
            "say it in the user's words).", ("answer-stories",)),
        (2, ("stories", "criteria"), "{1: ['Given …, when …, then …'], 2: [...], …}: one key per story, counting "
            "from 1, each criterion naming a context, an action and a result you can observe, in that story's "
            "words (the saved search, the email…).",
         ("answer-criteria",)),
    ],
    "onboarding-funnel": [
        (1, ("funnel",), "events.groupby('step')['user_id'].nunique(), then .reindex(STEPS) to put the steps in "
            "funnel order. Rows without a timestamp still count.", ("answer-funnel",)),
        (2, ("worst_step",), "the drop-off into a step is 1 - funnel / funnel.shift(1); .idxmax() names the step "
            "where it is largest.", ("answer-worst",)),
        (3, ("worst_by_segment",), "group by ['segment', 'step'], .unstack() to get one row per segment, then do "
            "question 2 along each row (shift(1, axis=1), idxmax(axis=1)).", ("answer-segments",)),
    ],
}


def questions(exercise: str) -> tuple[Question, ...]:
    """The autograded questions of ``exercise``, each with ``hint()`` and ``solution()`` (after an attempt)."""
    from pmkit.exercises.hints import Question

    return tuple(Question(exercise, *entry) for entry in QUESTIONS[exercise])


def markdown_answer(exercise: str, cell_id: str, *, starter: str = "YOUR ANSWER HERE") -> str | None:
    """The text of a Markdown answer cell, read from the notebook as last saved (None if not found or unchanged).

    The notebook is the one the kernel was started for (``JPY_SESSION_NAME``), else ``<exercise>.ipynb``
    in the working folder, else the only notebook there holding ``cell_id``.
    """
    import os

    here = Path.cwd()
    session = os.environ.get("JPY_SESSION_NAME")
    candidates = [Path(session)] if session else []
    candidates += [here / f"{exercise}.ipynb", *sorted(here.glob("*.ipynb"))]
    from pmkit import notebooks

    for path in candidates:
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            continue
        cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
        if notebooks.markdown_cell(cells, cell_id) is not None:
            return notebooks.markdown_answer(cells, cell_id, starter)
    return None
