"""Where a PRD's success metric starts: its baseline, in every form the course teaches.

"from 40 s to 15 s", "40 s to 15 s", "30% \u2192 10%", "(baseline 40 s): 15 s" and a metrics table's Baseline
column all state one. The PRD exercise's checks and chapter 05's metric turn both read metrics here, so a
line the exercise accepts is never marked short by the chapter. Builtins are bound at import, as in
:mod:`pmkit.exercises.checks`, so a learner's kernel that replaces one does not change what is read.
"""

from __future__ import annotations

import re
from builtins import dict, enumerate, float, len, list, next, str, tuple  # noqa: UP029

__all__ = ["LINE", "QUANTITY", "metric_parts", "quantity", "starts_from", "table_starts"]

_SPACES = re.compile(r"\s+")


#: A metric's "from … to …" span: "from 40 s to", "from about a third (30%) to", "from 40 to 15 seconds".
_FROM_TO = re.compile(r"\bfrom\b(?P<start>(?:[^.;]|\.(?=\d))*?)\bto\b(?P<end>(?:[^.;]|\.(?=\d))*)", re.I)


#: A number and its unit inside that span ("40 s", "30%", "40 seconds", "30 per cent").
_NUMBER_UNIT = re.compile(r"(?<![\w.,])(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|per\s*cent\b|percent\b|s\b|"
                          r"secs?\b|seconds?\b)?", re.I)


#: How much of one line (a metric, a requirement) the checks read.
LINE = 600
QUANTITY = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|s)\s*$")


def quantity(number: str, unit: str) -> tuple[float, str]:
    """A number and its unit, "%" or "s" ("per cent" is "%", "seconds" is "s")."""
    return float(number), "s" if str.startswith(str.lower(unit), "s") else "%"


_UNIT = r"(?:%|per\s{0,2}cent\b|percent\b|s\b|secs?\b|seconds?\b)"
#: "30% \u2192 10%", "40 s to 15 s", "40 -> 15 seconds": a start and an end, one of them with a unit.
_PAIR = re.compile(rf"(?<![\w.,])(?P<a>\d+(?:\.\d+)?)\s{{0,3}}(?P<ua>{_UNIT})?\s{{0,3}}\)?\s{{0,3}}(?:\u2192|->|=>|"
                   rf"\u21d2|\u279d|\bdown\s{{1,3}}to\b|\bto\b)\s{{0,3}}(?:(?:about|around|under|below)\s{{1,3}}|~\s?)?"
                   rf"(?P<b>\d+(?:\.\d+)?)\s{{0,3}}(?P<ub>{_UNIT})?", re.I)
#: "(baseline 40 s)", "baseline: 30%", "today 40 s", "down from 40 s": a baseline named as one.
_NAMED_START = re.compile(rf"\b(?:baseline|today|currently|current|now|was|from|starting\s{{1,3}}point)\b\s{{0,3}}"
                          rf"(?:(?:is|of|at)\s{{1,3}}|[:=\u2013-]\s{{0,3}})?(?:(?:about|around|roughly)\s{{1,3}}|~\s?)?"
                          rf"(?P<n>\d+(?:\.\d+)?)\s{{0,3}}(?P<u>{_UNIT})?", re.I)
#: A table column that holds where each metric starts.
_START_COLUMN = re.compile(r"\b(?:baseline|current|today|now|from|start\w*|before|was)\b", re.I)


def starts_from(text: str) -> list[tuple[float, str]]:
    """The quantities a metric's text starts from ("from 40 s to 15 s" and "40 s \u2192 15 s" start from (40.0, "s")).

    A start's unit may come later ("from 40 to 15 seconds", "(baseline 40): 15 s"), a number in brackets
    counts ("from about a third (30%) to 10%"), and a baseline may be named ("(baseline 40 s): 15 s").
    """
    text, starts = text[:LINE], []  # a metric is a line: its first characters are plenty, and the scan stays short
    for span in _FROM_TO.finditer(text):
        numbers = list(_NUMBER_UNIT.finditer(span.group("start")))
        if not numbers:
            continue
        later = [m.group("unit") for m in [*numbers, *_NUMBER_UNIT.finditer(span.group("end"))] if m.group("unit")]
        if later:
            starts += [quantity(m.group("number"), m.group("unit") or later[0]) for m in numbers]
    for pair in _PAIR.finditer(text):
        unit = pair.group("ua") or pair.group("ub")
        if unit:
            starts.append(quantity(pair.group("a"), unit))
    for named in _NAMED_START.finditer(text):
        unit = named.group("u") or next((m.group("unit") for m in _NUMBER_UNIT.finditer(text, named.end())
                                         if m.group("unit")), None)
        if unit:
            starts.append(quantity(named.group("n"), unit))
    return list(dict.fromkeys(starts))


def metric_parts(line: str) -> tuple[list[tuple[float, str]], str | None, str | None]:
    """One success-metric line as the PRD exercise reads it: where it starts, its target and its timeframe.

    The chapter's metric turn calls this too, so a line the exercise accepts is never marked short by the chapter.
    """
    from pmkit.review import prd as prd_review

    found = prd_review.metrics_in(f"- {_SPACES.sub(' ', str(line))[:LINE]}")
    if not found:
        return [], None, None
    return starts_from(found[0].text), found[0].target, found[0].timeframe


def table_starts(section: str) -> dict[str, list[tuple[float, str]]]:
    """Where each row of a metrics table starts, from its Baseline (Current, Today, From \u2026) column.

    Keyed by the row as the reviewer writes a table metric's text (its cells joined by " | ").
    """
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in section.split("\n")
            if line.strip().startswith("|") and not re.fullmatch(r"\|?[\s:|-]+\|?", line.strip())]
    if len(rows) < 2:
        return {}
    column = next((i for i, h in enumerate(rows[0]) if _START_COLUMN.search(h)), None)
    if column is None:
        return {}
    found = {}
    for row in rows[1:]:
        if column < len(row):
            units = [m.group("unit") for cell in row for m in _NUMBER_UNIT.finditer(cell) if m.group("unit")]
            found[" | ".join(row)] = [quantity(m.group("number"), m.group("unit") or units[0])
                                      for m in _NUMBER_UNIT.finditer(row[column]) if m.group("unit") or units]
    return found
