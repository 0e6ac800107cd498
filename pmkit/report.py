"""Cohort reports: the gradebook as CSV, and an offline HTML dashboard for instructors.

The dashboard shows each exercise's score distribution, each learner's APM-skill versus JPM-skill
profile (their average on exercises that practise each role's work) and the learners at risk. Its
charts are altair specs inlined with vega's JavaScript, so the page opens with no network.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

from pmkit.grading import gradebook

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

#: Which role's work each exercise practises (the wrap-up chapter's table says the same to learners).
SKILL = {"role-sort": "both", "user-stories": "JPM", "prd": "APM", "prd-vs-stories": "both",
         "onboarding-funnel": "APM", "backlog-capacity": "JPM", "beta-metrics": "APM", "ticket-triage": "JPM",
         "interview-synthesis": "JPM"}
#: A learner is at risk below this average, or with this many exercises missing or failed.
AT_RISK_PCT, AT_RISK_MISSING = 50.0, 2


def scores(root: Path, db_url: str) -> pd.DataFrame:
    """One row per learner and released exercise: status, score, max_score, pct, skill."""
    import pandas as pd
    from nbgrader.api import MissingEntry

    rows = []
    with gradebook(db_url) as book:
        learners = sorted(s.id for s in book.students)
        for assignment in sorted(book.assignments, key=lambda a: a.name):
            state_file = root / ".pmkit" / f"grading-{assignment.name}.json"
            state = json.loads(state_file.read_text(encoding="utf-8")) if state_file.is_file() else {}
            for learner in learners:
                status = state.get(learner, {}).get("status", "missing")
                score = None
                try:
                    submission = book.find_submission(assignment.name, learner)
                    score = float(submission.score)
                except MissingEntry:  # no graded submission
                    status = "failed" if status == "failed" else "missing"
                rows.append({"learner": learner, "exercise": assignment.name, "status": status,
                             "score": score, "max_score": float(assignment.max_score),
                             "skill": SKILL.get(assignment.name, "both")})
    frame = pd.DataFrame(rows, columns=["learner", "exercise", "status", "score", "max_score", "skill"])
    frame["pct"] = (frame["score"] / frame["max_score"] * 100).round(1)
    return frame


def profiles(frame: pd.DataFrame) -> pd.DataFrame:
    """Per learner: average % on APM-skill and JPM-skill exercises, overall, and missing or failed count."""
    import pandas as pd

    graded = frame.assign(pct=frame["pct"].fillna(0))
    out = pd.DataFrame({"learner": sorted(frame["learner"].unique())}).set_index("learner")
    for skill in ("APM", "JPM"):
        mine = graded[graded["skill"] == skill]
        out[f"{skill.lower()}_pct"] = mine.groupby("learner")["pct"].mean().round(1)
    out["overall_pct"] = graded.groupby("learner")["pct"].mean().round(1)
    out["missing_or_failed"] = frame[frame["status"] != "graded"].groupby("learner").size()
    out = out.fillna({"missing_or_failed": 0}).astype({"missing_or_failed": int})
    out["at_risk"] = (out["overall_pct"] < AT_RISK_PCT) | (out["missing_or_failed"] >= AT_RISK_MISSING)
    return out.reset_index()


def dashboard_chart(frame: pd.DataFrame, people: pd.DataFrame) -> alt.VConcatChart:
    """The two dashboard charts, stacked: score distributions and skill profiles."""
    import altair as alt

    from pmkit import charts

    graded = frame[frame["status"] == "graded"]
    distribution = charts.titled(
        alt.Chart(graded).mark_tick(thickness=3, size=18).encode(
            x=alt.X("pct:Q", title="Score (% of points)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("exercise:N", title=None),
            color=alt.Color("skill:N", scale=alt.Scale(domain=["APM", "JPM", "both"], range=list(charts.PALETTE[:3])),
                            legend=alt.Legend(title="Practises", orient="top")),
            tooltip=["learner:N", "exercise:N", alt.Tooltip("pct:Q", title="%")]),
        title="Score distribution per exercise",
        description=f"One tick per graded submission: {len(graded)} submissions over "
                    f"{graded['exercise'].nunique()} exercises, coloured by the role each exercise practises.",
        width=560)
    profile = charts.titled(
        alt.Chart(people).mark_point(filled=True, size=120).encode(
            x=alt.X("apm_pct:Q", title="APM-skill exercises (average %)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("jpm_pct:Q", title="JPM-skill exercises (average %)", scale=alt.Scale(domain=[0, 100])),
            shape=alt.Shape("at_risk:N", scale=alt.Scale(domain=[False, True], range=["circle", "triangle"]),
                            legend=alt.Legend(title="At risk", orient="top")),
            color=alt.Color("at_risk:N", scale=alt.Scale(domain=[False, True],
                                                          range=[charts.PALETTE[0], charts.PALETTE[5]]), legend=None),
            tooltip=["learner:N", "apm_pct:Q", "jpm_pct:Q", "overall_pct:Q", "missing_or_failed:Q"]),
        title="Each learner's APM-skill versus JPM-skill profile",
        description=f"Scatter of {len(people)} learners: average score on exercises practising APM work against "
                    "those practising JPM work; triangles are learners at risk.",
        width=360, height=360)
    return alt.vconcat(distribution, profile)


def write(root: Path, db_url: str, out: Path | None = None) -> tuple[Path, Path]:
    """Write ``reports/gradebook.csv`` and ``reports/dashboard.html``; return their paths."""
    out = out or root / "reports"
    out.mkdir(parents=True, exist_ok=True)
    frame = scores(root, db_url)
    people = profiles(frame)
    csv_path = out / "gradebook.csv"
    frame.to_csv(csv_path, index=False)
    page = dashboard_chart(frame, people).to_html(inline=True)
    risky = people[people["at_risk"]]
    rows = "".join(f"<tr><td>{html.escape(r.learner)}</td><td>{r.overall_pct:g}%</td>"
                   f"<td>{r.missing_or_failed}</td></tr>" for r in risky.itertuples())
    table = (f"<h2>Learners at risk ({len(risky)})</h2><p>Average below {AT_RISK_PCT:g}%, or "
             f"{AT_RISK_MISSING} or more exercises missing or failed.</p><table border='1' cellpadding='4'>"
             f"<tr><th>Learner</th><th>Average</th><th>Missing or failed</th></tr>{rows}</table>")
    heading = "<h1>Cohort dashboard</h1>"
    page = page.replace("<body>", f"<body>{heading}", 1).replace("</body>", f"{table}</body>", 1)
    html_path = out / "dashboard.html"
    html_path.write_text(page, encoding="utf-8")
    return csv_path, html_path
