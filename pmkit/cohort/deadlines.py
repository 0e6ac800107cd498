"""Due dates, per-learner extensions and the late policy of a cohort, kept where nbgrader keeps them.

A due date is nbgrader's ``Assignment.duedate`` in the gradebook (Formgrader shows and edits the same
field). An extension is nbgrader's ``SubmittedAssignment.extension``; because nbgrader can only store
it once a submission exists, extensions are also kept in ``deadlines.json`` in the cohort folder and
copied onto the submission when it is graded. The late policy is nbgrader's own
``AssignLatePenalties`` preprocessor with its ``LateSubmissionPlugin``, configured (``none`` or
``zero``, nbgrader's methods) or with :class:`LatePolicy`, the same plugin with one more method,
``percent_per_day``. ``pmkit grade`` applies it (a cohort's ``nbgrader autograde`` refuses to grade).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmkit.errors import PmkitError
from pmkit.files import write_json_atomic
from pmkit.grading.late_policy import METHODS, LatePolicy

DEADLINES = "deadlines.json"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|minutes?|h|hours?|d|days?|w|weeks?)\s*$", re.I)


@dataclass
class Deadlines:
    """What ``deadlines.json`` holds: the late policy and each exercise's learner extensions."""

    method: str = "none"
    percent_per_day: float = 10.0
    max_percent: float = 100.0
    extensions: dict[str, dict[str, float]] = field(default_factory=dict)  # exercise -> learner -> hours
    excused: dict[str, list[str]] = field(default_factory=dict)  # exercise -> learners it does not count for

    def describe(self) -> str:
        """The policy in one sentence, for feedback pages and the report."""
        if self.method == "zero":
            return "a late submission scores 0"
        if self.method == "percent_per_day":
            return (f"a late submission loses {self.percent_per_day:g}% of its score per started day, "
                    f"at most {self.max_percent:g}%")
        return "no penalty for late submissions (they are marked late)"

    def set_policy(self, method: str | None = None, percent_per_day: float | None = None,
                   max_percent: float | None = None) -> bool:
        """Apply the late-policy options a command was given (None leaves one as it is); True if any was given."""
        if method:
            self.method = method.replace("-", "_")
        if percent_per_day is not None:
            self.percent_per_day = percent_per_day
        if max_percent is not None:
            self.max_percent = max_percent
        return bool(method) or percent_per_day is not None or max_percent is not None

    def is_excused(self, exercise: str, learner: str) -> bool:
        """True when ``learner`` is excused from ``exercise`` (joined later, a medical note): it counts for nothing."""
        return learner in self.excused.get(exercise, [])

    def extension(self, exercise: str, learner: str) -> dt.timedelta | None:
        """The extension granted to ``learner`` on ``exercise``, if any."""
        hours = self.extensions.get(exercise, {}).get(learner)
        return dt.timedelta(hours=hours) if hours else None


def load(root: Path) -> Deadlines:
    """Read ``deadlines.json`` of a cohort (defaults when there is none); a bad file is named."""
    path = Path(root) / DEADLINES
    if not path.is_file():
        return Deadlines()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        policy = data.get("late_policy", {})
        found = Deadlines(method=policy.get("method", "none"),
                          percent_per_day=float(policy.get("percent_per_day", 10)),
                          max_percent=float(policy.get("max_percent", 100)),
                          extensions={ex: {who: float(h) for who, h in people.items()}
                                      for ex, people in data.get("extensions", {}).items()},
                          excused={ex: sorted(str(who) for who in people)
                                   for ex, people in data.get("excused", {}).items()})
    except (ValueError, TypeError, AttributeError) as error:
        raise PmkitError(f"{path}: not a valid deadlines file ({error}); fix it or change it with "
                         "`pmkit deadline`") from error
    if found.method not in METHODS:
        raise PmkitError(f"{path}: late_policy.method {found.method!r} must be one of {', '.join(METHODS)}")
    return found


def save(root: Path, deadlines: Deadlines) -> Path:
    """Write ``deadlines.json`` (whole, through a temporary file)."""
    path = Path(root) / DEADLINES
    data = {"late_policy": {"method": deadlines.method, "percent_per_day": deadlines.percent_per_day,
                            "max_percent": deadlines.max_percent},
            "extensions": deadlines.extensions, "excused": {k: v for k, v in deadlines.excused.items() if v}}
    return write_json_atomic(path, data)


def configure(config: Any, root: str | Path) -> Any:
    """Put the cohort's late policy on an nbgrader config (the cohort's nbgrader_config.py calls this)."""
    deadlines = load(Path(root))
    config.AssignLatePenalties.plugin_class = LatePolicy
    config.LatePolicy.penalty_method = deadlines.method
    config.LatePolicy.percent_per_day = deadlines.percent_per_day
    config.LatePolicy.max_percent = deadlines.max_percent
    return config


def roster_id(text: str, people: list[Any], option: str) -> str:
    """The roster id that ``text`` names: an id in any case, or a full name; else a "did you mean".

    ``people`` have ``id``, ``first_name`` and ``last_name``; the suggestion compares ids and names.
    """
    import difflib

    wanted = text.strip()
    for person in people:
        if person.id.lower() == wanted.lower():
            return person.id
    names = {f"{p.first_name} {p.last_name}".strip().lower(): p.id for p in people}
    if wanted.lower() in names:
        return names[wanted.lower()]
    keys = {p.id.lower(): p.id for p in people} | names
    close = difflib.get_close_matches(wanted.lower(), list(keys), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(sorted({keys[c] for c in close}))}?" if close else \
        "; `pmkit report` lists the roster's ids"
    raise PmkitError(f"{option} {text!r}: no learner with that id or name on the roster{hint}")


def parse_due(text: str) -> dt.datetime:
    """An ISO date-time (``2026-12-01T17:00+01:00``; no zone means UTC) as naive UTC, as nbgrader stores it."""
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise PmkitError(f"due date {text!r}: write it as 2026-12-01T17:00 (UTC) or 2026-12-01T17:00+01:00") \
            from error
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


def parse_duration(text: str) -> float:
    """An extension such as ``2d``, ``36h`` or ``90min``, in hours."""
    match = _DURATION.match(text)
    if not match:
        raise PmkitError(f"extension {text!r}: write a number and a unit, e.g. 2d, 36h or 90min")
    unit = match.group(2).lower()[0]
    return float(match.group(1)) * {"m": 1 / 60, "h": 1, "d": 24, "w": 168}[unit]


def set_due(db_url: str, exercise: str, due: dt.datetime | None) -> None:
    """Store (or clear) an exercise's due date in the gradebook, as Formgrader's due-date field does."""
    from pmkit.grading.gradebook import gradebook

    with gradebook(db_url) as book:
        book.update_or_create_assignment(exercise, duedate=due)


def due_dates(db_url: str) -> dict[str, dt.datetime | None]:
    """Every exercise in the gradebook and its due date (naive UTC)."""
    from pmkit.grading.gradebook import gradebook

    with gradebook(db_url) as book:
        return {a.name: a.duedate for a in book.assignments}
