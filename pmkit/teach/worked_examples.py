"""The craft of chapter 05: a worked PRD, its user stories, the hand-off into a sprint, and RICE.

Everything here is the course's own illustration (a low-stock alert feature for a small-shop
inventory app), kept as data in ``datasets/course/``: ``worked_prd.md`` and ``draft_prd.md``,
``worked_stories.csv``, ``worked_criteria.csv``, ``story_examples.csv`` and ``rice_backlog.csv``.
The reviews are live: they call :mod:`pmkit.review.prd` and :mod:`pmkit.review.stories` on that data.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from pmkit.paths import datasets_dir
from pmkit.tables import Column, Schema, choices, load_named
from pmkit.teach import display
from pmkit.teach.quiz import CORRECT, INCORRECT, NOT_ATTEMPTED

if TYPE_CHECKING:
    import pandas as pd

#: Story points the worked team finishes in one sprint (its velocity).
VELOCITY = 13
#: Engineering person-days available for the RICE example's sprint.
RICE_CAPACITY = 10
#: Confidence used where a ticket has no estimate, as in the backlog-capacity exercise.
MISSING_CONFIDENCE = 0.5

SCHEMAS = {
    "worked_stories": Schema("worked_stories.csv", (
        Column("story"), Column("requirement"), Column("position", "int"), Column("text"), Column("points", "int"),
        Column("depends_on", required=False)), key=("story",)),
    "worked_criteria": Schema("worked_criteria.csv", (
        Column("story"), Column("position", "int"), Column("criterion")), key=("story", "position")),
    "story_examples": Schema("story_examples.csv", (
        Column("criterion", choices=choices(
            ["well_formed", "atomic", "minimal", "unambiguous", "unique", "uniform"])),
        Column("bad"), Column("better")), key=("criterion",)),
    "rice_backlog": Schema("rice_backlog.csv", (
        Column("ticket"), Column("title"), Column("type", choices=choices(["bug", "feature", "tech-debt"])),
        Column("reach", "int"), Column("impact", "float"), Column("confidence", "float", required=False),
        Column("effort", "int")), key=("ticket",)),
}

#: The two criteria that judge a story against the rest of the backlog, not on its own.
BACKLOG_CRITERIA = ("unique", "uniform")
_STORY_PREFIX = re.compile(r"^Story \d+: ")
_REQUIREMENT = re.compile(r"\b(?P<id>R\d+)\s*\((?P<priority>P\d)\)\s*:\s*(?P<text>.+)")


def table(name: str) -> pd.DataFrame:
    """One of the chapter's data files, validated: worked_stories, worked_criteria, story_examples, rice_backlog."""
    return load_named(SCHEMAS, name, datasets_dir() / "course")


def spec_duties() -> pd.DataFrame:
    """The first article's responsibilities about specs and the backlog: PRDs, stories, backlog, sprint planning."""
    from pmkit.teach import roles

    duties = roles.responsibilities()
    return duties[duties["item"].str.contains("PRD|user stories|backlog|sprint planning")][["role", "item"]]


def worked_prd() -> str:
    """The worked PRD's Markdown (the course's own illustration)."""
    return (datasets_dir() / "course" / "worked_prd.md").read_text(encoding="utf-8")


def draft_prd() -> str:
    """A first draft of the same PRD, with the gaps a review should catch."""
    return (datasets_dir() / "course" / "draft_prd.md").read_text(encoding="utf-8")


def show_document(markdown: str) -> Any:
    """A PRD rendered as Markdown inside a quoted box, its headings demoted below the chapter's own."""
    demoted = re.sub(r"^(#{1,3}) ", lambda m: "#" * (len(m.group(1)) + 3) + " ", markdown.strip(), flags=re.M)
    return display.markdown("\n".join(f"> {line}" if line else ">" for line in demoted.splitlines()))


def _md(text: str) -> str:
    """Text made safe to place inside Markdown: ``<role>`` stays visible, ``*`` and ``_`` stay literal."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", str(text))


def rule(criterion: str) -> str:
    """A reviewer's criterion in words: ``missing:non_goals`` is "missing non-goals", ``well_formed`` "well formed"."""
    return criterion.replace("missing:", "missing ").replace("non_goals", "non-goals").replace("_", " ")


def verdict(findings: list, empty: str) -> Any:
    """A reviewer's verdict in the course's one feedback look: ``empty`` when it finds nothing, else each finding.

    ``empty`` starts "no problems found": the review may be of the course's own example, which nobody answered,
    so "Correct" would be the wrong word.
    """
    from pmkit.teach.turns import Feedback

    if not findings:
        return Feedback("review", CORRECT, empty[:1].upper() + empty[1:])
    count = f"{len(findings)} finding{'s' if len(findings) != 1 else ''}"
    lines = [f"\u2022 {rule(f.criterion)}: {f.message}" for f in findings]
    return Feedback("review", INCORRECT, "\n".join([f"Not yet: {count}.", *lines]))


class Together:
    """Outputs shown one under the other in one cell: a document in Markdown, then its review's feedback box."""

    def __init__(self, *parts: Any) -> None:
        self.parts = parts

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for part in self.parts:
            display(part)

    def __repr__(self) -> str:
        return "\n\n".join(getattr(p, "data", None) or repr(p) for p in self.parts)


def show_and_review(markdown: str) -> Together:
    """A PRD and, under it, what the reviewer finds in it: one cell to read from top to bottom."""
    return Together(display.markdown(f"{show_document(markdown).data}\n\n**What the review finds:**"),
                    review_prd(markdown))


def review_prd(markdown: str) -> Any:
    """Review a PRD with :func:`pmkit.review.prd.review` and show what it found."""
    from pmkit.review import prd

    return verdict(prd.review(markdown), "no problems found. Every section is there, and every metric has a "
                                         "target and a timeframe.")


def metrics(markdown: str) -> Any:
    """The success metrics :func:`pmkit.review.prd.parse` reads from a PRD: name, target and timeframe."""
    import pandas as pd

    from pmkit.review import prd

    found = prd.parse(markdown).metrics
    frame = pd.DataFrame({"metric": [m.name for m in found], "target": [m.target or "(none)" for m in found],
                          "timeframe": [m.timeframe or "(none)" for m in found]})
    return display.table(frame)


def review_metric(line: str) -> Any:
    """Review one success-metric line on its own: say whether it states a target and a timeframe."""
    from pmkit.review import prd
    from pmkit.teach.turns import Feedback, blank

    if blank(line):
        return Feedback("metric", NOT_ATTEMPTED, "Not answered yet: write a metric in the string.")
    found = [f for f in prd.review(f"## Success metrics\n- {line}") if f.criterion.startswith("metric_")]
    if found:
        return verdict(found, "")
    metric = prd.metrics_in(f"- {line}")[0]
    return Feedback("metric", CORRECT, f"Correct: the metric is complete, with the target \u201c{metric.target}"
                                       f"\u201d and the timeframe \u201c{metric.timeframe}\u201d.")


def requirements(markdown: str | None = None) -> pd.DataFrame:
    """The PRD's numbered requirements: ``requirement`` (R1 …), ``priority`` (P0 …) and ``text``."""
    import pandas as pd

    from pmkit.review import prd

    section = prd.parse(worked_prd() if markdown is None else markdown).sections.get("requirements", "")
    rows = [m.groupdict() for m in map(_REQUIREMENT.search, section.splitlines()) if m]
    return pd.DataFrame(rows, columns=["id", "priority", "text"]).rename(columns={"id": "requirement"})


def backlog() -> pd.DataFrame:
    """The worked stories with their requirement's priority, one row per story, in backlog order."""
    stories = table("worked_stories").merge(requirements()[["requirement", "priority"]], on="requirement",
                                            how="left")
    return stories.sort_values("position").reset_index(drop=True)


def show_backlog() -> Any:
    """The worked backlog as a learner reads it: each story with its source, estimate and acceptance criteria."""
    criteria = table("worked_criteria").sort_values(["story", "position"])
    lines = []
    for row in backlog().itertuples():
        lines.append(f"- **{row.story}** (from {row.requirement}, {row.priority}; "
                     f"{_plural(row.points, 'point')}): {_md(row.text)}")
        lines += [f"    - {_md(c)}" for c in criteria.loc[criteria["story"] == row.story, "criterion"]]
    return display.markdown("\n".join(lines))


def show_and_review_backlog() -> Together:
    """The worked backlog and, under it, what the story reviewer finds across all its stories."""
    return Together(display.markdown(f"{show_backlog().data}\n\n**What the review finds:**"),
                    review_stories(list(backlog()["text"])))


def review_stories(stories: str | list[str]) -> Any:
    """Review one story or a list with :func:`pmkit.review.stories.review` and show what it found."""
    from pmkit.review import stories as story_review
    from pmkit.teach.turns import Feedback, blank

    if blank(stories) or (isinstance(stories, list) and all(map(blank, stories))):
        return Feedback("stories", NOT_ATTEMPTED, "Not answered yet: write your story inside the quotes and run "
                                                  "the cell again.")
    findings = story_review.review(stories)
    if isinstance(stories, str):  # one story: "Story 1:" in front of each finding says nothing
        findings = [dataclasses.replace(f, message=_STORY_PREFIX.sub("", f.message)) for f in findings]
    return verdict(findings, "no problems found against the six criteria.")


def _example_findings(story: str, criterion: str, stories: list[str]) -> list:
    from pmkit.review import stories as story_review

    if criterion in BACKLOG_CRITERIA:  # judged against the backlog: add the story to it
        return [f for f in story_review.review([*stories, story]) if f.index == len(stories)]
    return story_review.review(story)


def _said(findings: list) -> str:
    if not findings:
        return "\u2714 no problem found"
    return "\n".join(f"\u2718 {rule(f.criterion)}: {_STORY_PREFIX.sub('', f.message)}" for f in findings)


def _examples() -> list[tuple[str, str, str, list]]:
    """(criterion, version, story, findings) of each weak and better example, reviewed live."""
    stories = list(backlog()["text"])
    return [(example.criterion, version, text, _example_findings(text, example.criterion, stories))
            for example in table("story_examples").itertuples()
            for version, text in (("weak", example.bad), ("better", example.better))]


def quality_examples() -> pd.DataFrame:
    """Each QUS criterion with a weak and a better story and what the live reviewer says, one row per story.

    Stories for ``unique`` and ``uniform`` are reviewed as an eighth story added to the worked backlog.
    """
    import pandas as pd

    return pd.DataFrame([{"criterion": criterion.replace("_", " "), "version": version, "story": text,
                          "review": _said(findings)} for criterion, version, text, findings in _examples()])


def show_quality_examples() -> Any:
    """The QUS examples as a learner reads them: per criterion, each story and the reviewer's feedback box."""
    from IPython.display import HTML

    from pmkit.teach import theme, widgets

    parts, last = [theme.style_sheet()], None
    for criterion, version, text, findings in _examples():
        if criterion != last:
            parts.append(("</ul>" if last else "") + f"<p><b>{display.html_text(rule(criterion))}</b></p>"
                         f'<ul style="max-width: {theme.READING_WIDTH}">')  # about 80 characters a line
            last = criterion
        # The story is shown just above its box, which need not say "Story 8" (its place in the backlog).
        findings = [dataclasses.replace(f, message=_STORY_PREFIX.sub("", f.message)) for f in findings]
        box = widgets.feedback_html(verdict(findings, "no problem found against the six criteria."))
        parts.append(f"<li><i>{version.capitalize()}:</i> {display.html_text(text)}{box}</li>")
    return HTML("".join(parts) + "</ul>")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" + ("" if count == 1 else "s")


def plan_sprint(capacity: int = VELOCITY) -> pd.DataFrame:
    """Plan the worked backlog into one sprint: by priority, taking each story that fits and is not blocked.

    A story whose ``depends_on`` story is not in the sprint waits for it, even when it would fit.
    """
    import pandas as pd

    frame = backlog().sort_values(["priority", "position"])
    left, planned, rows = capacity, set(), []
    for row in frame.itertuples():
        if row.points > left:
            reason, take = f"does not fit: {row.points} points, {left} left", False
        elif isinstance(row.depends_on, str) and row.depends_on not in planned:
            reason, take = f"would fit, but waits for {row.depends_on}, which is not in this sprint", False
        else:
            left -= row.points
            reason, take = f"planned; {_plural(left, 'point')} left", True
            planned.add(row.story)
        rows.append({"story": row.story, "priority": row.priority, "points": row.points,
                     "planned": take, "reason": reason})
    return pd.DataFrame(rows)


def rice(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """RICE scores as in the backlog-capacity exercise: reach × impact × confidence ÷ effort, best first.

    A missing confidence counts as ``MISSING_CONFIDENCE`` (an unestimated ticket is a doubtful one);
    ``estimated`` says which tickets had a confidence of their own.
    """
    frame = table("rice_backlog") if frame is None else frame
    scored = frame.assign(estimated=frame["confidence"].notna(),
                          confidence=frame["confidence"].fillna(MISSING_CONFIDENCE))
    scored["rice"] = (scored["reach"] * scored["impact"] * scored["confidence"] / scored["effort"]).astype(float)
    return scored.sort_values("rice", ascending=False).reset_index(drop=True)


def rice_sum(ticket: str) -> str:
    """One ticket's RICE arithmetic written out, e.g. ``900 × 2 × 0.8 ÷ 4 = 360``."""
    scored = rice().set_index("ticket")
    row = scored.loc[ticket]
    parts = [display.cell_text(float(row[c])) for c in ("reach", "impact", "confidence", "effort")]
    return (f"{ticket}: {parts[0]} \u00d7 {parts[1]} \u00d7 {parts[2]} \u00f7 {parts[3]} "
            f"= {display.cell_text(round(float(row['rice']), 1))}")


def rice_plan(capacity: int = RICE_CAPACITY) -> pd.DataFrame:
    """Go down the RICE ranking and take each ticket that still fits in ``capacity`` person-days."""
    scored = rice()
    left, taken, reasons = capacity, [], []
    for row in scored.itertuples():
        if row.effort <= left:
            left -= row.effort
            taken.append(True)
            reasons.append(f"taken; {_plural(left, 'person-day')} left")
        else:
            taken.append(False)
            reasons.append(f"skipped: needs {row.effort}, only {left} left")
    return scored.assign(rice=scored["rice"].round(1), planned=taken, reason=reasons)
