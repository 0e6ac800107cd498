"""Product requirements documents: find their sections and success metrics, and review them.

Real PRDs name their sections in many ways ("Background", "Who is it for", "KPIs", "Out of
scope", "Rollout plan" …). :func:`parse` maps headings onto nine canonical sections and reads the
success metrics, each with a target and a timeframe where it states them; :func:`review` reports
``missing:<section>``, ``metric_without_target`` and ``metric_without_timeframe``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pmkit import textio
from pmkit.findings import Finding

SECTIONS = ("problem", "users", "goals", "metrics", "scope", "non_goals", "requirements", "risks", "launch")

#: Heading patterns per section, tried in this order (so "non-goals" wins over "goals").
_HEADINGS: tuple[tuple[str, str], ...] = (
    ("non_goals", r"non[- ]?goals?|out of scope|not in scope|won'?t do|what we(?:'re| are) not doing|exclusions?"),
    ("metrics", r"metrics?|kpis?|measures? of success|success criteria|key results|how we(?:'ll| will) measure"),
    ("problem", r"problem|background|context|motivation|why|opportunity|pain points?"),
    ("requirements", r"requirements?|user stories|must[- ]haves?|functional spec|specifications?"),
    ("users", r"users?|who is it for|who(?:'s| is) this for|audiences?|personas?|customers?|target market"),
    ("goals", r"goals?|objectives?|aims?|desired outcomes?|outcomes?"),
    ("scope", r"mvp|scope|proposed solution|solution|features?|in scope|v1"),
    ("risks", r"risks?|assumptions?|dependencies|open questions|mitigations?|concerns"),
    ("launch", r"launch|roll-?out|release|go[- ]to[- ]market|gtm|post[- ]launch|monitoring|timeline"),
)
_HEADING_RES = tuple((name, re.compile(rf"\b(?:{pattern})\b", re.I)) for name, pattern in _HEADINGS)

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_BOLD = re.compile(r"^\s*(?:\*\*|__)(?P<title>[^*_]{2,60}?)(?:\*\*|__)\s*:?\s*$")
_LABEL = re.compile(r"^(?P<title>[A-Z][A-Za-z &/()'-]{1,40}):\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+(?P<text>.+)$")

_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_UNIT = r"(?:day|week|month|quarter|year|sprint)s?"
_TIMEFRAME = re.compile(
    rf"\b(?:within|in|by|after|over|during|for|before)\s+(?:the\s+)?(?:first\s+|next\s+)?\d+\s*{_UNIT}\b"
    rf"(?:\s+(?:of|after|post|from)[- ]?(?:launch|release|ga|rollout))?"
    rf"|\b\d+\s*{_UNIT}\s+(?:after|post|from|of)[- ]?(?:launch|release|ga|rollout)\b"
    rf"|\b(?:by|before|until|in)\s+(?:the\s+)?(?:end\s+of\s+)?(?:q[1-4]|h[12]|{_MONTHS}|fy\d{{2,4}}|\d{{4}}-\d{{2}}(?:-\d{{2}})?)"
    rf"(?:\s+\d{{4}})?\b"
    rf"|\b(?:q[1-4]|h[12])\s+\d{{4}}\b"
    rf"|\b(?:end of|by the end of)\s+(?:the\s+)?(?:quarter|year|month|beta|pilot)\b",
    re.I)
_NUMBER = (r"[$\u20ac\u00a3]?\s?\d[\d,]*(?:\.\d+)?\s*"
           r"(?:%|pp\b|percentage points?|[kKmM]\b|x\b|ms\b|s\b|sec(?:onds?)?\b|min(?:utes?)?\b|hours?\b|stars?\b)?")
_TARGET = re.compile(
    rf"(?:from\s+)?{_NUMBER}\s*(?:to|->|\u2192|\u2013)\s*{_NUMBER}"
    rf"|(?:>=|<=|\u2265|\u2264|>|<|=)\s*{_NUMBER}"
    rf"|\b(?:to|at least|at most|under|below|above|over|of|from|by|reach(?:es)?|hit|target:?|goal:?)\s+{_NUMBER}"
    rf"|(?<![\w.-]){_NUMBER}(?=\s|$|[,;)]|\.(?!\d))",
    re.I)


@dataclass(frozen=True)
class Metric:
    """One success metric: its name, and its target and timeframe (None where not stated)."""

    name: str
    target: str | None
    timeframe: str | None
    text: str = ""


@dataclass
class Prd:
    """A parsed PRD: canonical sections with their text, the metrics, and unrecognised headings."""

    sections: dict[str, str] = field(default_factory=dict)
    metrics: list[Metric] = field(default_factory=list)
    other_headings: list[str] = field(default_factory=list)
    encoding: str | None = None


def section_of(heading: str) -> str | None:
    """The canonical section a heading names ("Out of scope" is ``non_goals``), or None."""
    title = re.sub(r"^[\d.\s)]+", "", heading).strip(" :*_#").lower()
    for name, pattern in _HEADING_RES:
        if pattern.search(title):
            return name
    return None


def _heading(line: str) -> str | None:
    for pattern in (_ATX, _BOLD, _LABEL):
        match = pattern.match(line)
        if match:
            return match.group("title").strip()
    return None


def parse(markdown: str) -> Prd:
    """Read a PRD written in Markdown (ATX ``#`` headings, bold-line or ``Label:`` headings)."""
    text = textio.normalise(str(markdown))
    prd = Prd()
    current: str | None = None
    buffers: dict[str, list[str]] = {}
    fenced = False
    for line in text.split("\n"):
        if line.strip().startswith("```"):
            fenced = not fenced
        heading = None if fenced else _heading(line)
        if heading is not None:
            name = section_of(heading)
            if name is not None:
                current = name
                buffers.setdefault(name, [])
                continue
            prd.other_headings.append(heading)
            if _ATX.match(line) and len(_ATX.match(line).group(1)) <= 2:
                current = None  # an unrecognised top-level section ends the previous one
                continue
        if current is not None:
            buffers[current].append(line)
    prd.sections = {name: "\n".join(lines).strip() for name, lines in buffers.items()}
    prd.metrics = metrics_in(prd.sections.get("metrics", ""))
    return prd


def load(path: str | Path) -> Prd:
    """Parse a PRD file in any common encoding; ``encoding`` says which one was used."""
    decoded = textio.read_text(path)
    prd = parse(decoded.text)
    prd.encoding = decoded.encoding
    return prd


def _clean(text: str) -> str:
    return re.sub(r"[*_`]", "", text).strip()


def _metric_from_text(text: str) -> Metric:
    """One metric from a line such as "Weekly searchers: from 12,000 to 15,000 within 60 days"."""
    text = _clean(text)
    found = _TIMEFRAME.search(text)
    timeframe = found.group().strip() if found else None
    rest = f"{text[:found.start()]} {text[found.end():]}" if found else text
    separator = re.search(r":|\s[\u2013\u2014-]\s", rest)
    if separator:
        name, detail = rest[:separator.start()], rest[separator.end():]
    else:  # "Activation rate >= 60%": the name runs up to the first target-like token
        first = _TARGET.search(rest)
        name, detail = (rest[:first.start()], rest[first.start():]) if first else (rest, "")
    target_match = _TARGET.search(detail)
    name = re.sub(r"\s+", " ", name).strip(" :-\u2013\u2014") or text
    return Metric(name=name, target=target_match.group().strip() if target_match else None,
                  timeframe=timeframe, text=text)


def _table_metrics(lines: list[str]) -> list[Metric] | None:
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines
            if line.strip().startswith("|") and not re.fullmatch(r"\|?[\s:|-]+\|?", line.strip())]
    if len(rows) < 2:
        return None
    header = [h.lower() for h in rows[0]]

    def column(*words: str) -> int | None:
        return next((i for i, h in enumerate(header) if any(w in h for w in words)), None)

    name_col = column("metric", "kpi", "measure", "name")
    if name_col is None:
        return None
    target_col = column("target", "goal", "threshold", "success")
    time_col = column("timeframe", "time", "when", "deadline", "by", "horizon", "period")
    def cell(row: list[str], index: int | None) -> str | None:
        return _clean(row[index]) or None if index is not None and index < len(row) else None

    metrics = []
    for row in rows[1:]:
        name = cell(row, name_col)
        if name:
            metrics.append(Metric(name=name, target=cell(row, target_col), timeframe=cell(row, time_col),
                                  text=" | ".join(row)))
    return metrics


def metrics_in(section: str) -> list[Metric]:
    """The metrics of a metrics section: a Markdown table with Metric/Target/Timeframe columns, or a list."""
    lines = section.split("\n")
    table = _table_metrics(lines)
    if table is not None:
        return table
    items = [m.group("text") for m in map(_ITEM.match, lines) if m]
    if not items:  # prose: one metric per non-empty line
        items = [line for line in lines if line.strip()]
    return [_metric_from_text(item) for item in items]


def review(prd_or_markdown: Prd | str) -> list[Finding]:
    """Problems with a PRD: missing or empty sections, then each metric lacking a target or timeframe."""
    prd = prd_or_markdown if isinstance(prd_or_markdown, Prd) else parse(prd_or_markdown)
    findings = []
    for name in SECTIONS:
        if not prd.sections.get(name, "").strip():
            label = name.replace("_", "-")
            state = "is empty" if name in prd.sections else "is missing"
            findings.append(Finding(None, f"missing:{name}", (
                f"The {label} section {state}; add a heading such as \u201c{_EXAMPLE[name]}\u201d with its content.")))
    if "metrics" in prd.sections and prd.sections["metrics"].strip() and not prd.metrics:
        findings.append(Finding(None, "missing:metrics", "The metrics section names no metric; list one per line."))
    for index, metric in enumerate(prd.metrics):
        if not metric.target:
            findings.append(Finding(index, "metric_without_target", (
                f"Metric \u201c{metric.name}\u201d has no target; say what number counts as success "
                "(for example \u201cfrom 40% to 55%\u201d).")))
        if not metric.timeframe:
            findings.append(Finding(index, "metric_without_timeframe", (
                f"Metric \u201c{metric.name}\u201d has no timeframe; say by when it is measured "
                "(for example \u201cwithin 30 days of launch\u201d).")))
    return findings


_EXAMPLE = {"problem": "Problem", "users": "Users", "goals": "Goals", "metrics": "Success metrics",
            "scope": "MVP scope", "non_goals": "Non-goals", "requirements": "Requirements", "risks": "Risks",
            "launch": "Launch and monitoring"}
