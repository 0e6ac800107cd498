"""Product requirements documents: find their sections and success metrics, and review them.

Real PRDs name their sections in many ways ("Background", "Who is it for", "KPIs", "Out of
scope", "Rollout plan" …). :func:`parse` maps headings onto nine canonical sections and reads the
success metrics, each with a target and a timeframe where it states them; :func:`review` reports
``missing:<section>``, ``metric_without_target`` and ``metric_without_timeframe``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from pmkit import textio
from pmkit.review.findings import Finding

SECTIONS = ("problem", "users", "goals", "metrics", "scope", "non_goals", "requirements", "risks", "launch")

#: Heading patterns, tried in this order; each match is blanked out before the next pattern is tried, so
#: "Goals and Non-goals" is both sections and "Desired User Outcomes" is goals, not users. A None section
#: names headings that are none of the nine ("User Interface & Experience", "Open Questions").
_HEADINGS: tuple[tuple[str | None, str], ...] = (
    ("non_goals", r"non[- ]?goals?|non[- ]?scope|out[- ]of[- ]scope|not in scope|won'?t (?:do|have)|"
                  r"will not (?:do|have)|"
                  r"(?:what )?(?:we(?:'re| are) )?not (?:doing|building|included)|exclusions?|anti[- ]goals?"),
    ("metrics", r"(?:success |outcome |product |key |north[- ]star )?metrics?|kpis?|key performance indicators?|"
                r"performance indicators?|"
                r"measures? of success|success criteria|key results|krs|how we(?:'ll| will) measure|success|"
                r"north star|signals?|measurement"),
    ("requirements", r"(?:functional |non[- ]functional |product |technical )?requirements?|user stories|"
                     r"must[- ]haves?|functional spec|specifications?|priorities|moscow|acceptance criteria"),
    ("goals", r"(?:desired |expected |user |business )*outcomes?|goals?|objectives?|aims?|okrs?|"
              r"what we(?:'re| are| will)? (?:\w+ ){0,2}(?:achieve|accomplish)|achiev\w*"),
    (None, r"user interface|user experience|ux|ui|design|wireframes?|mock-?ups?|open questions|questions|faq|"
           r"appendix|glossary|references|changelog|revision history|approvals?|stakeholders"),
    ("problem", r"problem(?: statement)?|background|context|motivation|"
                r"^why(?: now| this(?: matters)?| it matters)?\??$|"
                r"opportunity|pain points?|vision|one[- ]line(?:r)?|elevator pitch|"
                r"^(?:executive |project |product |feature )?(?:overview|summary|introduction|tl;?dr)"),
    ("users", r"users|^user$|(?:target |primary |end )user(?:s| personas?| segments?| groups?)?|user personas?|"
              r"user segments?|who\b.{0,15}\bfor|audiences?|personas?|customers?|target market|segments?"),
    ("scope", r"roadmap features?|feature roadmap|mvp|scope|proposed solution|solution|features?|in scope|"
              r"^v1$|\bv1 scope|"
              r"what we(?:'re| are) building"),
    ("risks", r"risks?|assumptions?|dependencies|mitigations?|concerns|constraints"),
    ("launch", r"launch|roll-?out|release|go[- ]to[- ]market|gtm|post[- ]launch|monitoring|timeline|milestones?|"
               r"delivery plan|roll-?back|build plan|phased delivery|next steps|roadmap|build order|"
               r"distribution strategy"),
)
_HEADING_RES = tuple((name, re.compile(rf"(?:\b|^)(?:{pattern})\b", re.I)) for name, pattern in _HEADINGS)

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
#: YAML front matter ("---\ntitle: …\nstatus: draft\n---") at the top of a document: metadata, not sections.
_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?:[^\n]*\n){0,40}?---[ \t]*(?:\n|\Z)")
_ATX = re.compile(r"^\s{0,3}\\?(#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_EMPHASIS = re.compile(r"^\s*(?P<mark>\*\*|__|\*|_)(?P<title>[^*_]{2,80}?)(?P=mark)\s*(?P<after>[:.\u2013\u2014]?)\s*"
                       r"(?P<rest>.*)$")
#: A line in capitals ("SUCCESS METRICS"), the heading of documents written without Markdown.
_CAPITALS = re.compile(r"^\s*(?P<title>[A-Z][A-Z0-9 &/,'()\u2013\u2014-]{2,60}?)\s*:?\s*$")
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[A-Za-z][.)]|[IVX]{1,4}[.)])\s+(?P<title>[^:]{2,60}?):?\s*$")
_LABEL = re.compile(r"^(?P<title>[A-Z][A-Za-z &/()'-]{1,40}):\s*(?P<rest>.*)$")
_ITEM = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(?P<text>.+)$")
#: Words that make a short line a sentence, not a heading ("1. Users can export").
_SENTENCE_WORDS = re.compile(r"\b(?:can|could|should|must|will|would|is|are|was|were|has|have|gets?|sees?)\b", re.I)

_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_UNIT = r"(?:day|week|month|quarter|year|sprint)s?"
_COUNT = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a)"
_TIMEFRAME = re.compile(
    rf"\b(?:within|in|by|after|over|during|for|before)\s+(?:the\s+)?(?:(?:first|next)\s+(?:{_COUNT}\s*)?|{_COUNT}\s*)"
    rf"{_UNIT}\b"
    rf"(?:\s+(?:of|after|post|from)[- ]?(?:launch|release|ga|rollout))?"
    rf"|\b{_COUNT}\s*{_UNIT}\s+(?:after|post|from|of)[- ]?(?:launch|release|ga|rollout)\b"
    rf"|\b(?:by|before|until|in)\s+(?:the\s+)?(?:end\s+of\s+)?(?:q[1-4]|h[12]|{_MONTHS}|fy\d{{2,4}}|"
    rf"\d{{4}}-\d{{2}}(?:-\d{{2}})?|20\d\d)(?:\s+\d{{1,2}}(?!\d))?(?:,?\s+\d{{4}})?\b"
    rf"|\b(?:by|at|before|until)\s+(?:the\s+)?(?:launch|ga|release|beta|eoy|eoq|eom)\b"
    rf"|\b(?:by|on|at|before|until|in)\s+(?:the\s+end\s+of\s+)?(?:day|week|month|sprint)\s+\d+\b"
    rf"|\b(?:q[1-4]|h[12])\s+\d{{4}}\b"
    rf"|\b(?:end of|by the end of)\s+(?:the\s+)?(?:quarter|year|month|beta|pilot|trial|q[1-4]|h[12]|20\d\d)\b",
    re.I)
#: A number with its unit. Linear: the only whitespace run sits inside the optional unit, never beside another.
_NUMBER = (r"[$\u20ac\u00a3]?\s?\d[\d,]*(?:\.\d+)?(?:\s*"
           r"(?:%|pp\b|pts?\b|points?\b|percentage points?|[kKmM]\b|x\b|ms\b|s\b|sec(?:onds?)?\b|min(?:utes?)?\b|"
           r"hours?\b|stars?\b))?\+?")
_TARGET = re.compile(
    rf"(?:from\s+)?{_NUMBER}\s*(?:to|->|\u2192|\u2013|\u2014|-)\s*{_NUMBER}"
    rf"|(?:>=|<=|\u2265|\u2264|>|<|=)\s*{_NUMBER}"
    rf"|\b(?:to|at least|at most|under|below|above|over|of|from|by|reach(?:es)?|hit|target:?|goal:?|no more than|"
    rf"no less than|fewer than|less than|more than|up to|within|[+-])\s*{_NUMBER}"
    rf"|\b\d{{1,4}}\s*(?::|in|out of|of every)\s*\d{{1,5}}\b|\bzero\b"
    rf"|(?<![\w.@/-]){_NUMBER}(?=\s|$|[,;)]|\.(?!\d))",
    re.I)
#: Lines of a metrics section that are not metrics: template instructions, OKR parents, baselines, examples.
_NOT_A_METRIC = re.compile(
    r"^\s*(?:\[.*\]|e\.\s?g\.|eg\b|for example|example:|(?:list|describe|add|define|include|write|state|explain|"
    r"specify|provide|give|name|replace|fill)\b|(?:objective|goal|o\d+|baseline|current|today|context|note|"
    r"owner|source|dashboard|cadence|reporting)\b\s*\d*\s*[:\u2013\u2014-]"
    r"|(?:the\s+)?(?:impact|effect|influence)\s+of\b|(?:test|experiment|explore)\s+(?:whether|if|how)\b"
    r"|(?:an?\s+|the\s+)?(?:weekly\s+|monthly\s+|final\s+)?(?:report|dashboard|write-?up|deck)\s+"
    r"(?:on|of|for|to|with)\b)", re.I)
#: A numbering code before a metric: "KR1:", "Key result 2 -", "M1:", "(3)".
_KR_PREFIX = re.compile(
    r"^\s*(?:(?i:key result|metric|kpi|kr)\s*\d*|[A-Z]{1,4}\s?\d{1,2}|\(\d{1,2}\))\s*(?:[:)\u2013\u2014-]|\.(?!\d))\s*")
_PLACEHOLDER = re.compile(r"^\s*(?:tbd|tbc|n/?a|none|-+|\?+|\u2014|\u2013|ongoing)?\s*$", re.I)


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


@functools.lru_cache(maxsize=4096)
def sections_of(heading: str) -> tuple[str, ...]:
    """Every canonical section a heading names: "Goals and Non-goals" is ``("non_goals", "goals")``."""
    title = re.sub(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[A-Za-z][.)]|[IVX]{1,4}[.)])\s+", "", heading.strip())
    title = title.strip(" :*_#").replace("\u2019", "'").lower()
    bare = re.sub(r"\s*\([^)]*\)\s*", " ", title).strip()  # "Non-Goals (MVP)": the qualifier is no section
    found = _sections_in(bare) if bare else []
    return tuple(found or _sections_in(title))  # "Build plan (milestones)": unless only the qualifier names one


def _sections_in(title: str) -> list[str]:
    found: list[str] = []
    for name, pattern in _HEADING_RES:
        match = pattern.search(title)
        if match:
            if name is not None and name not in found:
                found.append(name)
            title = pattern.sub(lambda m: " " * len(m.group()), title)
    return found


def section_of(heading: str) -> str | None:
    """The canonical section a heading names ("Out of scope" is ``non_goals``), or None."""
    return next(iter(sections_of(heading)), None)


def _short_title(title: str) -> bool:
    """A plain line short and bare enough to be a heading, not a sentence."""
    words = title.split()
    return 0 < len(words) <= 6 and not title.rstrip().endswith((".", "!", "?", ",")) and \
        not _SENTENCE_WORDS.search(title) and not re.search(r"\d", title)


def _heading(line: str, following: str = "") -> tuple[str, str] | None:
    """The heading a line is, with any text after a "Label:" on the same line; None for body text.

    Markdown's forms: ATX (``## Goals``), setext (a line underlined with ``===`` or ``---``), a whole
    bold or italic line (``**Goals**``, ``_Success Metrics:_``), plain numbered or lettered lines
    ("1. Overview", "a. Objectives:") and "Label:" lines.
    """
    match = _ATX.match(line)
    if match:
        return match.group("title").strip(), ""
    stripped = line.strip()
    if not stripped or stripped.startswith(("|", ">", "<")):
        return None
    underlined = _SETEXT.match(following)
    if underlined and (following.strip().startswith("=") or (not _ITEM.match(line)
                                                              and _short_title(stripped.strip("*_")))):
        return stripped.strip("*_ :"), ""
    match = _EMPHASIS.match(line)
    if match:
        title, rest = match.group("title").strip(), match.group("rest").strip()
        if ":" in title.rstrip(":"):  # "**Feature: Dark mode**", "**Objective: …**": a title or field, not a section
            return None
        if not rest or match.group("after") or title.endswith((":", ".")):  # "**Problem.** New teams …"
            return title.rstrip(":.").strip(), rest
        return None
    match = _CAPITALS.match(line)
    if match and re.search(r"[A-Z]{2}", match.group("title")) and len(match.group("title").split()) <= 6:
        return match.group("title").strip(), ""
    if _ITEM.match(line) and not _NUMBERED.match(line):
        return None
    match = _NUMBERED.match(line)
    if match and _short_title(match.group("title")) and sections_of(match.group("title")):
        return match.group("title").strip(), ""
    match = _LABEL.match(stripped)
    if match and _short_title(match.group("title")) and not match.group("rest").strip():
        return match.group("title").strip(), ""
    return None  # "Owner: Maria" and other "Label: value" lines are content


def _moscow_wont(body: str) -> list[str]:
    """The cells of a "Won't have" column in a Markdown table: the non-goals of a MoSCoW table."""
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in body.split("\n")
            if line.strip().startswith("|") and not re.fullmatch(r"\|?[\s:|-]+\|?", line.strip())]
    if len(rows) < 2:
        return []
    column = next((i for i, h in enumerate(rows[0]) if re.search(r"won'?t|will not", h.replace("\u2019", "'"), re.I)),
                  None)
    if column is None:
        return []
    return [row[column] for row in rows[1:] if column < len(row) and not _PLACEHOLDER.match(row[column])]


_LEVEL_ONE = re.compile(r"^\s{0,3}#\s")
_EQUALS = re.compile(r"^\s{0,3}=+\s*$")
#: What a line starts with when it cannot be a heading unless underlined: list bullets, tables, quotes, tags.
_NEVER_HEADING = ("- ", "+ ", "|", ">", "<", "* ", "```", "~~~")


_WONT = re.compile(r"won'?t|won\u2019t|will not", re.I)


def _document_title(lines: list[str]) -> int | None:
    """The line of the document's title: its only level-1 heading (``#`` or ``===``), which names no section."""
    level_one = [n for n, line in enumerate(lines) if _LEVEL_ONE.match(line)
                 or (n + 1 < len(lines) and line.strip() and _EQUALS.match(lines[n + 1]))]
    return level_one[0] if len(level_one) == 1 else None


#: A sub-heading that names one of these sections, under a section of the key, stays part of its parent:
#: "Performance requirements" under "Success metrics" are metrics, "Metrics" under "Monitoring" or under a
#: feature's specification are what is watched, not success metrics.
_STAYS = {"metrics": {"requirements", "goals", "scope", "users"}, "launch": {"metrics"},
          "requirements": {"metrics"}, "scope": {"metrics"}}
_NUMBER_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+)?(\d{1,2}(?:\.\d{1,2})*)[.)]?\s")
#: A list item that is a bold label: "- **Out of scope:**" followed by its own sub-items.
_ITEM_LABEL = re.compile(r"^[-*+]\s+\*\*(?P<title>[^*:]{2,40}?)(?::\*\*|\*\*:)\s*(?P<rest>.*)$")


_WHOLE_HEADING_RES = tuple((name, re.compile(f"(?:{pattern})", re.I)) for name, pattern in _HEADINGS if name)


def _names_exactly(title: str) -> tuple[str, ...]:
    """The section a short label names with nothing else in it ("Out of scope", not "Market opportunity")."""
    title = title.strip(" :*_").replace("\u2019", "'").lower()
    return tuple(name for name, pattern in _WHOLE_HEADING_RES if pattern.fullmatch(title))
#: A marker line in the metrics text: the sub-heading metrics sit under ("Week 1 success"), for their timeframe.
_CONTEXT = "\x1f"


@dataclass
class _Open:
    """The section being read: its names, its heading's rank (ATX level; 0 for other forms) and numbering."""

    names: tuple[str, ...] = ()
    rank: int = 0
    number: str | None = None


def _rank(line: str, following: str) -> int:
    atx = _ATX.match(line)
    if atx:
        return len(atx.group(1))
    if _SETEXT.match(following) and line.strip():
        return 1 if following.strip()[:1] == "=" else 2
    return 0


def parse(markdown: str) -> Prd:
    """Read a PRD written in Markdown, whatever form its headings take; HTML comments are skipped.

    A heading that names no section closes the section above it unless it is that section's sub-heading (a
    deeper level, or a deeper number: "6.8" under "6."); a sub-heading that names a section opens it, except
    where it belongs to its parent (see ``_STAYS``).
    """
    text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), textio.normalise(str(markdown)))
    text = _FRONT_MATTER.sub(lambda m: "\n" * m.group().count("\n"), text)
    prd = Prd()
    current = _Open()
    numbered: dict[str, _Open] = {}
    buffers: dict[str, list[str]] = {}
    lines = text.split("\n")
    title_line = _document_title(lines)
    #: A document that names its sections with Markdown headings uses bold run-in labels and "Label:" lines
    #: inside them ("**Goal:** …", "MVP succeeds if:"): those are content there, not sections.
    marked = sum(1 for n, line in enumerate(lines) if n != title_line and (atx := _ATX.match(line))
                 and sections_of(atx.group("title"))) >= 2
    fenced = skip = False
    routed: tuple[str, ...] = ()  # the sections a list item's bold label ("- **Out of scope:**") names
    routed_indent = 0
    for number, line in enumerate(lines):
        if skip:
            skip = False
            continue
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
        following = lines[number + 1] if number + 1 < len(lines) else ""
        plain = not stripped or (stripped.startswith(_NEVER_HEADING)
                                 and not (following.lstrip()[:1] in ("=", "-") and _SETEXT.match(following)))
        found = None if fenced or number == title_line or plain else _heading(line, following)
        rank = _rank(line, following) if found is not None else 0
        if found is not None and marked and not rank:
            found = None
        label = (_ITEM_LABEL.match(line) if marked and not fenced and line[:1] in "-*+" and "**" in line
                 and "metrics" not in current.names else None)
        if label and (named := _names_exactly(label.group("title"))):
            routed, routed_indent = named, len(line) - len(line.lstrip())
            for name in named:
                buffers.setdefault(name, []).append(label.group("rest"))
            continue
        if routed and line.strip() and len(line) - len(line.lstrip()) <= routed_indent:
            routed = ()
        if found is None:
            for name in routed or current.names:
                buffers[name].append(line)
            continue
        routed = ()
        title, rest = found
        skip = bool(_SETEXT.match(following)) and not _ATX.match(line)
        names = sections_of(title)
        if rest:  # "**Problem:** Approvers wait …": a run-in label starts its section with the rest of the line
            if names:
                current = _Open(names)
            for name in current.names:
                buffers.setdefault(name, []).append(rest if names else line)
            continue
        prefix = _NUMBER_PREFIX.match(line)
        heading_number = prefix.group(1) if prefix else None
        ancestor = next((numbered[n] for n in _ancestors(heading_number) if n in numbered), None)
        below = bool(current.names) and (
            (rank > current.rank > 0) or (heading_number is not None and current.number is not None
                                          and heading_number.startswith(current.number + ".")))
        if below and (not names or set(names) <= set().union(*(_STAYS.get(n, set()) for n in current.names))):
            opened = current  # a sub-heading of the section being read
        elif names:
            opened = _Open(names, rank, heading_number)
        elif ancestor is not None:
            opened = ancestor  # "6.8 Enterprise layer" goes on with "6. Feature specifications"
        elif below or (rank > 2 and not current.rank) or (not rank and marked):
            opened = current
        else:
            opened = _Open()  # an unrecognised heading as high as the section's own ends it
        if not names:
            prd.other_headings.append(title)
        if heading_number and ((opened.names and opened is not current) or names):
            numbered[heading_number] = opened
        current = opened
        for name in current.names:
            buffers.setdefault(name, [])
        if "metrics" in current.names:
            buffers["metrics"].append(_CONTEXT + title)
    for body in list(buffers.values()):
        joined = "\n".join(body)
        wont = _moscow_wont(joined) if "|" in joined and _WONT.search(joined) else []
        if wont:
            buffers.setdefault("non_goals", []).extend(wont)
    prd.sections = {name: "\n".join(line for line in lines if not line.startswith(_CONTEXT)).strip()
                    for name, lines in buffers.items()}
    prd.metrics = metrics_in("\n".join(buffers.get("metrics", [])))
    return prd


def _ancestors(number: str | None) -> list[str]:
    """"6.8.7" has the ancestors "6.8" and "6", nearest first."""
    parts = number.split(".") if number else []
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def load(path: str | Path) -> Prd:
    """Parse a PRD file in any common encoding; ``encoding`` says which one was used."""
    decoded = textio.read_text(path)
    prd = parse(decoded.text)
    prd.encoding = decoded.encoding
    return prd


def _clean(text: str) -> str:
    return re.sub(r"[*_`]", "", text).strip()


def _target_in(text: str) -> str | None:
    """A numeric target ("from 40% to 55%", "\u2265 60%", "under 2 s"); words such as "\u2193 meaningfully" are none."""
    match = _first_target(" ".join(text.split()))
    return re.sub(r"^(?:target|goal):?\s*", "", match.group().strip(), flags=re.I) if match else None


_VERSIONED = re.compile(r"[A-Z]{2,}\d*|[Vv]|[Vv]ersion|Python|Node|iOS|Android|Next(?:\.js)?|React|Vue|Angular|"
                        r"Java|PHP|Ruby|Go|Rust|TypeScript|Postgres(?:QL)?|Ubuntu|Windows|macOS", re.I)
_FRAMEWORKS = frozenset("v version python node ios android next next.js react vue angular java php ruby go rust "
                        "typescript postgres postgresql ubuntu windows macos".split())


def _first_target(text: str) -> re.Match[str] | None:
    """The first target-like token, passing over version numbers ("TLS 1.3", "Python 3.11", "version 2")."""
    for match in _TARGET.finditer(text):
        before = (text[:match.start()].split()[-1:] or [""])[0]
        if re.fullmatch(r"\s*[\d.,]+\s*\+?", match.group()) and _VERSIONED.fullmatch(before) and \
                (before.lower() in _FRAMEWORKS
                 or (before.isupper() and re.fullmatch(r"\s*\d+\.\d+\s*", match.group()))):
            continue
        return match
    return None


def _metric_from_text(text: str) -> Metric:
    """One metric from a line such as "Weekly searchers: from 12,000 to 15,000 within 60 days"."""
    text = _KR_PREFIX.sub("", " ".join(_clean(text).split()))  # one space between words bounds every match
    found = _TIMEFRAME.search(text)
    timeframe = found.group().strip() if found else None
    rest = f"{text[:found.start()]} {text[found.end():]}" if found else text
    separator = re.search(r":|\s[\u2013\u2014-]\s|(?:,?\s+(?:which|that))?\s(?:should|will|must|to)\s+"
                          r"(?:reach|fall|rise|drop|grow|go|be|hit|stay|improve|increase|decrease)\b"
                          r"|,?\s(?:aiming|targeting)\s+(?:for|at)\b", rest)
    if separator:
        name, detail = rest[:separator.start()], rest[separator.end():]
    else:  # "Activation rate >= 60%": the name runs up to the first target-like token
        first = _first_target(rest)
        name, detail = (rest[:first.start()], rest[first.start():]) if first else (rest, "")
        if first and not name.strip(" :-+\u2013\u2014,"):  # "50+ active users": the target comes first
            name, detail = rest[first.end():], rest[:first.end()]
    name = re.sub(r"^we(?:'ll| will)?\s+(?:also\s+)?(?:track|watch|measure|monitor)\s+", "", name.strip(), flags=re.I)
    name = re.sub(r"\s+", " ", name).strip(" :-+\u2013\u2014,") or text
    return Metric(name=name, target=_target_in(detail), timeframe=timeframe, text=text)


def _table_metrics(lines: list[str]) -> list[Metric] | None:
    """Metrics of a Markdown table: names in the "Metric" (or "KPI", "Signal" …) column, else the first one."""
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines
            if line.strip().startswith("|") and not re.fullmatch(r"\|?[\s:|-]+\|?", line.strip())]
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    header = [h.lower() for h in rows[0]]

    def column(*words: str, besides: tuple[int | None, ...] = ()) -> int | None:
        return next((i for i, h in enumerate(header)
                     if i not in besides and any(re.search(rf"\b{w}", h) for w in words)), None)

    name_col = column("metric", "kpi", "measure", "name", "signal", "indicator", "key result", "kr\\b")
    name_col = 0 if name_col is None else name_col
    target_col = column("target", "goal", "threshold", "success", "aim", "limit", "max", "min\\b", "budget")
    time_col = column("timeframe", "time", "when", "deadline", "by\\b", "horizon", "period", "date", "due",
                      besides=(name_col, target_col))
    header_time = (_TIMEFRAME.search(rows[0][target_col]) or _DATED.search(rows[0][target_col])
                   if target_col is not None else None)  # "Target (6 months)", "Target (first 90 days)"

    def cell(row: list[str], index: int | None) -> str | None:
        value = _clean(row[index]) if index is not None and index < len(row) else ""
        return None if _PLACEHOLDER.match(value) else value

    metrics = []
    for row in rows[1:]:
        name = cell(row, name_col)
        if not name:
            continue
        target_cell = cell(row, target_col)
        target = target_cell if target_cell and _target_in(target_cell) else None
        timeframe = cell(row, time_col) or (header_time.group() if header_time else None)
        if timeframe is None and target_cell:
            found = _TIMEFRAME.search(target_cell)
            timeframe = found.group() if found else None
        metrics.append(Metric(name=name, target=target, timeframe=timeframe, text=" | ".join(row)))
    return metrics


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph) if s.strip()]


def metrics_in(section: str) -> list[Metric]:
    """The metrics of a metrics section: the rows of a table, the items of a list, and KPIs stated in prose.

    Template instructions, examples, OKR "Objective:" parents and baselines are not metrics; a prose
    sentence is one only when it states a number or a timeframe.
    """
    lines = section.split("\n")
    metrics: list[Metric] = []
    table: list[str] = []
    context: str | None = None  # the timeframe of the sub-heading being read ("Week 1 success", "By Q3")
    for line in [*lines, ""]:
        if line.strip().startswith("|"):
            table.append(line)
            continue
        if table:  # each table has its own header: a second table's header row is no metric
            metrics += [_with_context(m, context) for m in _table_metrics(table) or []]
            table = []
        if line.startswith(_CONTEXT):
            found = _TIMEFRAME.search(line) or _DATED.search(line)
            context = found.group().strip() if found else None
    context = None
    paragraph: list[str] = []
    candidates: list[tuple[str, bool, str | None]] = []
    parent_indent = None
    for line in [*lines, ""]:
        if line.startswith(_CONTEXT):
            found = _TIMEFRAME.search(line) or _DATED.search(line)
            context = found.group().strip() if found else None
            line = ""
        elif re.match(r"\s*\*\*[^*]{1,40}\*\*\s*:", line) and paragraph:  # "**GOAL**: …" lines are items
            candidates += [(sentence, False, context) for sentence in _sentences(" ".join(paragraph))]
            paragraph = []
        item = _ITEM.match(line)
        indent = len(line) - len(line.lstrip())
        if item and candidates and candidates[-1][1] and parent_indent is not None and indent > parent_indent:
            text = candidates[-1][0]  # a sub-bullet ("Target: 40%") belongs to the metric above it
            candidates[-1] = (f"{text}{'; ' if ':' in text else ': '}{item.group('text')}", True, candidates[-1][2])
            continue
        if item or not line.strip() or line.strip().startswith("|"):
            if paragraph:
                candidates += [(sentence, False, context) for sentence in _sentences(" ".join(paragraph))]
                paragraph = []
            if item:
                candidates.append((item.group("text"), True, context))
                parent_indent = indent
        else:
            paragraph.append(line.strip())
    for text, listed, dated in candidates:
        clean = _SYMBOLS.sub("", _clean(text))
        if not clean or _NOT_A_METRIC.match(clean) or re.fullmatch(r"_[^_].*_|\*[^*].*\*", text.strip()) or \
                re.fullmatch(r"[^:]{1,40}:", clean):  # "M1:", "Events to add:": an unfilled template line
            continue
        if not listed and not (_TIMEFRAME.search(clean) or re.search(r"\d", clean) or _TREND.search(clean)):
            continue
        metrics.append(_with_context(_metric_from_text(clean), dated))
    return metrics


#: A prose sentence that names a measure and the way it should move: "Re-check rate should go down."
_TREND = re.compile(r"^[^.;:]{0,60}\b(?:rate|time|share|number|count|retention|conversion|churn|revenue|nps|score|"
                    r"usage|adoption)\b[^.;:]{0,40}?\b(?:should|will|must|to)\s+(?:go\s+(?:up|down)|increase|decrease|"
                    r"improve|drop|fall|rise|grow|shrink)\b", re.I)
#: A dated sub-heading of a success list: "Week 1 success", "Month 3", "Day 30", "90 days after launch".
_DATED = re.compile(r"\b(?:week|month|day|quarter|year|sprint)\s*\d{1,3}\b|\b\d{1,3}[- ]?(?:days?|weeks?|months?)\b",
                    re.I)
#: Emoji, check marks and arrows before a metric ("\u2705 Zero crashes", "\U0001f4c8 50+ users").
_SYMBOLS = re.compile(r"^(?:[^\w\s$\u20ac\u00a3(<>\u2264\u2265+-]\s*)+")


def _with_context(metric: Metric, context: str | None) -> Metric:
    """The metric, with the timeframe of the sub-heading it sits under where it states none of its own."""
    return metric if metric.timeframe or not context else replace(metric, timeframe=context)


#: The longest PRD the reviewer reads whole (characters): ten times a long real one; a longer text is cut
#: here, with a finding that says so, so that no submission can keep the reviewer busy.
MAX_PRD = 200_000


def review(prd_or_markdown: Prd | str) -> list[Finding]:
    """Problems with a PRD: missing or empty sections, then each metric lacking a target or timeframe."""
    findings = []
    if not isinstance(prd_or_markdown, Prd) and len(str(prd_or_markdown)) > MAX_PRD:
        findings.append(Finding(None, "too_long", f"The PRD is longer than {MAX_PRD:,} characters; the review read "
                                                  "only its start. Keep the PRD to the sections a team plans from."))
        prd_or_markdown = str(prd_or_markdown)[:MAX_PRD]
    prd = prd_or_markdown if isinstance(prd_or_markdown, Prd) else parse(prd_or_markdown)
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
