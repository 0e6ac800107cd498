"""Seeded generator of every synthetic data set in datasets/ (the role data is not synthetic).

    python datasets/generate.py            # rewrite the files in place
    python datasets/generate.py --out DIR  # write them under DIR instead (the tests compare)

The same seed gives the same bytes on every machine: only Python's own ``random.Random`` is used
(its algorithm is fixed across versions), and floats are rounded before they are written. Each
data set is realistic rather than tidy: weekly seasonality, noise, outliers and, where real exports
have them, missing values. Figures the articles give are hit exactly: case 1's support tickets
fall by 30% after the launch.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

SEED = 20261121
HERE = Path(__file__).resolve().parent


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method for small means, a rounded normal for large ones)."""
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


# --- case 1: support tickets before and after the role management launch -------------------------

LAUNCH = dt.date(2025, 3, 3)
TICKET_CATEGORIES = {  # weekly mean before launch, share that remains after launch
    "permissions": (38.0, 0.18),
    "billing": (14.0, 1.0),
    "integrations": (11.0, 1.0),
    "reporting": (9.0, 1.0),
    "other": (8.0, 1.0),
}


def support_tickets(rng: random.Random) -> list[list[object]]:
    """Weekly admin-dashboard tickets per category, 16 weeks either side of the launch.

    The permissions category collapses after the simpler role management ships; the total drop
    is then nudged, on permissions counts only, to exactly 30% as in the article.
    """
    weeks = [LAUNCH + dt.timedelta(weeks=w) for w in range(-16, 16)]
    rows: list[list[object]] = []
    for week in weeks:
        after = week >= LAUNCH
        season = 1.0 + 0.08 * math.sin(2 * math.pi * week.toordinal() / 91)
        for category, (mean, kept) in TICKET_CATEGORIES.items():
            rows.append([week.isoformat(), category, _poisson(rng, mean * season * (kept if after else 1.0))])
    before_rows = [r for r in rows if dt.date.fromisoformat(str(r[0])) < LAUNCH]
    before = sum(int(r[2]) for r in before_rows)
    # Round the before total down to a multiple of ten so that a 30% drop is a whole number.
    [r for r in before_rows if r[1] == "permissions"][-1][2] -= before % 10
    before -= before % 10
    after_rows = [r for r in rows if dt.date.fromisoformat(str(r[0])) >= LAUNCH]
    target = before * 7 // 10
    gap = target - sum(int(r[2]) for r in after_rows)
    perms = [r for r in after_rows if r[1] == "permissions"]
    for i in range(abs(gap)):  # spread the correction over the weeks after launch
        row = perms[-1 - (i % len(perms))]
        row[2] = max(0, int(row[2]) + (1 if gap > 0 else -1))
    return rows


# --- case 2: the fintech app refresh, sprint by sprint ------------------------------------------

def sprint_deliverables(rng: random.Random) -> list[list[object]]:
    """Six sprints of the mobile app refresh: what was planned and what was delivered (all of it)."""
    streams = ["design handoff", "engineering", "QA", "customer success docs"]
    rows: list[list[object]] = []
    start = dt.date(2025, 5, 5)
    for sprint in range(1, 7):
        for stream in streams:
            planned = rng.randint(2, 6)
            rows.append([sprint, (start + dt.timedelta(weeks=2 * (sprint - 1))).isoformat(), stream,
                         planned, planned])
    return rows


# --- case 3: support escalations at a marketplace and the churn pattern behind them ------------

ESCALATION_REASONS = {  # monthly mean; the recurring churn driver is the payout delay
    "payout delay": 21.0,
    "listing rejected": 9.0,
    "search ranking": 7.0,
    "fees": 6.0,
    "account access": 5.0,
}


def escalations(rng: random.Random) -> list[list[object]]:
    """Monthly escalations by reason, with the share of escalating sellers who churned.

    About one month in twelve the churn figure is missing, as in a real export.
    """
    rows: list[list[object]] = []
    for month in range(1, 13):
        label = f"2024-{month:02d}"
        for reason, mean in ESCALATION_REASONS.items():
            count = _poisson(rng, mean * (1.0 + 0.04 * month if reason == "payout delay" else 1.0))
            churn_rate = 0.34 if reason == "payout delay" else 0.08
            churned = sum(rng.random() < churn_rate for _ in range(count))
            missing = rng.random() < 1 / 12
            rows.append([label, reason, count, "" if missing else churned])
    return rows


# --- exercise: onboarding funnel -----------------------------------------------------------------

FUNNEL_STEPS = ("signup", "verify_email", "create_workspace", "invite_teammate", "first_project")
FUNNEL_USERS = 3000
FUNNEL_SEGMENTS = {  # share of users, and the chance of reaching each step from the previous one
    "self-serve": (0.55, (0.70, 0.92, 0.60, 0.86)),
    "sales-led": (0.25, (0.95, 0.66, 0.90, 0.52)),
    "education": (0.20, (0.70, 0.62, 0.92, 0.90)),
}
#: Extra events a user may send for a step already reached (a resent verification email, one event per
#: teammate invited, a tracker that fires twice): the chance of repeating, and the most extra events.
FUNNEL_REPEATS = {"signup": (0.03, 1), "verify_email": (0.35, 3), "create_workspace": (0.05, 1),
                  "invite_teammate": (0.60, 4), "first_project": (0.05, 1)}


def onboarding_events(rng: random.Random) -> list[list[object]]:
    """Onboarding events: a row each time a user sends a step's event, so repeats exist; ~2% of timestamps lost.

    The step with the largest share of users lost is not the one with the most users lost, overall and in
    every segment, so ranking by share and ranking by count give different answers.
    """
    rows: list[list[object]] = []
    start = dt.datetime(2025, 9, 1, 8, 0)
    names = list(FUNNEL_SEGMENTS)
    weights = [FUNNEL_SEGMENTS[n][0] for n in names]
    for number in range(1, FUNNEL_USERS + 1):
        segment = rng.choices(names, weights)[0]
        moment = start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 28))
        for index, step in enumerate(FUNNEL_STEPS):
            if index and rng.random() > FUNNEL_SEGMENTS[segment][1][index - 1]:
                break
            chance, most = FUNNEL_REPEATS[step]
            extra = rng.randint(1, most) if rng.random() < chance else 0
            for _ in range(1 + extra):
                moment += dt.timedelta(minutes=rng.expovariate(1 / (30 + 400 * index)))
                stamp = "" if rng.random() < 0.02 else moment.isoformat(timespec="seconds")
                rows.append([f"u{number:05d}", segment, step, stamp])
    return rows


# --- exercise: backlog under capacity -------------------------------------------------------------

BACKLOG_TITLES = [
    ("bug", "Export to CSV drops rows with commas"), ("feature", "Bulk edit of user roles"),
    ("feature", "Saved filters on the reports page"), ("bug", "Password reset email arrives late"),
    ("tech-debt", "Upgrade the payments SDK"), ("feature", "Slack notifications for approvals"),
    ("bug", "Dashboard totals off by one day in UTC-8"), ("feature", "Dark mode"),
    ("feature", "SAML single sign-on"), ("bug", "Search ignores accented characters"),
    ("tech-debt", "Remove the legacy reporting service"), ("feature", "In-app onboarding checklist"),
    ("bug", "Mobile layout breaks on invoice page"), ("feature", "Audit log export"),
    ("feature", "Custom fields on projects"), ("bug", "Duplicate webhook deliveries"),
    ("tech-debt", "Add tests to the billing module"), ("feature", "Weekly email digest"),
    ("bug", "Timezone missing from scheduled reports"), ("feature", "Keyboard shortcuts"),
    ("feature", "Two-factor authentication by app"), ("bug", "Slow load of the projects list"),
    ("tech-debt", "Split the monolith's auth module"), ("feature", "Public API rate-limit headers"),
    ("bug", "Typo in the trial-expiry banner"),
]


def backlog(rng: random.Random) -> list[list[object]]:
    """25 tickets with RICE inputs; two have no confidence estimate yet, as real backlogs do."""
    rows: list[list[object]] = []
    missing = set(rng.sample(range(len(BACKLOG_TITLES)), 2))
    for index, (kind, title) in enumerate(BACKLOG_TITLES):
        reach = round(rng.lognormvariate(6.2, 1.0), -1) or 10
        impact = rng.choice([0.25, 0.5, 1, 1, 2, 3])
        confidence = "" if index in missing else rng.choice([0.5, 0.8, 0.8, 1.0])
        effort = rng.choice([1, 2, 2, 3, 3, 5, 5, 8, 13])
        rows.append([f"PM-{101 + index}", title, kind, int(reach), impact, confidence, effort])
    return rows


# --- exercise: beta metrics -----------------------------------------------------------------------

def beta_events(rng: random.Random) -> list[list[object]]:
    """Four weeks of a feature beta: sessions, feature use and errors for beta and control users."""
    rows: list[list[object]] = []
    for number in range(1, 401):
        cohort = "beta" if number <= 200 else "control"
        active_days = sorted(rng.sample(range(1, 29), rng.randint(3, 20)))
        for day in active_days:
            rows.append([f"b{number:04d}", cohort, day, "session"])
            if cohort == "beta" and rng.random() < 0.42:
                rows.append([f"b{number:04d}", cohort, day, "feature_used"])
                if rng.random() < 0.06:
                    rows.append([f"b{number:04d}", cohort, day, "error"])
    return rows


def beta_tickets(rng: random.Random) -> list[list[object]]:
    """Support tickets per day of the beta from each cohort: the control group is the comparison."""
    rows: list[list[object]] = []
    for day in range(1, 29):
        weekday = 0.55 if day % 7 in (6, 0) else 1.0  # the beta starts on a Monday
        for cohort, mean in (("beta", 4.6), ("control", 6.0)):
            rows.append([day, cohort, _poisson(rng, mean * weekday)])
    return rows


# --- exercise: ticket triage and interview synthesis (texts with known labels) --------------------

TRIAGE_INCIDENTS = [  # (area, kind, summary, users affected as each report gives it)
    # kinds: blocked (users cannot work), lost (money or data lost), security, wrong (a wrong, slow or
    # late result with a workaround), cosmetic (looks and wording), request (something new)
    ("login", "blocked", "SSO sign-in returns error 500 on the login page", [30, 25, 12]),
    ("login", "blocked", "Password reset link says it has expired as soon as it is opened", [3, 1, 2, 1]),
    ("login", "cosmetic", "Login page says 'Sign on' but its button says 'Log in'", [1]),
    ("billing", "lost", "Customers charged twice for the October plan", [1, 1, 1, 1, 1]),
    ("billing", "wrong", "Invoice PDF shows the wrong VAT number", [4, 2, 3]),
    ("billing", "request", "Could the invoice email include our purchase order number?", [1]),
    ("performance", "blocked", "Projects page never finishes loading and then times out", [80]),
    ("performance", "wrong", "Reports take over a minute to load since the last release", [15, 20, 9]),
    ("performance", "blocked", "Mobile app closes as soon as a project is opened", [2, 4, 3]),
    ("data-export", "lost", "CSV export leaves out the rows that contain commas", [5]),
    ("data-export", "wrong", "Excel export shows dates in the wrong format", [6, 3, 2]),
    ("data-export", "cosmetic", "Typo in the export dialog title", [1]),
    ("notifications", "security", "Security alert emails are not sent to any admin", [12]),
    ("notifications", "wrong", "Slack notifications arrive 20 minutes late", [10, 25, 8, 4]),
    ("notifications", "request", "Please let us choose the notification sound", [1]),
    ("notifications", "blocked", "Nobody in the workspace can open the notifications panel", [20, 18, 15]),
]
TRIAGE_CUSTOMERS = ["Northwind", "Bluebird Labs", "Kestrel Retail", "Orchid Health", "Pine & Co", "Quarry Games",
                    "Riverside School", "Solace Travel", "Tandem Legal", "Umber Foods", "Vesta Energy",
                    "Willow Studio", "Xylo Media", "Yarrow Farms", "Zephyr Logistics", "Atlas Print"]


def triage_severity(kind: str, users: int) -> str:
    """The exercise's severity rules: P1 money or data lost, security, or 50+ users blocked in all."""
    if kind in ("lost", "security") or (kind == "blocked" and users >= 50):
        return "P1"
    return "P2" if kind in ("blocked", "wrong") else "P3"


def triage_tickets(rng: random.Random, with_labels: bool = False) -> list[list[object]]:
    """A week of support tickets, several reporting the same incident (area, severity known only here)."""
    start = dt.datetime(2025, 10, 6, 9, 0)
    reports = []
    for incident, (area, kind, summary, users) in enumerate(TRIAGE_INCIDENTS, start=1):
        first = start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 4))
        severity = triage_severity(kind, sum(users))
        customers = rng.sample(TRIAGE_CUSTOMERS, len(users))
        for number, (count, customer) in enumerate(zip(users, customers, strict=True)):
            moment = first + dt.timedelta(minutes=rng.randint(10, 60 * 30) if number else 0)
            reports.append((moment, rng.choice(["email", "chat", "in-app", "phone"]), customer, count, summary,
                            area, severity, incident))
    rows: list[list[object]] = []
    for index, (moment, channel, customer, count, summary, area, severity, incident) in enumerate(sorted(reports),
                                                                                                  start=1):
        row: list[object] = [f"T-{index:03d}", moment.isoformat(timespec="minutes"), channel, customer, count, summary]
        rows.append([*row, area, severity, incident] if with_labels else row)
    return rows


INTERVIEW_THEMES = {
    "onboarding": ["Setting up the first project took me most of a day",
                   "I did not know where to start after signing up",
                   "The setup wizard skipped the step I needed", "Our new hires get lost in the first week"],
    "integrations": ["We need it to talk to Salesforce", "No integration with our accounting tool",
                     "I copy data by hand from Jira every week", "The API is missing the endpoints we need"],
    "reporting": ["Reports are too slow to use in meetings", "I cannot build the report my boss asks for",
                  "Exports break the charts", "Monthly reporting takes me hours",
                  "Charts cannot be filtered by team", "Scheduled reports arrive empty"],
    "pricing": ["The price jumps too much between plans", "We pay for seats nobody uses",
                "Hard to justify the cost to finance"],
    "permissions": ["I cannot give a contractor read-only access", "Roles are confusing for our admins",
                    "Someone deleted a project they should not have seen"],
}
INTERVIEW_WEIGHTS = {"onboarding": 6, "integrations": 4, "reporting": 2, "pricing": 1, "permissions": 3}
#: How many notes a customer who raises a theme gives it: reporting users go on about it at length, so
#: counting notes and counting customers rank the themes differently.
INTERVIEW_REPEATS = {"onboarding": (1, 2), "integrations": (1, 1), "reporting": (3, 5), "pricing": (1, 1),
                     "permissions": (1, 2)}


def interview_notes(rng: random.Random, with_labels: bool = False) -> list[list[object]]:
    """Notes from 18 customer interviews, one pain point per row (the theme known only to the generator)."""
    rows: list[list[object]] = []
    segments = ["SMB", "mid-market", "enterprise"]
    themes = list(INTERVIEW_THEMES)
    weights = [INTERVIEW_WEIGHTS[t] for t in themes]
    for number in range(1, 19):
        customer = f"Customer {chr(64 + number)}"
        segment = rng.choice(segments)
        for theme in sorted(set(rng.choices(themes, weights, k=rng.randint(2, 4))), key=themes.index):
            low, high = INTERVIEW_REPEATS[theme]
            count = min(rng.randint(low, high), len(INTERVIEW_THEMES[theme]))
            for note in rng.sample(INTERVIEW_THEMES[theme], count):
                row: list[object] = [f"I-{number:02d}", customer, segment, note]
                rows.append([*row, theme] if with_labels else row)
    return rows


DATASETS = {
    "cases/support_tickets.csv": (["week", "category", "tickets"], support_tickets),
    "cases/sprint_deliverables.csv": (
        ["sprint", "sprint_start", "stream", "planned", "delivered"], sprint_deliverables),
    "cases/escalations.csv": (["month", "reason", "escalations", "churned_sellers"], escalations),
    "exercises/onboarding_events.csv": (["user_id", "segment", "step", "reached_at"], onboarding_events),
    "exercises/backlog.csv": (["ticket", "title", "type", "reach", "impact", "confidence", "effort"], backlog),
    "exercises/beta_events.csv": (["user_id", "cohort", "day", "event"], beta_events),
    "exercises/beta_tickets.csv": (["day", "cohort", "tickets"], beta_tickets),
    "exercises/triage_tickets.csv": (
        ["ticket_id", "created", "channel", "customer", "users_affected", "text"], triage_tickets),
    "exercises/interview_notes.csv": (["interview_id", "customer", "segment", "note"], interview_notes),
}


#: Each data set's seed offset, fixed so that adding or renaming one leaves the others' bytes alone.
OFFSETS = {
    "cases/escalations.csv": 0, "cases/sprint_deliverables.csv": 1, "cases/support_tickets.csv": 2,
    "exercises/backlog.csv": 3, "exercises/beta_events.csv": 4, "exercises/interview_notes.csv": 5,
    "exercises/beta_tickets.csv": 6, "exercises/onboarding_events.csv": 7, "exercises/triage_tickets.csv": 8,
}


def labels(relative: str) -> list[list[object]]:
    """The rows of a labelled data set with their hidden labels (for writing answer keys)."""
    make = DATASETS[relative][1]
    return make(random.Random(SEED + OFFSETS[relative]), with_labels=True)


def generate(out: Path = HERE) -> list[Path]:
    """Write every synthetic data set under ``out``; each gets its own seeded generator."""
    written = []
    for relative, (header, make) in sorted(DATASETS.items()):
        rng = random.Random(SEED + OFFSETS[relative])
        path = out / relative
        _write(path, header, make(rng))
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: datasets/)")
    for path in generate(parser.parse_args().out):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
