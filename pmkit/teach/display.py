"""The one way the course shows a table, a list or prose to a learner.

pandas' own repr cuts cells at 50 characters, shows the index, right-aligns text and prints
``True``/``<NA>``. :func:`table` renders a DataFrame as a learner reads it instead: every cell in
full and wrapped, no index, prose left-aligned and numbers right-aligned, headers in words, ``yes``/
``no`` for booleans and a blank for a missing value. :func:`markdown` and :func:`bullets` show prose
as rendered Markdown, never as monospace ``print()`` output. The HTML is deterministic, so nbval
can compare two runs.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pmkit.teach import theme

if TYPE_CHECKING:
    import pandas as pd

#: Column names that are not simply the snake_case name in words.
HEADERS = {
    "apm": "Associate Product Manager", "jpm": "Junior Product Manager", "role": "Role",
    "item": "Item", "from_role": "From", "to_role": "To", "track": "Kind of move",
    "months_min": "Shortest (months)", "months_max": "Longest (months)",
    "people_management": "Manages people", "change_pct": "Change (%)", "churn_rate_pct": "Churn rate (%)",
    "metric_change_pct": "Change (%)",
}
_SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
#: A dollar sign that no maths renderer pairs into a formula. JupyterLab's MathJax reads "$70,000–$110,000"
#: as maths, in Markdown and in HTML output alike, and still does when Markdown writes it "\\$"; a sign alone
#: in its own element can never be half of a pair (an entity, so the Markdown source holds no "$" either).
DOLLAR = theme.DOLLAR
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_TABLE_STYLE = "border-collapse:collapse;margin:0.5em 0;max-width:100%"
_CELL_STYLE = "padding:4px 10px;vertical-align:top;white-space:normal;word-break:normal;overflow-wrap:break-word"


def dollars(text: str) -> str:
    """HTML or Markdown ``text`` with every ``$`` shown as a dollar sign, never as the start of a formula.

    Inline code (between backticks) is left alone: it is shown verbatim, where nothing renders maths.
    """
    if "$" not in text:
        return text
    parts, last = [], 0
    for code in _CODE_SPAN.finditer(text):
        parts += [text[last:code.start()].replace("$", DOLLAR), code.group()]
        last = code.end()
    parts.append(text[last:].replace("$", DOLLAR))
    return "".join(parts)


def html_text(text: str) -> str:
    """Plain ``text`` as HTML: escaped, and with its dollar signs safe from the maths renderer."""
    return dollars(html.escape(text))


def header(name: Any) -> str:
    """A column name as a learner reads it: ``from_role`` becomes "From", ``due_date`` "Due date"."""
    text = str(name)
    if text in HEADERS:
        return HEADERS[text]
    if text.isupper():  # APM, JPM, KPI
        return text
    words = text.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def is_snake_case(text: str) -> bool:
    """True for an identifier like ``from_role`` that should never reach a learner as a header."""
    return bool(_SNAKE.match(text.strip()))


def cell_text(value: Any) -> str:
    """One value as text: yes/no for booleans, a blank for missing values, whole numbers without .0."""
    if value is None:
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
        if isinstance(value, pd.Timestamp):
            return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
        return f"{value:g}"
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def _numeric(values: list[Any]) -> bool:
    present = [v for v in values if cell_text(v) != ""]
    return bool(present) and all((isinstance(v, (int, float)) and not isinstance(v, bool))
                                 or type(v).__name__ in ("int64", "float64", "Int64") for v in present)


class Table:
    """A table as HTML (and plain text for a terminal), built once from rows of text."""

    def __init__(self, headers: list[str], rows: list[list[str]], numeric: list[bool],
                 caption: str | None = None) -> None:
        self.headers, self.rows, self.numeric, self.caption = headers, rows, numeric, caption

    def _repr_html_(self) -> str:
        def align(i: int) -> str:
            return "right" if self.numeric[i] else "left"

        head = "".join(f'<th style="{_CELL_STYLE};text-align:{align(i)}">{html_text(h)}</th>'
                       for i, h in enumerate(self.headers))
        body = "".join("<tr>" + "".join(
            f'<td style="{_CELL_STYLE};text-align:{align(i)}">{html_text(c)}</td>' for i, c in enumerate(row))
            + "</tr>" for row in self.rows)
        caption = f"<caption style=\"text-align:left;font-weight:bold\">{html_text(self.caption)}</caption>" \
            if self.caption else ""
        return (f'<table class="pmkit-table" style="{_TABLE_STYLE}">{caption}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>")

    def __repr__(self) -> str:
        lines = [self.caption] if self.caption else []
        lines.append(" | ".join(self.headers))
        lines += [" | ".join(row) for row in self.rows]
        return "\n".join(lines)


def table(frame: pd.DataFrame, columns: Mapping[str, str] | Iterable[str] | None = None,
          caption: str | None = None, capitalize: Iterable[str] = ()) -> Table:
    """``frame`` as a learner reads it; ``columns`` picks columns (a list) or picks and names them (a dict).

    A named index (e.g. the aspects of a comparison) becomes the first column; a default
    0, 1, 2… index is dropped. Text in the ``capitalize`` columns starts with a capital letter
    (``setting`` reads "Setting"); values are otherwise shown as they are, so a learner who filters
    the data with the value they read finds it.
    """
    import pandas as pd

    frame = frame.copy()
    if not isinstance(frame.index, pd.RangeIndex):
        name = frame.index.name or ""
        frame = frame.reset_index(names=name or "index")
        if not name:
            frame = frame.rename(columns={"index": ""})
    if columns is None:
        names = {c: header(c) for c in frame.columns}
    elif isinstance(columns, Mapping):
        names = dict(columns)
    else:
        names = {c: header(c) for c in columns}
    capitalize = set(capitalize)
    missing = [c for c in names if c not in frame.columns] + sorted(c for c in capitalize if c not in names)
    if missing:
        have = ", ".join(map(str, frame.columns))
        raise KeyError(f"no column(s) {', '.join(map(str, missing))}; the table has {have}")
    values = [frame[c].astype(object).tolist() for c in names]
    numeric = [_numeric(v) for v in values]
    shapers = [_capital if c in capitalize else str for c in names]
    rows = [[shape(cell_text(col[i])) for col, shape in zip(values, shapers, strict=True)]
            for i in range(len(frame))]
    return Table(list(names.values()), rows, numeric, caption)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def markdown(text: str) -> Any:
    """Prose rendered as Markdown (an ``IPython.display.Markdown``), wrapped like the chapter's own text.

    Dollar amounts ("$70,000") read as money, not as a formula (:func:`dollars`).
    """
    from IPython.display import Markdown

    return Markdown(dollars(text))


def bullets(items: Iterable[str], heading: str | None = None) -> Any:
    """A bulleted Markdown list, under an optional bold heading."""
    lines = [f"**{heading}**", ""] if heading else []
    lines += [f"- {item}" for item in items]
    return markdown("\n".join(lines))


def grouped(frame: pd.DataFrame, by: str, item: str, headings: Mapping[str, str]) -> Any:
    """Items grouped under headings, in the order of ``headings`` (the order the text tells them).

    A group missing from ``headings`` is an error rather than a silently dropped list.
    """
    unknown = sorted(set(frame[by]) - set(headings))
    if unknown:
        raise KeyError(f"no heading for {by} value(s) {', '.join(map(str, unknown))}")
    parts = []
    for key, heading in headings.items():
        rows = frame[frame[by] == key][item].tolist()
        if rows:
            parts.append("\n".join([f"**{heading}**", "", *(f"- {r}" for r in rows)]))
    return markdown("\n\n".join(parts))


def reveal(prompt: str, answer: str, min_chars: int = 15) -> Any:
    """A "your turn" box: the learner types an answer; the model answer shows only after they have tried.

    The button stays disabled until the learner has written at least ``min_chars`` characters, so
    the answer cannot be read before an attempt.
    """
    import ipywidgets as w

    label = w.HTML(f"<p><b>Your turn.</b> {html_text(prompt)}</p>")
    box = w.Textarea(placeholder="Type your answer here, then compare it with ours.",
                     layout=w.Layout(width="100%", height="5em"))
    button = w.Button(description="Show our answer", disabled=True)
    shown = w.HTML("")

    def typed(change: dict) -> None:
        button.disabled = len(change["new"].strip()) < min_chars

    def show(_: Any) -> None:
        shown.value = f"<p><b>Our answer.</b> {html_text(answer)}</p>"

    box.observe(typed, names="value")
    button.on_click(show)
    return w.VBox([label, box, button, shown])
