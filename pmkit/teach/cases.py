"""Data behind the three case studies and the small analyses chapter 11 runs on it.

The data sets are synthetic (``datasets/generate.py``, seeded) but built to match what the
articles report, and the analyses here are plain functions so tests can check that they do:
case 1's tickets fall by the 30% the case study states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmkit.paths import datasets_dir
from pmkit.tables import Column, Schema, choices, load_named, with_row_counts

if TYPE_CHECKING:
    import pandas as pd

#: The week the simpler role management feature shipped (case 1).
LAUNCH_WEEK = "2025-03-03"

SCHEMAS = {
    "support_tickets": Schema("support_tickets.csv", (
        Column("week", "datetime"), Column("category", choices=choices(
            ["permissions", "billing", "integrations", "reporting", "other"])),
        Column("tickets", "int")), key=("week", "category"), min_rows=10),
    "sprint_deliverables": Schema("sprint_deliverables.csv", (
        Column("sprint", "int"), Column("sprint_start", "datetime"), Column("stream"), Column("planned", "int"),
        Column("delivered", "int")), key=("sprint", "stream")),
    "escalations": Schema("escalations.csv", (
        Column("month"), Column("reason"), Column("escalations", "int"),
        Column("churned_sellers", "int", required=False)), key=("month", "reason")),
}
#: Data rows of each file as ``datasets/generate.py`` writes it (seeded): fewer is a truncated file.
SCHEMAS = with_row_counts(SCHEMAS, {"support_tickets": 160, "sprint_deliverables": 24, "escalations": 60})


def table(name: str) -> pd.DataFrame:
    """One case data set, validated: ``support_tickets``, ``sprint_deliverables`` or ``escalations``."""
    return load_named(SCHEMAS, name, datasets_dir() / "cases")


@dataclass(frozen=True)
class BeforeAfter:
    """Totals either side of a launch and the change in per cent."""

    before: int
    after: int
    weeks_before: int
    weeks_after: int

    @property
    def change_pct(self) -> float:
        """Change of the weekly average, in per cent (negative is a drop)."""
        before = self.before / self.weeks_before
        after = self.after / self.weeks_after
        return round((after - before) / before * 100, 1)


def before_after(frame: pd.DataFrame, launch: str = LAUNCH_WEEK, category: str | None = None) -> BeforeAfter:
    """Support tickets before and after ``launch``, optionally for one category only."""
    if category is not None:
        frame = frame[frame["category"] == category]
    after_mask = frame["week"] >= launch
    return BeforeAfter(before=int(frame.loc[~after_mask, "tickets"].sum()),
                       after=int(frame.loc[after_mask, "tickets"].sum()),
                       weeks_before=int(frame.loc[~after_mask, "week"].nunique()),
                       weeks_after=int(frame.loc[after_mask, "week"].nunique()))


def change_by_category(frame: pd.DataFrame, launch: str = LAUNCH_WEEK) -> pd.DataFrame:
    """``category``, ``before``, ``after``, ``change_pct`` for each ticket category, biggest drop first."""
    import pandas as pd

    rows = []
    for category in sorted(frame["category"].unique()):
        result = before_after(frame, launch, category)
        rows.append({"category": category, "before": result.before, "after": result.after,
                     "change_pct": result.change_pct})
    return pd.DataFrame(rows).sort_values("change_pct").reset_index(drop=True)


def weekly_totals(frame: pd.DataFrame, launch: str = LAUNCH_WEEK) -> pd.DataFrame:
    """``week``, ``tickets`` (all categories) and ``period`` (before or after the launch)."""
    totals = frame.groupby("week", as_index=False)["tickets"].sum()
    totals["period"] = (totals["week"] >= launch).map({True: "after launch", False: "before launch"})
    return totals


def missed_deliverables(frame: pd.DataFrame) -> int:
    """Deliverables planned but not delivered across all sprints (case 2: none)."""
    return int((frame["planned"] - frame["delivered"]).clip(lower=0).sum())


def recurring_reasons(frame: pd.DataFrame) -> pd.DataFrame:
    """Escalation reasons with totals, months seen, churned sellers, the rate's denominator and churn rate, worst first.

    Months with a missing churn figure are left out of the churn rate, not counted as zero, so the rate
    divides by ``with_churn_figure`` (the escalations of months that have one), shown beside it.
    """
    known = frame.dropna(subset=["churned_sellers"])
    summary = frame.groupby("reason").agg(escalations=("escalations", "sum"), months=("month", "nunique"))
    churn = known.groupby("reason").agg(with_churn_figure=("escalations", "sum"), churned=("churned_sellers", "sum"))
    summary = summary.join(churn)
    summary["churn_rate_pct"] = (summary["churned"] / summary["with_churn_figure"] * 100).round(1)
    summary = summary.sort_values(["churned", "escalations"], ascending=False)
    return summary.reset_index()


def sprint_summary(frame: pd.DataFrame) -> str:
    """Case 2's headline from the tracker, in one Markdown line that says the data is synthetic."""
    return (f"Synthetic data: **{frame['sprint'].nunique()}** sprints, **{frame['planned'].sum()}** deliverables "
            f"planned, **{missed_deliverables(frame)}** missed.")


def stream_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Case 2: ``stream``, ``planned``, ``delivered`` summed over the sprints."""
    return frame.groupby("stream", as_index=False)[["planned", "delivered"]].sum()
