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
    """Six sprints of the mobile app refresh: what was planned, delivered and carried over."""
    streams = ["design handoff", "engineering", "QA", "customer success docs"]
    rows: list[list[object]] = []
    start = dt.date(2025, 5, 5)
    for sprint in range(1, 7):
        for stream in streams:
            planned = rng.randint(2, 6)
            rows.append([sprint, (start + dt.timedelta(weeks=2 * (sprint - 1))).isoformat(), stream,
                         planned, planned, rng.choice([0, 0, 0, 1])])
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


DATASETS = {
    "cases/support_tickets.csv": (["week", "category", "tickets"], support_tickets),
    "cases/sprint_deliverables.csv": (
        ["sprint", "sprint_start", "stream", "planned", "delivered", "carried_in"], sprint_deliverables),
    "cases/escalations.csv": (["month", "reason", "escalations", "churned_sellers"], escalations),
}


def generate(out: Path = HERE) -> list[Path]:
    """Write every synthetic data set under ``out``; each gets its own seeded generator."""
    written = []
    for offset, (relative, (header, make)) in enumerate(sorted(DATASETS.items())):
        rng = random.Random(SEED + offset)
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
