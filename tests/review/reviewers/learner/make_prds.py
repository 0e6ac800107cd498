"""Write the learner-answer PRDs (the prd exercise's "receipt preview in approvals" prompt) and their labels.

Each PRD is put together from parts a learner might write: several ways to name each section, good,
mediocre and bad metric lines, sections left out. The labels follow from the parts chosen, so they are
exact. Seeded: ``python -m tests.review.reviewers.learner.make_prds`` writes the same files every time.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

HEADINGS = {
    "problem": ["Problem", "Background", "Problem statement", "Why now", "Context", "The problem"],
    "users": ["Users", "Target users", "Who is it for", "Personas", "Audience"],
    "goals": ["Goals", "Objectives", "Desired outcomes", "Goal"],
    "metrics": ["Success metrics", "KPIs", "Metrics", "How we will measure success", "Key results"],
    "scope": ["MVP scope", "Scope", "Proposed solution", "What we are building", "MVP"],
    "non_goals": ["Non-goals", "Out of scope", "Not in scope", "What we are not doing"],
    "requirements": ["Requirements", "Functional requirements", "Prioritised requirements", "User stories"],
    "risks": ["Risks", "Risks and assumptions", "Risks and mitigations", "Assumptions"],
    "launch": ["Launch and monitoring", "Rollout plan", "Launch plan", "Release plan", "Rollout & monitoring"],
}
BODIES = {
    "problem": ["Approvers open each receipt in a new tab before approving; interviews with 14 approvers put the "
                "median time to approve an expense at 40 seconds. Finance re-checks 30% of approvals by hand.",
                "Approving an expense takes a median of 40 s because the receipt opens in another tab, and finance "
                "re-checks about a third of approvals because approvers skip the receipt."],
    "users": ["Team leads at companies of 10 to 200 people who approve ten or more expenses a week.",
              "- Approvers (mostly team leads)\n- Finance reviewers who re-check approvals"],
    "goals": ["Approvers judge an expense without leaving the approval screen; finance trusts approvals again.",
              "- Faster approvals\n- Fewer manual re-checks by finance"],
    "scope": ["- Receipt thumbnail beside each expense in the approval list\n- Full-size preview on click",
              "A preview pane in the approval screen that shows the receipt image or PDF."],
    "non_goals": ["- Multi-currency expenses\n- Mileage claims", "Multi-currency and mileage claims wait for a later "
                  "release."],
    "requirements": ["- P0: show the receipt beside the expense\n- P0: approve from the preview\n- P1: zoom the "
                     "receipt\n- P2: rotate the receipt",
                     "| Priority | Requirement |\n|---|---|\n| P0 | Receipt preview in the approval screen |\n"
                     "| P1 | Zoom and rotate |"],
    "risks": ["- Large PDFs may load slowly; mitigate with thumbnails\n- Approvers may still skip the receipt",
              "Receipts of poor quality may be unreadable. We assume most receipts are photos."],
    "launch": ["Beta with five customer companies for two weeks, then everyone; watch time to approve daily and "
               "roll back if errors rise.", "- Week 1: internal\n- Week 2: 10% of companies\n- Week 4: all"],
}
#: (line, name key, has target, has timeframe)
METRICS = [
    ("Median time to approve an expense: from 40 s to 15 s within 30 days of launch", "time to approve", True, True),
    ("Share of approvals re-checked by finance: from 30% to 10% by end of Q3", "re-checked", True, True),
    ("Median approval time: 40 s -> 15 s in 30 days", "approval time", True, True),
    ("Finance re-checks: 30% to 10% by the end of Q3", "Finance re-checks", True, True),
    ("Approval time under 15 s within 30 days of launch", "Approval time", True, True),
    ("Re-check rate \u2264 10% by end of Q3", "Re-check rate", True, True),
    ("Time to approve goes down", "Time to approve", False, False),
    ("Fewer re-checks by finance", "Fewer re-checks", False, False),
    ("Approval time: 15 s", "Approval time", True, False),
    ("Re-check rate falls within 30 days of launch", "Re-check rate", False, True),
    ("Approvers open 70%+ of receipts by Q3", "Approvers open", True, True),
    ("Approvals per approver per week: at least 10 by the end of Q3", "Approvals per approver", True, True),
]


def build(seed: int = 22) -> dict[str, dict]:
    """Write the PRDs under prds/ and return their labels."""
    rng = random.Random(seed)
    labels: dict[str, dict] = {}
    for number in range(1, 23):
        quality = ("good", "mediocre", "bad")[number % 3]
        drop = {"good": 0, "mediocre": 1, "bad": 3}[quality]
        present = [s for s in HEADINGS]
        for name in rng.sample([s for s in present if s != "metrics"], drop):
            present.remove(name)
        style = rng.choice(["atx", "atx", "atx-numbered", "bold"])
        lines = ["# Receipt preview in approvals", ""]
        metrics: list[dict] = []
        for index, section in enumerate(present, 1):
            title = rng.choice(HEADINGS[section])
            heading = {"atx": f"## {title}", "atx-numbered": f"## {index}. {title}", "bold": f"**{title}**"}[style]
            lines.append(heading)
            if section == "metrics":
                pool = METRICS[:6] if quality == "good" else METRICS
                chosen = rng.sample(pool, 2 if quality == "bad" else 3)
                for line, key, target, timeframe in chosen:
                    lines.append(f"- {line}")
                    metrics.append({"key": key, "target": target, "timeframe": timeframe})
            else:
                lines.append(rng.choice(BODIES[section]))
            lines.append("")
        name = f"learner-{number:02d}-{quality}.md"
        (HERE / "prds" / name).write_text("\n".join(lines), encoding="utf-8")
        labels[name] = {"quality": quality, "sections": present, "metrics": metrics}
    return labels


def main() -> None:
    """Write the files and prds.json."""
    (HERE / "prds").mkdir(exist_ok=True)
    labels = {"_about": "Learner-answer PRDs written by make_prds.py (seeded); labels as in ../prds.json."}
    labels |= build()
    (HERE / "prds.json").write_text(json.dumps(labels, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
