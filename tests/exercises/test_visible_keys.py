"""Nothing a learner gets decides a graded answer: the inversion attack of issue 23, run against what ships.

A release used to hold salted digests of its answers (``visible_keys.json``) with the salt in its test
cells; with 2 to 2,001 possible values per item, hashing every candidate recovered every label and
number. This test is that attacker: it reads every file of the package and every released notebook,
takes each hex token and each salt it can find (or guess from the exercise and answer names), and
hashes every candidate answer (every label for every item, the true numbers computed from the data)
the way the old digests did. It also looks for the composite answers in clear text.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re

import pytest

from pmkit.exercises import catalog as exercises
from pmkit.grading.engine import exercise_ids
from tests.conftest import REPO

_HEX = re.compile(r"(?<![0-9a-f])[0-9a-f]{16,64}(?![0-9a-f])")
_SALT = re.compile(r"salt\s*=\s*[\"']([^\"']{1,80})[\"']")
#: The answer names a salt was built from ("<exercise>:<name>"), and role-sort's groups.
_NAMES = ["plan", "rice", "adoption_rate", "error_rate", "ticket_change_pct", "theme", "customers_per_theme",
          "top_three", "funnel", "worst_step", "worst_by_segment", "placement", "tasks", "area", "incidents",
          "severity", *(f"tasks-{a}-{a + 3}" for a in range(1, 21, 4))]


def _shipped() -> dict[str, str]:
    """Every text a learner can read: the package's files and the released notebooks."""
    files = [p for p in (REPO / "pmkit").rglob("*") if p.is_file() and p.suffix != ".pyc"]
    files += sorted((REPO / "exercises").glob("*/*.ipynb"))
    texts = {}
    for path in files:
        try:
            texts[str(path.relative_to(REPO))] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
    return texts


def _digest(text: str, salt: str) -> str:
    """The old scheme: sha256 of the salt, a NUL and the answer's canonical JSON, first 16 hex digits."""
    canonical = json.dumps(text, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(f"{salt}\x00{canonical}".encode()).hexdigest()[:16]


def _digests(value: object, salt: str) -> set[str]:
    """Every form the old checks hashed a value in: as it is, upper-cased text, and rounded numbers."""
    forms: list[object] = [value]
    if isinstance(value, str):
        forms.append(value.upper())
    if isinstance(value, float | int) and not isinstance(value, bool):
        forms += [f"{round(float(value), d):.{d}f}" for d in range(4)]
    found = set()
    for form in forms:
        canonical = json.dumps(form, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        found.add(hashlib.sha256(f"{salt}\x00{canonical}".encode()).hexdigest()[:16])
        if isinstance(form, str):  # an item's text was hashed as the JSON of its text
            found.add(_digest(form, salt))
    return found


def _truth() -> tuple[dict[str, list[object]], dict[str, dict[object, list[object]]]]:
    """Candidate answers: whole answers per exercise, and per-item candidates per exercise and item key."""
    backlog = exercises.load_data("backlog")
    rice = backlog["reach"] * backlog["impact"] * backlog["confidence"].fillna(0.5) / backlog["effort"]
    ranked = backlog.assign(rice=rice).sort_values("rice", ascending=False)
    plan, left = [], exercises.CAPACITY
    for row in ranked.itertuples():
        if row.effort <= left:
            plan.append(row.ticket)
            left -= row.effort
    events, tickets = exercises.load_data("beta_events"), exercises.load_data("beta_tickets")
    beta = events[events["cohort"] == "beta"]
    counts = events["event"].value_counts()
    per_day = tickets.groupby("cohort")["tickets"].mean()
    funnel_events = exercises.load_data("onboarding_events")
    steps = list(exercises.FUNNEL_STEPS)
    funnel = funnel_events.groupby("step")["user_id"].nunique().reindex(steps)
    triage = exercises.load_data("triage_tickets")
    groups = triage.groupby("text").agg(tickets=("ticket_id", "count"), users=("users_affected", "sum"))
    notes = exercises.load_data("interview_notes")
    whole = {
        "backlog-capacity": [plan],
        "beta-metrics": [beta.loc[beta["event"] == "feature_used", "user_id"].nunique() / beta["user_id"].nunique(),
                         counts["error"] / counts["feature_used"],
                         (per_day["beta"] - per_day["control"]) / per_day["control"] * 100],
        "onboarding-funnel": [*steps, *(dict(zip(exercises.FUNNEL_SEGMENTS, c, strict=True))
                                        for c in itertools.product(steps[1:], repeat=3))],
        "interview-synthesis": [list(p) for p in itertools.permutations(exercises.THEMES, 3)],
    }
    items = {
        "backlog-capacity": {t: [float(r)] for t, r in zip(backlog["ticket"], rice, strict=True)},
        "onboarding-funnel": {**{s: [int(funnel[s])] for s in steps},
                              **{g: steps[1:] for g in exercises.FUNNEL_SEGMENTS}},
        "ticket-triage": {**{t: list(exercises.TRIAGE_AREAS) + list(exercises.SEVERITIES) for t in triage["text"]},
                          **{t: list(exercises.TRIAGE_AREAS) for t in triage["ticket_id"]},
                          **{t: [[int(a), int(b)]] for t, a, b in zip(groups.index, groups["tickets"],
                                                                      groups["users"], strict=True)}},
        "interview-synthesis": {**{n: list(exercises.THEMES) for n in notes["note"].unique()},
                                **{t: list(range(notes["customer"].nunique() + 1)) for t in exercises.THEMES}},
        "role-sort": {n: ["A", "J"] for n in range(1, 21)},
        "prd-vs-stories": {n: ["P", "B"] for n in range(1, 13)},
    }
    return whole, items


def _recovered(texts: dict[str, str]) -> list[str]:
    """What the attack recovers from ``texts``: one line per graded answer whose digest is among their tokens."""
    tokens = {t for text in texts.values() for t in _HEX.findall(text)}
    if not tokens:
        return []
    seen_salts = {s for text in texts.values() for s in _SALT.findall(text)}
    whole, items = _truth()
    found = []
    for exercise in exercise_ids():
        salts = {f"{exercise}:{n}" for n in _NAMES} | {s for s in seen_salts if s.startswith(exercise)}
        for value in whole.get(exercise, []):
            for salt in salts:
                if _digests(value, salt) & tokens:
                    found.append(f"{exercise}: {value!r} (salt {salt!r})")
        for key, candidates in items.get(exercise, {}).items():
            for salt, value in itertools.product(salts, candidates):
                if _digests(value, f"{salt}:{key}") & tokens:
                    found.append(f"{exercise}: {key!r} is {value!r} (salt {salt!r})")
    return found


def test_nothing_shipped_lets_the_inversion_attack_recover_a_graded_answer():
    recovered = _recovered(_shipped())
    assert recovered == [], f"{len(recovered)} graded answers recovered, e.g. {recovered[:5]}"


def test_the_attack_finds_a_planted_digest():
    """The attack itself works: one digest of the old kind, planted in a shipped text, is recovered."""
    texts = _shipped()
    planted = next(iter(_digests("J", "role-sort:tasks:1")))
    texts["pmkit/exercises/visible_keys.json"] = json.dumps({"role-sort": {"tasks-1-4": {"1": planted}}})
    assert any(line.startswith("role-sort: 1 is 'J'") for line in _recovered(texts))


@pytest.mark.parametrize("exercise", exercise_ids())
def test_no_release_holds_a_composite_answer_in_clear_text(exercise):
    """The graded answers that are sequences (a sprint plan, a label per task) appear in no visible cell."""
    import nbformat

    release = nbformat.read(REPO / "exercises" / exercise / f"{exercise}.ipynb", as_version=4)
    code = "\n".join(c.source for c in release.cells if c.cell_type == "code")
    whole, _ = _truth()
    plan = whole["backlog-capacity"][0]
    assert not re.search(r"[^\n]*".join(map(re.escape, plan[:4])), code), "the sprint plan is in a visible cell"
    assert not re.search(r"\b\d+:\s*['\"][AJPB]['\"]\s*,\s*\d+:\s*['\"][AJPB]['\"]", code), "a label key is visible"
    assert "visible_key" not in code and "digest" not in code
