"""Write chapter 10's synthetic practice data: ``practice_requests.csv`` and ``practice_funnel.csv``.

Run ``python datasets/course/generate_practice.py``; the seed is fixed, so the files come out
byte for byte the same every time (a test regenerates them and compares). The data is synthetic,
made for the course: an invoicing app's support requests and its trial funnel, shaped so that the
pandas lessons show up (requests and distinct customers rank topics differently; the largest
week-over-week drop is not the quietest week; the largest drop-off in share is not the largest in users).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

SEED = 10
FIRST_WEEK = dt.date(2025, 9, 1)
#: Requests per week before the outage; week 5 adds the outage's login requests, week 6 is back to normal.
WEEKLY = (30, 41, 44, 40, 38, 36, 35, 37)
OUTAGE_WEEK, OUTAGE_REQUESTS = 5, 30
#: Export questions come from every customer; the other topics mostly from the heaviest users.
REGULARS = 24
TOPICS = {"billing": 0.26, "invoices": 0.24, "export": 0.22, "integrations": 0.18, "login": 0.10}
PLANS = ("free", "pro", "team")
FIRST = ("Blue", "North", "Bright", "Oak", "River", "Copper")
SECOND = ("Bakery", "Studio", "Garage", "Clinic", "Books", "Florist")
STEPS = ("visit_pricing", "start_trial", "create_invoice", "send_invoice", "pay")
#: Users reaching each step, per segment: freelancers stall at sending, agencies at starting the trial.
FUNNEL = {"freelancer": (120, 80, 72, 24, 20), "agency": (80, 44, 36, 26, 20)}


def requests(rng: random.Random) -> list[list[str]]:
    """One row per support request: request_id, week, customer, plan, topic."""
    customers = [f"{a} {b}" for a in FIRST for b in SECOND]
    plan_of = {c: PLANS[i % 3] for i, c in enumerate(customers)}
    outage_customers = [customers[2], customers[17]]  # two team-plan customers who write again and again
    rows = []
    for number, total in enumerate(WEEKLY, start=1):
        week = FIRST_WEEK + dt.timedelta(weeks=number - 1)
        topics = rng.choices(list(TOPICS), weights=list(TOPICS.values()), k=total)
        picked = [(rng.choice(customers if topic == "export" else customers[:REGULARS]), topic) for topic in topics]
        if number == OUTAGE_WEEK:
            picked += [(outage_customers[i % 2], "login") for i in range(OUTAGE_REQUESTS)]
        for customer, topic in picked:
            rows.append([week.isoformat(), customer, plan_of[customer], topic])
    return [[f"R-{i:04d}", *row] for i, row in enumerate(rows, start=1)]


def funnel(rng: random.Random) -> list[list[str]]:
    """One row per user and trial step reached: user_id, segment, step."""
    rows, next_id = [], 1
    for segment, counts in FUNNEL.items():
        users = [f"t{next_id + i:04d}" for i in range(counts[0])]
        next_id += counts[0]
        rng.shuffle(users)
        for step, count in zip(STEPS, counts, strict=True):
            rows += [[user, segment, step] for user in users[:count]]
    return sorted(rows)


def write(folder: Path) -> None:
    """Write both files into ``folder``."""
    rng = random.Random(SEED)
    for name, header, rows in (("practice_requests.csv", ["request_id", "week", "customer", "plan", "topic"],
                                requests(rng)),
                               ("practice_funnel.csv", ["user_id", "segment", "step"], funnel(rng))):
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
