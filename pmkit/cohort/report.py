"""Cohort reports: the gradebook as CSV, and an offline HTML dashboard for instructors.

Everything comes from trusted data: nbgrader's gradebook (scores, due dates, extensions, late
penalties, manual grades), the roster, and the grading run's own records in ``.pmkit/``. The page is
a Jinja2 template with autoescape (``pmkit/cohort/templates/dashboard.html.j2``), so no value can become
markup. Only exercises that are due or graded count towards a learner's average, and every learner
flagged at risk is shown with the reasons. Charts are aggregated before plotting (a few hundred rows
at most, whatever the cohort's size), so 10,000 learners stay well under altair's 5,000-row limit,
and each chart has its own colour scale.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.grading.gradebook import gradebook

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

#: Which role's work each exercise practises (the wrap-up chapter's table says the same to learners).
SKILL = {"role-sort": "both", "user-stories": "JPM", "prd": "APM", "prd-vs-stories": "both",
         "onboarding-funnel": "APM", "backlog-capacity": "JPM", "beta-metrics": "APM", "ticket-triage": "JPM",
         "interview-synthesis": "JPM"}
#: A learner is at risk below this average, or with this many exercises missing or failed.
AT_RISK_PCT, AT_RISK_MISSING = 50.0, 2
#: Statuses of one learner's exercise; only the first two count towards averages.
GRADED, MISSING, FAILED, SUBMITTED, NOT_DUE = "graded", "missing", "failed", "submitted", "not due"
#: Excused from an exercise (``pmkit deadline --excuse``): it counts for nothing, neither 0 nor a score.
EXCUSED = "excused"
#: The dashboard lists at most this many learners at risk; ``at-risk.csv`` has them all.
AT_RISK_SHOWN = 500


def _query(db_url: str) -> dict[str, pd.DataFrame]:
    """Roster, exercises, submissions and grades, each read with one SQL query (fast at 10,000 learners)."""
    import pandas as pd
    from nbgrader.api import (
        Assignment,
        BaseCell,
        Grade,
        GradeCell,
        Notebook,
        Student,
        SubmittedAssignment,
        SubmittedNotebook,
        TaskCell,
    )
    from sqlalchemy import and_, func, literal
    from sqlalchemy.orm import aliased

    def frame(query: Any, columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame([tuple(row) for row in query.all()], columns=columns)

    with gradebook(db_url) as book:
        db = book.db
        students = frame(db.query(Student.id, Student.first_name, Student.last_name, Student.email),
                         ["learner", "first_name", "last_name", "email"])
        grade_cells, task_cells = GradeCell.__table__, TaskCell.__table__  # tables: no inheritance joins
        cell_max = func.coalesce(grade_cells.c.max_score, task_cells.c.max_score)
        maxima = frame(db.query(Assignment.name, func.coalesce(func.sum(cell_max), 0.0))
                       .select_from(Assignment).outerjoin(Notebook, Notebook.assignment_id == Assignment.id)
                       .outerjoin(BaseCell, BaseCell.notebook_id == Notebook.id)
                       .outerjoin(grade_cells, grade_cells.c.id == BaseCell.id)
                       .outerjoin(task_cells, task_cells.c.id == BaseCell.id).group_by(Assignment.name),
                       ["exercise", "max_score"])
        dues = frame(db.query(Assignment.name, Assignment.duedate), ["exercise", "due"])
        submissions = frame(
            db.query(SubmittedAssignment.student_id, Assignment.name, SubmittedAssignment.timestamp,
                     SubmittedAssignment.extension,
                     func.coalesce(func.sum(SubmittedNotebook.late_submission_penalty), 0.0))
            .select_from(SubmittedAssignment).join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .outerjoin(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .group_by(SubmittedAssignment.id, SubmittedAssignment.student_id, Assignment.name,
                      SubmittedAssignment.timestamp, SubmittedAssignment.extension),
            ["learner", "exercise", "timestamp", "extension", "penalty"])
        solution = aliased(BaseCell)
        grades = frame(
            db.query(SubmittedAssignment.student_id, Assignment.name, BaseCell.name, BaseCell.type,
                     solution.id.isnot(None), cell_max, Grade.auto_score, Grade.manual_score,
                     Grade.extra_credit, Grade.needs_manual_grade)
            .select_from(Grade).join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
            .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .join(BaseCell, Grade.cell_id == BaseCell.id)
            .outerjoin(grade_cells, grade_cells.c.id == BaseCell.id)
            .outerjoin(task_cells, task_cells.c.id == BaseCell.id)
            .outerjoin(solution, and_(solution.notebook_id == BaseCell.notebook_id, solution.name == BaseCell.name,
                                      solution.type == literal("SolutionCell"))),
            ["learner", "exercise", "question", "type", "has_solution", "max_score", "auto_score", "manual_score",
             "extra_credit", "needs_manual"])
    exercises = maxima.merge(dues, on="exercise", how="outer")
    grades["kind"] = ["written" if (t == "TaskCell" or s) else "autograded"
                      for t, s in zip(grades["type"], grades["has_solution"], strict=True)]
    manual = grades["manual_score"]
    grades["score"] = manual.where(manual.notna(), grades["auto_score"]).astype(float) + \
        grades["extra_credit"].fillna(0).astype(float)
    # Awaiting a person: flagged by nbgrader and not yet given a manual score (Formgrader clears the flag).
    grades["needs_manual"] = grades["needs_manual"].astype(bool) & grades["manual_score"].isna()
    grades = grades.drop(columns=["type", "has_solution", "auto_score", "manual_score", "extra_credit"])
    return {"students": students, "exercises": exercises, "submissions": submissions, "grades": grades}


def _run_records(root: Path, exercises: list[str]) -> pd.DataFrame:
    """What ``pmkit grade`` recorded per submission: its status and seconds of grading work."""
    import pandas as pd

    from pmkit.runs.resume import merged

    rows = []
    for exercise in exercises:
        # the whole run's and every shard's records; a damaged one only loses the timing column
        for learner, entry in merged(root, exercise).items():
            if isinstance(entry, dict):
                rows.append((learner, exercise, entry.get("status"), entry.get("seconds"), entry.get("reason", "")))
    return pd.DataFrame(rows, columns=["learner", "exercise", "run_status", "seconds", "reason"])


def _submitted_files(root: Path, exercises: list[str]) -> set[tuple[str, str]]:
    """(learner, exercise) of every collected submission on disk."""
    found = set()
    for exercise in exercises:
        for path in (root / "submitted").glob(f"*/{exercise}/{exercise}.ipynb"):
            found.add((path.parent.parent.name, exercise))
    return found


def scores(root: Path, db_url: str, now: dt.datetime | None = None) -> pd.DataFrame:
    """One row per learner and exercise in the gradebook: status, score after any late penalty, due date."""
    from pmkit.cohort import deadlines

    data = _query(db_url)
    return _scores(Path(root), data, now, deadlines.load(Path(root)))


def _scores(root: Path, data: dict[str, pd.DataFrame], now: dt.datetime | None, policy: Any) -> pd.DataFrame:
    import pandas as pd

    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    exercises = data["exercises"].sort_values("exercise")
    learners = sorted(data["students"]["learner"])
    grid = pd.MultiIndex.from_product([learners, list(exercises["exercise"])], names=["learner", "exercise"])
    frame = pd.DataFrame(index=grid).reset_index()
    frame = frame.merge(exercises, on="exercise", how="left")
    per_sub = data["grades"].groupby(["learner", "exercise"]).agg(
        raw_score=("score", "sum"), awaiting_points=("max_score", lambda s: 0.0), questions=("question", "size"))
    awaiting = data["grades"][data["grades"]["needs_manual"]].groupby(["learner", "exercise"])["max_score"].sum()
    per_sub["awaiting_points"] = awaiting.reindex(per_sub.index).fillna(0.0)
    frame = frame.merge(per_sub.reset_index(), on=["learner", "exercise"], how="left")
    frame = frame.merge(data["submissions"], on=["learner", "exercise"], how="left")
    frame = frame.merge(_run_records(root, list(exercises["exercise"])), on=["learner", "exercise"], how="left")
    on_disk = _submitted_files(root, list(exercises["exercise"]))

    extension = []
    for learner, exercise, stored in zip(frame["learner"], frame["exercise"], frame["extension"], strict=True):
        extension.append(stored if isinstance(stored, dt.timedelta) else policy.extension(exercise, learner))
    frame["extension"] = extension
    frame["due"] = pd.to_datetime(frame["due"])
    frame["effective_due"] = [d + e if (pd.notna(d) and isinstance(e, dt.timedelta)) else d
                              for d, e in zip(frame["due"], frame["extension"], strict=True)]
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    late = (frame["timestamp"] - pd.to_datetime(frame["effective_due"])).dt.total_seconds()
    frame["seconds_late"] = late.where(late > 0, 0.0).fillna(0.0)
    frame["late"] = frame["seconds_late"] > 0
    frame["penalty"] = frame["penalty"].fillna(0.0)
    frame["score"] = (frame["raw_score"] - frame["penalty"]).clip(lower=0)

    status = []
    for row in frame.itertuples():
        if policy.is_excused(row.exercise, row.learner):
            status.append(EXCUSED)
        elif row.run_status == FAILED and pd.isna(row.raw_score):
            status.append(FAILED)
        elif pd.notna(row.raw_score):
            status.append(GRADED)
        elif (row.learner, row.exercise) in on_disk or pd.notna(row.timestamp):
            status.append(SUBMITTED)
        elif pd.notna(row.effective_due) and row.effective_due < now:
            status.append(MISSING)
        else:
            status.append(NOT_DUE)
    frame["status"] = status
    # Points awaiting manual grading are left out of the percentage until Formgrader has them.
    graded_points = frame["max_score"] - frame["awaiting_points"].fillna(0)
    frame["pct"] = (frame["score"] / graded_points.where(graded_points > 0) * 100).round(1)
    frame.loc[frame["status"] == MISSING, ["score", "pct"]] = 0.0
    frame.loc[frame["status"] == EXCUSED, ["score", "pct"]] = float("nan")
    frame["counted"] = frame["status"].isin([GRADED, MISSING])
    frame["skill"] = frame["exercise"].map(SKILL).fillna("both")
    columns = ["learner", "exercise", "status", "score", "max_score", "pct", "raw_score", "penalty", "late",
               "timestamp", "due", "effective_due", "awaiting_points", "seconds", "reason", "counted", "skill"]
    return frame[columns]


def profiles(frame: pd.DataFrame) -> pd.DataFrame:
    """Per learner: APM-skill and JPM-skill averages over due or graded work, and why they are at risk."""
    import pandas as pd

    counted = frame[frame["counted"]]
    out = pd.DataFrame({"learner": sorted(frame["learner"].unique())}).set_index("learner")
    for skill in ("APM", "JPM"):
        out[f"{skill.lower()}_pct"] = counted[counted["skill"] == skill].groupby("learner")["pct"].mean().round(1)
    out["overall_pct"] = counted.groupby("learner")["pct"].mean().round(1)
    out["counted"] = counted.groupby("learner").size()
    out["counted"] = out["counted"].fillna(0).astype(int)

    def names(status: str) -> pd.Series:
        chosen = frame[frame["status"] == status]
        return chosen.groupby("learner")["exercise"].agg(lambda s: ", ".join(sorted(s)))

    out["missing"] = names(MISSING)
    out["failed"] = names(FAILED)
    out["late"] = frame[frame["late"]].groupby("learner")["exercise"].agg(lambda s: ", ".join(sorted(s)))
    out = out.fillna({"missing": "", "failed": "", "late": ""})
    out["missing_or_failed"] = [len([x for x in (m + ", " + f).split(", ") if x])
                                for m, f in zip(out["missing"], out["failed"], strict=True)]
    reasons, risky = [], []
    for row in out.itertuples():
        why = []
        if row.counted and row.overall_pct < AT_RISK_PCT:
            zeros = f", counting {row.missing} (missing after the due date) as 0%" if row.missing else ""
            why.append(f"average {row.overall_pct:g}% over {row.counted} due or graded exercise(s){zeros}")
        if row.missing_or_failed >= AT_RISK_MISSING:
            parts = []
            if row.missing:
                parts.append(f"missing after the due date: {row.missing}")
            if row.failed:
                parts.append(f"grading failed: {row.failed}")
            why.append("; ".join(parts))
        reasons.append("; ".join(why))
        risky.append(bool(why))
    out["at_risk"] = risky
    out["reasons"] = reasons
    return out.reset_index()


def questions(grades: pd.DataFrame) -> pd.DataFrame:
    """Per question: how many were graded, the average %, and what awaits manual grading (most missed first)."""
    if grades.empty:
        import pandas as pd

        return pd.DataFrame(columns=["exercise", "question", "kind", "graded", "avg_pct", "full_marks_pct",
                                     "awaiting", "awaiting_points", "max_score", "ranked"])
    done = grades[~grades["needs_manual"]].assign(
        pct=lambda g: g["score"] / g["max_score"].where(g["max_score"] > 0) * 100,
        full=lambda g: g["score"] >= g["max_score"])
    keys = ["exercise", "question", "kind"]
    table = grades.groupby(keys).agg(max_score=("max_score", "max")).join(
        done.groupby(keys).agg(graded=("pct", "size"), avg_pct=("pct", "mean"), full=("full", "mean")))
    waiting = grades[grades["needs_manual"]].groupby(keys).agg(awaiting=("max_score", "size"),
                                                             awaiting_points=("max_score", "sum"))
    table = table.join(waiting).fillna({"graded": 0, "awaiting": 0, "awaiting_points": 0.0})
    table["avg_pct"] = table["avg_pct"].round(1)
    table["full_marks_pct"] = (table.pop("full") * 100).round(1)
    table = table.astype({"graded": int, "awaiting": int}).reset_index()
    # Only questions whose answers are all graded are ranked: one blank answer scored 0 while the others
    # await Formgrader would otherwise put a written question at the top at 0 %.
    table["ranked"] = (table["awaiting"] == 0) & (table["graded"] > 0)
    return table.sort_values(["ranked", "avg_pct", "exercise", "question"], ascending=[False, True, True, True],
                             na_position="last").reset_index(drop=True)


def exercise_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per exercise: due date, how many submitted, graded, failed, missing and late, and grading effort."""
    rows = []
    for exercise, group in frame.groupby("exercise"):
        graded = group[group["status"] == GRADED]
        seconds = group["seconds"].dropna()
        due = group["due"].iloc[0]
        rows.append({
            "exercise": exercise, "due": "" if due is None or str(due) == "NaT" else f"{due:%Y-%m-%d %H:%M} UTC",
            "graded": len(graded), "submitted": int((group["status"] == SUBMITTED).sum()),
            "failed": int((group["status"] == FAILED).sum()), "missing": int((group["status"] == MISSING).sum()),
            "late": int(group["late"].sum()),
            "median_pct": None if graded.empty else round(float(graded["pct"].median()), 1),
            "awaiting_points": float(group["awaiting_points"].fillna(0).sum()),
            "median_seconds": None if seconds.empty else round(float(seconds.median()), 1),
            "total_minutes": round(float(seconds.sum()) / 60, 1)})
    import pandas as pd

    return pd.DataFrame(rows)


def _bin(values: pd.Series) -> pd.Series:
    """Scores into tenths: 0-9 -> 0, ..., 90-99 -> 90, 100 -> 100."""
    return (values // 10 * 10).clip(upper=100)


def distribution_chart(frame: pd.DataFrame) -> alt.Chart:
    """Counts of graded submissions per exercise and score band, coloured by the role each practises."""
    import altair as alt

    from pmkit.teach import charts

    graded = frame[frame["status"] == GRADED].dropna(subset=["pct"])
    counts = (graded.assign(band=_bin(graded["pct"])).groupby(["exercise", "skill", "band"]).size()
              .rename("learners").reset_index())
    return charts.titled(
        alt.Chart(counts).mark_circle(opacity=0.85).encode(
            x=alt.X("band:Q", title="Score band (% of points, lower bound)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("exercise:N", title=None),
            size=alt.Size("learners:Q", title="Learners", legend=alt.Legend(orient="right", tickMinStep=1, format="d")),
            color=alt.Color("skill:N", scale=alt.Scale(domain=["APM", "JPM", "both"], range=list(charts.PALETTE[:3])),
                            legend=alt.Legend(title="Practises", orient="top")),
            tooltip=["exercise:N", alt.Tooltip("band:Q", title="band from %"), "learners:Q"]),
        title="Score distribution per exercise",
        description=f"{len(graded)} graded submissions over {graded['exercise'].nunique()} exercises, counted in "
                    "bands of ten percentage points; circle size is the number of learners, colour the role the "
                    "exercise practises.",
        width=560)


def profile_ready(people: pd.DataFrame) -> bool:
    """True when at least one learner has an APM-skill and a JPM-skill average to place on the profile chart."""
    return bool(len(people.dropna(subset=["apm_pct", "jpm_pct"])))


def profile_chart(people: pd.DataFrame) -> alt.Chart:
    """Learners binned by their APM-skill and JPM-skill averages; colour says at risk or on track."""
    import altair as alt

    from pmkit.teach import charts

    both = people.dropna(subset=["apm_pct", "jpm_pct"])
    cells = (both.assign(apm=_bin(both["apm_pct"]), jpm=_bin(both["jpm_pct"]),
                         group=both["at_risk"].map({True: "at risk", False: "on track"}))
             .groupby(["apm", "jpm", "group"]).size().rename("learners").reset_index())
    return charts.titled(
        alt.Chart(cells).mark_point(filled=True, opacity=0.8).encode(
            x=alt.X("apm:Q", title="APM-skill exercises (average %, band)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("jpm:Q", title="JPM-skill exercises (average %, band)", scale=alt.Scale(domain=[0, 100])),
            size=alt.Size("learners:Q", title="Learners", legend=alt.Legend(tickMinStep=1, format="d")),
            shape=alt.Shape("group:N", scale=alt.Scale(domain=["on track", "at risk"], range=["circle", "triangle"]),
                            legend=alt.Legend(title="Learners", orient="top")),
            color=alt.Color("group:N", scale=alt.Scale(domain=["on track", "at risk"],
                                                       range=[charts.PALETTE[4], charts.PALETTE[5]]),
                            legend=alt.Legend(title="Learners", orient="top")),
            tooltip=["group:N", alt.Tooltip("apm:Q", title="APM band"), alt.Tooltip("jpm:Q", title="JPM band"),
                     "learners:Q"]),
        title="Each learner's APM-skill versus JPM-skill profile",
        description=f"{len(both)} learners with due or graded work of both kinds, binned by their average on "
                    "exercises practising APM work and on those practising JPM work; triangles are learners at risk.",
        width=360, height=360)


def questions_chart(table: pd.DataFrame, top: int = 15) -> alt.Chart:
    """The questions the cohort misses most: lowest average score first."""
    import altair as alt

    from pmkit.teach import charts

    ranked = table[table["ranked"].astype(bool)] if "ranked" in table else table  # empty: still a row mask
    waiting = len(table) - len(ranked)
    shown = ranked.dropna(subset=["avg_pct"]).head(top).assign(
        label=lambda t: t["exercise"] + " / " + t["question"])
    return charts.titled(
        alt.Chart(shown).mark_bar().encode(
            x=alt.X("avg_pct:Q", title="Average score (% of the question's points)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("label:N", title=None, sort=None),
            color=alt.Color("kind:N", scale=alt.Scale(domain=["autograded", "written"],
                                                      range=[charts.PALETTE[2], charts.PALETTE[3]]),
                            legend=alt.Legend(title="Question", orient="top")),
            tooltip=["exercise:N", "question:N", "kind:N", "avg_pct:Q", "full_marks_pct:Q", "graded:Q"]),
        title="Questions the cohort misses most",
        description=f"The {len(shown)} questions with the lowest average score, lowest first, among questions whose "
                    "answers are all graded; colour says whether the question is autograded or written."
                    + (f" {waiting} question(s) with answers awaiting manual grading are not ranked yet." if waiting
                       else ""),
        width=460)


def _text_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell made safe for a spreadsheet (no CSV injection from names or reasons)."""
    from pmkit.textio import spreadsheet_safe

    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = [spreadsheet_safe(v) if isinstance(v, str) else v for v in safe[column]]
    return safe


def write(root: Path, db_url: str, out: Path | None = None, now: dt.datetime | None = None) -> tuple[Path, Path]:
    """Write ``reports/gradebook.csv`` and ``reports/dashboard.html`` (plus ``questions.csv``, ``at-risk.csv``)."""
    from pmkit.cohort import deadlines
    from pmkit.cohort import html_pages as pages

    root = Path(root)
    out = Path(out) if out else root / "reports"
    out.mkdir(parents=True, exist_ok=True)
    policy = deadlines.load(root)
    data = _query(db_url)
    frame = _scores(root, data, now, policy)
    people = profiles(frame)
    table = questions(data["grades"])
    per_exercise = exercise_summary(frame)
    csv_path = out / "gradebook.csv"
    frame.drop(columns=["counted"]).to_csv(csv_path, index=False)
    table.to_csv(out / "questions.csv", index=False)
    risky = people[people["at_risk"]].sort_values(["overall_pct", "learner"], na_position="first")
    risky[["learner", "overall_pct", "counted", "missing", "failed", "late", "reasons"]].to_csv(
        out / "at-risk.csv", index=False)
    profile_note = "" if profile_ready(people) else (
        "The APM-versus-JPM profile appears once a learner has due or graded work on both an exercise "
        "practising APM work and one practising JPM work; exercises that practise both roles do not "
        "count for either side.")
    charts = [(name, pages.chart_json(chart), note, "" if note else pages.chart_svg(chart))
              for name, chart, note in (("distribution", distribution_chart(frame), ""),
                                        ("profile", profile_chart(people), profile_note),
                                        ("questions", questions_chart(table), ""))]
    page = pages.render(
        "dashboard.html.j2",
        learners=len(people), exercises=per_exercise.to_dict("records"),
        risky=risky.head(AT_RISK_SHOWN).to_dict("records"), risky_total=len(risky), shown_limit=AT_RISK_SHOWN,
        at_risk_pct=AT_RISK_PCT, at_risk_missing=AT_RISK_MISSING, policy=policy.describe(),
        questions=table.head(20).to_dict("records"),
        awaiting_points=float(table["awaiting_points"].sum()) if not table.empty else 0.0,
        charts=charts,
        vega=pages.vega_bundle(), generated=f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    html_path = out / "dashboard.html"
    html_path.write_text(page, encoding="utf-8")
    return csv_path, html_path
