"""Chapter 10's checked tries: a learner writes one pandas expression; a check says correct, incorrect or not attempted.

Each :class:`Try` computes its own answer key from data it loads itself (never from the learner's
variables) and knows the usual wrong answers, so an incorrect answer is told *which* mistake it
looks like. :func:`hint` helps at any time; :func:`solution` shows the model answer only after
an attempt. The data is synthetic (``datasets/course/generate_practice.py``, seeded).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmkit.paths import datasets_dir
from pmkit.tables import Column, Schema, choices, load_named
from pmkit.teach import quiz

if TYPE_CHECKING:
    import pandas as pd

STEPS = ("visit_pricing", "start_trial", "create_invoice", "send_invoice", "pay")
SCHEMAS = {
    "practice_requests": Schema("practice_requests.csv", (
        Column("request_id"), Column("week", "datetime"), Column("customer"),
        Column("plan", choices=choices(["free", "pro", "team"])),
        Column("topic", choices=choices(["billing", "invoices", "export", "integrations", "login"]))),
        key=("request_id",), min_rows=100),
    "practice_funnel": Schema("practice_funnel.csv", (
        Column("user_id"), Column("segment", choices=choices(["freelancer", "agency"])),
        Column("step", choices=choices(STEPS))), key=("user_id", "step"), min_rows=100),
}


def table(name: str) -> pd.DataFrame:
    """One practice data set, validated: ``practice_requests`` or ``practice_funnel``."""
    return load_named(SCHEMAS, name, datasets_dir() / "course")


def path(name: str) -> str:
    """The path of a practice CSV, for reading it with ``pd.read_csv`` as a learner would."""
    return str(datasets_dir() / "course" / SCHEMAS[name].filename)


def requests() -> pd.DataFrame:
    """The support requests, read as the chapter reads them."""
    import pandas as pd

    return pd.read_csv(path("practice_requests"), parse_dates=["week"])


def funnel_rows() -> pd.DataFrame:
    """The trial funnel, one row per user and step reached."""
    import pandas as pd

    return pd.read_csv(path("practice_funnel"))


def _weekly() -> pd.Series:
    return requests().groupby("week").size()


def _funnel() -> pd.Series:
    return funnel_rows().groupby("step")["user_id"].nunique().reindex(list(STEPS))


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer: how to compute it, and what to tell a learner who gave it.

    ``kind`` is the kind of that wrong answer where it differs from the try's (a number given for a label).
    """

    answer: Callable[[], Any]
    message: str
    kind: str | None = None


@dataclass(frozen=True)
class Try:
    """One checked try: the variable's name, what kind of value it holds, the key, mistakes, hint and solution."""

    name: str
    kind: str  # "number", "series" or "label"
    expected: Callable[[], Any]
    hint: str
    solution: str
    mistakes: tuple[Mistake, ...] = field(default_factory=tuple)


TRIES = {t.name: t for t in (
    Try("team_export", "number",
        lambda: int(((requests()["plan"] == "team") & (requests()["topic"] == "export")).sum()),
        hint="write one condition per column, put each in its own brackets and join them with `&`; keep those rows "
             "with `requests[...]` and count them with `len()`.",
        solution='team_export = len(requests[(requests["plan"] == "team") & (requests["topic"] == "export")])',
        mistakes=(
            Mistake(lambda: int((requests()["plan"] == "team").sum()),
                    "that is every request from team-plan customers; keep only the export ones as well"),
            Mistake(lambda: int((requests()["topic"] == "export").sum()),
                    "that is every export request; keep only those from team-plan customers as well"),
            Mistake(lambda: int(((requests()["plan"] == "team") | (requests()["topic"] == "export")).sum()),
                    "that counts requests that are team-plan *or* export (|); both must hold, so use &"),
        )),
    Try("customers_per_topic", "series",
        lambda: requests().groupby("topic")["customer"].nunique(),
        hint="group by topic, pick the customer column and count its distinct values: "
             "`.groupby(\"topic\")[\"customer\"]`, then `.nunique()`.",
        solution='customers_per_topic = requests.groupby("topic")["customer"].nunique()',
        mistakes=(
            Mistake(lambda: requests().groupby("topic").size(),
                    "those are requests per topic, not customers: a customer who writes five times counts "
                    "once; use .nunique() on the customer column"),
            Mistake(lambda: requests().groupby("topic")["customer"].count(),
                    ".count() counts every request that names a customer, repeats included; .nunique() counts "
                    "each customer once"),
        )),
    Try("weekly_change", "series",
        lambda: _weekly().pct_change() * 100,
        hint="`weekly.pct_change()` gives the change from the week before as a fraction; multiply by 100 for per cent.",
        solution="weekly_change = weekly.pct_change() * 100",
        mistakes=(
            Mistake(lambda: _weekly().pct_change(),
                    "those are fractions (0.3 for 30%); multiply by 100 to get per cent"),
            Mistake(lambda: _weekly().diff(),
                    "that is the change in the number of requests; the question asks for the change in per cent"),
            Mistake(lambda: _weekly().pct_change(periods=-1) * 100,
                    "that compares each week with the *next* one; shift forward (the default, periods=1) to "
                    "compare with the week before"),
            Mistake(lambda: (_weekly().shift(1) / _weekly() - 1) * 100,
                    "the division is upside down: divide this week by last week, (weekly / weekly.shift(1) - 1) * 100"),
        )),
    Try("worst_week", "label",
        lambda: (_weekly().pct_change()).idxmin(),
        hint="the largest drop is the most negative change, and `.idxmin()` gives the label (the week) of the smallest "
             "value.",
        solution="worst_week = weekly_change.idxmin()",
        mistakes=(
            Mistake(lambda: _weekly().pct_change().idxmax(),
                    "that is the week of the largest *rise*; the largest drop is the most negative change (idxmin)"),
            Mistake(lambda: _weekly().idxmin(),
                    "that is the quietest week, the one with the fewest requests; a drop compares a week with the "
                    "week before, so look at the change, not the count"),
            Mistake(lambda: _weekly().pct_change().min() * 100,
                    "that is the size of the largest drop, not its week: `.min()` gives the value, `.idxmin()` "
                    "gives its label (the week)", kind="number"),
            Mistake(lambda: _weekly().pct_change().min(),
                    "that is the size of the largest drop (as a fraction), not its week: `.min()` gives the "
                    "value, `.idxmin()` gives its label (the week)", kind="number"),
        )),
    Try("worst_step", "label",
        lambda: (1 - _funnel() / _funnel().shift(1)).idxmax(),
        hint="the drop-off into a step is `1 - funnel / funnel.shift(1)`, a share; the worst step is the label of its "
             "largest value, `.idxmax()`.",
        solution="worst_step = (1 - funnel / funnel.shift(1)).idxmax()",
        mistakes=(
            Mistake(lambda: _funnel().idxmin(),
                    "that is the step the fewest users reach, which is always near the end of a funnel; compare "
                    "each step with the one before it"),
            Mistake(lambda: _funnel().diff().idxmin(),
                    "that step loses the most users, but from a bigger starting number; compare as a share "
                    "(1 - funnel / funnel.shift(1)) so steps of different sizes are comparable"),
            Mistake(lambda: (_funnel() / _funnel().shift(1)).idxmax(),
                    "that is the step that keeps the largest share; the drop-off is 1 minus it"),
            Mistake(lambda: (1 - _funnel() / _funnel().shift(1)).max(),
                    "that is the size of the largest drop-off (a share), not its step: `.max()` gives the value, "
                    "`.idxmax()` gives its label (the step)", kind="number"),
            Mistake(lambda: (1 - _funnel() / _funnel().shift(1)).max() * 100,
                    "that is the size of the largest drop-off (in per cent), not its step: `.max()` gives the "
                    "value, `.idxmax()` gives its label (the step)", kind="number"),
        )),
)}

_attempted: set[str] = set()


def _blank(value: Any) -> bool:
    return value is None or value is Ellipsis or (isinstance(value, str) and not value.strip())


def _as_mapping(value: Any) -> dict[str, float] | None:
    """A Series-like value as {label: number}; None if it is not one."""
    if not hasattr(value, "items") or not hasattr(value, "index") or hasattr(value, "columns"):
        return None
    try:
        return {_label(k): float(v) for k, v in value.items()}
    except (TypeError, ValueError):
        return None


def _label(value: Any) -> str:
    """A label (step name, topic, week) as text; a timestamp as its date."""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _same(kind: str, value: Any, expected: Any) -> bool:
    """True when ``value`` is ``expected``: numbers to 0.01 (a series' to one decimal), labels as text.

    A series may leave out labels whose expected value is missing (``weekly_change.dropna()`` drops the first
    week, which has no week before it).
    """
    if kind == "number":
        if isinstance(value, bool) or (hasattr(value, "__len__") and not isinstance(value, str)):
            return False
        try:
            number = float(value)
        except (TypeError, ValueError):
            return False
        return math.isclose(number, float(expected), abs_tol=0.01) or (
            abs(float(expected)) >= 1 and math.isclose(number, round(float(expected), 1), abs_tol=1e-9))
    if kind == "label":
        return _label(value)[:10] == _label(expected)[:10] if hasattr(expected, "strftime") else \
            _label(value) == _label(expected)
    got, want = _as_mapping(value), _as_mapping(expected)
    if got is None or want is None:
        return False
    want = {k: v for k, v in want.items() if k in got or not math.isnan(v)}
    if set(got) != set(want):
        return False
    # 0.051 accepts answers rounded to one decimal place; a whole per cent (round()) counts too
    return all((math.isnan(got[k]) and math.isnan(want[k])) or
               (not math.isnan(got[k]) and not math.isnan(want[k])
                and (math.isclose(got[k], want[k], abs_tol=0.051) or math.isclose(got[k], round(want[k]))))
               for k in want)


def _what_is_wrong(attempt: Try, value: Any) -> str:
    """Why an answer is wrong: a known mistake's message, or what was received against what is expected."""
    for mistake in attempt.mistakes:
        if _same(mistake.kind or attempt.kind, value, mistake.answer()):
            return mistake.message
    shown = _shown(value)
    kind = type(value).__name__
    a_kind = f"an {kind}" if kind[:1].lower() in "aeiou" else f"a {kind}"
    if hasattr(value, "columns") and attempt.kind == "number":
        return ("got a whole DataFrame, the rows themselves, where a number is expected: count the rows with "
                "len(...)")
    if hasattr(value, "columns"):
        return ("got a whole DataFrame, where one Series is expected: pick one column with [\"name\"], "
                "and leave out reset_index()")
    if attempt.kind == "number":
        number = _number(value)
        if number is not None:
            return f"got {number:g}, which is not the number of such requests"
        return f"expected a number (an int such as 12), got a {type(value).__name__}: {shown}"
    if attempt.kind == "series":
        mapping = _as_mapping(value)
        if mapping is None:
            return f"expected a pandas Series (one number per label), got {a_kind}: {shown}"
        want = {k: v for k, v in _as_mapping(attempt.expected()).items() if k in mapping or not math.isnan(v)}
        if set(mapping) != set(want):
            unit = "week" if attempt.name == "weekly_change" else "topic"
            missing, extra = sorted(set(want) - set(mapping)), sorted(set(mapping) - set(want))
            said = [f"it has no {unit} {', '.join(missing[:3])}" if missing else "",
                    f"it has labels that are not one per {unit}: {', '.join(extra[:3])}" if extra else ""]
            return f"expected one number per {unit}; " + "; ".join(x for x in said if x)
        return "it has the right labels, but some numbers differ from the expected ones"
    if attempt.kind == "label" and _number(value) is not None:
        return f"got the number {shown}, where a label is expected (a {'week' if 'week' in attempt.name else 'step'})"
    return f"got {shown}, which is not the answer"


def _number(value: Any) -> float | None:
    """A plain int, float or numpy number as a float; None for anything else (bools included)."""
    if hasattr(value, "item") and not hasattr(value, "__len__"):
        value = value.item()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _shown(value: Any) -> str:
    """A value as feedback shows it: numbers plainly (-47.06, not np.float64(...)), the rest cut short."""
    number = _number(value)
    if number is not None:
        return f"{number:g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "\u2026"


def _find(name: str) -> Try:
    """The try called ``name``; an unknown name raises a KeyError that lists the known ones."""
    if name not in TRIES:
        raise KeyError(f"no try called {name!r}; the tries are {', '.join(TRIES)}")
    return TRIES[name]


def check(name: str, value: Any) -> quiz.Feedback:
    """Check a try's answer: correct, incorrect (saying which mistake it looks like) or not attempted."""
    attempt = _find(name)
    if _blank(value):
        return _Shown(name, quiz.NOT_ATTEMPTED, f"{name} is not answered yet: replace ... with your expression "
                                                 "and run the cell again.")
    _attempted.add(name)
    if _same(attempt.kind, value, attempt.expected()):
        shown = _Shown(name, quiz.CORRECT, f"Correct: {name} is right.")
    else:
        shown = _Shown(name, quiz.INCORRECT, f"Not yet: {name}: {_what_is_wrong(attempt, value)}. "
                                             f"Run tries.hint(\"{name}\") for a hint.")
    _record(name, value, shown.status)
    return shown


#: The chapter whose cells hold the tries, and the title their answers are recorded under.
CHAPTER, TITLE = "10", "Your try"


def _record(name: str, value: Any, status: str) -> None:
    """Note a try's outcome in the learner's progress file, where progress is on; never fails a check."""
    try:
        from pmkit.teach import progress

        if progress.enabled():
            key = progress.record_quiz(CHAPTER, TITLE, list(TRIES))
            progress.record_answer(key, name, str(value)[:200], status)
    except Exception:  # a progress file that cannot be written must not hide the feedback
        pass


def hint(name: str) -> str:
    """A hint for a try, available at any time."""
    return _Text(f"**Hint for `{name}`:** {_find(name).hint}")


def solution(name: str) -> str:
    """The model answer, once the learner has checked an attempt of their own."""
    attempt = _find(name)
    if name not in _attempted:
        return _Text(f"Try `{name}` first: write your own answer and run its check; then the solution is here.")
    return _Text(f"One solution: `{attempt.solution}`")


class _Shown(quiz.Feedback):
    """Feedback that shows itself in a notebook with the course's feedback style."""

    def __init__(self, name: str, status: str, message: str) -> None:
        super().__init__(name, status, message)

    def _repr_html_(self) -> str:
        from pmkit.teach import widgets

        try:  # the colours every quiz carries, where this version of pmkit has them
            from pmkit.teach.theme import style_sheet
        except ImportError:
            return widgets.feedback_html(self)
        return style_sheet() + widgets.feedback_html(self)

    def __repr__(self) -> str:
        return self.message


class _Text(str):
    """Text that a notebook renders as Markdown (and a terminal prints without quotes)."""

    def _repr_markdown_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return str(self)
