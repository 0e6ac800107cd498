"""Checks for exercise test cells: three outcomes (correct, incorrect, not attempted) with specific feedback.

A passing check prints a ``✔`` line. A failing one raises :class:`Incorrect` or
:class:`NotAttempted`, both AssertionErrors, so nbgrader scores the cell as failed. Inside a
kernel, importing this module installs a display hook that shows a failed check as its message
alone, without a traceback (which would otherwise print the test code, hidden tests included),
while still producing the error output nbgrader looks for.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

CORRECT, INCORRECT, NOT_ATTEMPTED = "correct", "incorrect", "not_attempted"


class CheckFailed(AssertionError):
    """A check that did not pass; ``status`` is incorrect or not_attempted and the message is for learners."""

    status = INCORRECT


class Incorrect(CheckFailed):
    """The answer is there but wrong."""


class NotAttempted(CheckFailed):
    """The starter is unchanged: the learner has not answered yet."""

    status = NOT_ATTEMPTED


def passed(name: str, message: str) -> None:
    """Print the success line of a check."""
    print(f"\u2714 {name}: {message}")


def _incorrect(name: str, problem: str, hint: str | None = None) -> Incorrect:
    return Incorrect(f"\u2718 {name}: {problem}" + (f"\nHint: {hint}" if hint else ""))


def _not_attempted(name: str, what_to_do: str) -> NotAttempted:
    return NotAttempted(f"\u2026 {name} is not answered yet: {what_to_do}")


def _show(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _is_blank(value: Any) -> bool:
    return value is None or value is Ellipsis or (isinstance(value, str) and not value.strip())


def check_answered(name: str, value: Any, starter: Any = None, what_to_do: str = "replace the placeholder") -> None:
    """Raise NotAttempted if ``value`` is blank (None, ``...``, empty) or still equals ``starter``."""
    try:
        unchanged = value is starter or (starter is not None and bool(value == starter))
    except (TypeError, ValueError):  # e.g. comparing DataFrames of different shapes
        unchanged = False
    if _is_blank(value) or unchanged:
        raise _not_attempted(name, what_to_do)


def check_type(name: str, value: Any, kind: type | tuple[type, ...], example: str = "") -> None:
    """Raise Incorrect, naming what was received, unless ``value`` is a ``kind``."""
    if not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        expected = " or ".join(k.__name__ for k in kinds)
        raise _incorrect(name, f"expected a {expected}{f' such as {example}' if example else ''}, "
                               f"got a {type(value).__name__}: {_show(value)}")


def check_equal(name: str, value: Any, expected: Any, *, hint: str | None = None, starter: Any = None,
                reveal: bool = False) -> None:
    """Check that ``value == expected``; say what was received (and expected, if ``reveal``)."""
    check_answered(name, value, starter)
    if value != expected:
        wanted = f", expected {_show(expected)}" if reveal else ""
        raise _incorrect(name, f"got {_show(value)}{wanted}", hint)
    passed(name, "correct.")


def check_number(name: str, value: Any, expected: float, *, tolerance: float = 0.01, hint: str | None = None,
                 starter: Any = None) -> None:
    """Check a number within ``tolerance`` (absolute); a non-number is reported as such."""
    check_answered(name, value, starter, "replace None with a number")
    if isinstance(value, bool) or (not isinstance(value, (int, float)) and not hasattr(value, "__float__")):
        raise _incorrect(name, f"expected a number, got a {type(value).__name__}: {_show(value)}", hint)
    number = float(value)
    if math.isnan(number) or abs(number - expected) > tolerance:
        raise _incorrect(name, f"got {number:g}, which is not the expected value", hint)
    passed(name, f"{number:g} is right.")


def _upper(text: Any) -> str:
    return str(text).strip().upper()


def check_label_format(name: str, answers: Any, keys: Iterable[Any], *, starter: str = "?",
                       allowed: Sequence[str] | None = None, normalise: Callable[[Any], str] = _upper,
                       announce: bool = True) -> None:
    """Check that every key has a label (not ``starter``) from ``allowed``; say which do not.

    All labels still ``starter`` means not attempted. Like every check it returns None: nbgrader
    would read a number left as a test cell's result as partial credit.
    """
    _label_format(name, answers, keys, starter=starter, allowed=allowed, normalise=normalise)
    if announce:
        passed(name, "every task is labelled (whether the labels are right is checked when you are graded).")


def _label_format(name: str, answers: Any, keys: Iterable[Any], *, starter: str, allowed: Sequence[str] | None,
                  normalise: Callable[[Any], str]) -> dict[Any, Any]:
    check_type(name, answers, Mapping, "{1: 'A', 2: 'J'}")
    given = {k: answers.get(k) for k in keys}
    if all(_is_blank(v) or normalise(v) == normalise(starter) for v in given.values()):
        raise _not_attempted(name, f"replace each {starter!r} with your label")
    unanswered = [k for k, v in given.items() if _is_blank(v) or normalise(v) == normalise(starter)]
    if unanswered:
        raise _incorrect(name, f"{len(unanswered)} still unanswered: {', '.join(map(str, unanswered))}")
    if allowed is not None:
        allowed_set = {normalise(a) for a in allowed}
        unknown = [f"{k}={_show(v, 20)}" for k, v in given.items() if normalise(v) not in allowed_set]
        if unknown:
            raise _incorrect(name, f"use only {', '.join(allowed)}; these are not: {', '.join(unknown)}")
    return given


def check_labels(name: str, answers: Any, expected: Mapping[Any, str], *, starter: str = "?",
                 allowed: Sequence[str] | None = None, hint: str | None = None, reveal_wrong: bool = True,
                 normalise: Callable[[Any], str] = _upper) -> None:
    """Check a label for each key (e.g. task number to ``"A"`` or ``"J"``).

    Format problems are reported as by :func:`check_label_format`; wrong labels are listed by key
    (unless ``reveal_wrong`` is False) so the learner knows exactly which to revisit.
    """
    given = _label_format(name, answers, expected, starter=starter, allowed=allowed, normalise=normalise)
    wrong = [k for k, v in given.items() if normalise(v) != normalise(expected[k])]
    if wrong:
        which = f": {', '.join(map(str, wrong))}" if reveal_wrong else ""
        raise _incorrect(name, f"{len(wrong)} of {len(expected)} labelled wrongly{which}", hint)
    passed(name, f"all {len(expected)} labels are right.")


def check_members(name: str, value: Iterable[Any], expected: Iterable[Any], *, hint: str | None = None,
                  starter: Any = None, ordered: bool = False) -> None:
    """Check a collection against the expected items, saying how many are missing or extra."""
    check_answered(name, value, starter, "replace the placeholder with your list")
    check_type(name, value, (list, tuple, set, frozenset), "['a', 'b']")
    got, want = list(value), list(expected)
    if ordered:
        if got != want:
            pairs = enumerate(zip(got, want, strict=False))
            first = next((i for i, (g, w) in pairs if g != w), min(len(got), len(want)))
            raise _incorrect(name, f"the order differs from position {first + 1} on (you have {len(got)} items, "
                                   f"{len(want)} are expected)", hint)
    else:
        missing, extra = set(want) - set(got), set(got) - set(want)
        if missing or extra or len(got) != len(set(got)):
            parts = []
            if missing:
                parts.append(f"{len(missing)} expected item(s) missing")
            if extra:
                parts.append(f"{len(extra)} item(s) that should not be there: {_show(sorted(map(str, extra)))}")
            if len(got) != len(set(got)):
                parts.append("some items appear twice")
            raise _incorrect(name, "; ".join(parts), hint)
    passed(name, f"all {len(want)} items are right.")


def check_columns(name: str, frame: Any, columns: Sequence[str], *, min_rows: int = 1) -> None:
    """Check that a DataFrame exists with the named columns and at least ``min_rows`` rows."""
    check_answered(name, frame, None, "assign your DataFrame to it")
    if not hasattr(frame, "columns"):
        raise _incorrect(name, f"expected a pandas DataFrame, got a {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise _incorrect(name, f"missing column(s) {', '.join(missing)}; it has {', '.join(map(str, frame.columns))}")
    if len(frame) < min_rows:
        raise _incorrect(name, f"has {len(frame)} rows, expected at least {min_rows}")
    passed(name, f"has the columns {', '.join(columns)}.")


def check_stories(name: str, stories: Any, *, min_count: int = 5, criteria: Sequence[str] | None = None,
                  starter: Any = None) -> None:
    """Check a list of user stories: enough of them, and no findings on ``criteria`` (default: all)."""
    from pmkit import stories as story_review

    check_answered(name, stories, starter, "write your stories in the list")
    check_type(name, stories, (list, tuple), '["As a …, I want …, so that …", …]')
    written = [s for s in stories if isinstance(s, str) and s.strip()]
    if len(written) < min_count:
        raise _incorrect(name, f"has {len(written)} stories, at least {min_count} are needed")
    wanted = set(criteria or story_review.CRITERIA)
    findings = [f for f in story_review.review(written) if f.criterion in wanted]
    if findings:
        lines = "\n".join(f"  - {f.message}" for f in findings[:8])
        more = f"\n  (and {len(findings) - 8} more)" if len(findings) > 8 else ""
        raise _incorrect(name, f"{len(findings)} problem(s) in your stories:\n{lines}{more}")
    passed(name, f"{len(written)} stories, all passing: {', '.join(sorted(wanted))}.")


def check_prd(name: str, text: Any, *, criteria: Iterable[str] = ("missing:",), starter: Any = None) -> None:
    """Check a PRD's Markdown for findings whose criterion starts with any of ``criteria``."""
    from pmkit import prd as prd_review

    check_answered(name, text, starter, "write your PRD in the string")
    check_type(name, text, str)
    prefixes = tuple(criteria)
    findings = [f for f in prd_review.review(text) if f.criterion.startswith(prefixes)]
    if findings:
        lines = "\n".join(f"  - {f.message}" for f in findings)
        raise _incorrect(name, f"{len(findings)} problem(s):\n{lines}")
    passed(name, "no problems found.")


def check_criteria(name: str, criteria: Any, story_count: int, *, strict: bool = True) -> None:
    """Check acceptance criteria: a list for every story number 1..story_count, each in Given/When/Then form."""
    from pmkit import stories as story_review

    check_answered(name, criteria, {}, "add a list of criteria for each story number")
    check_type(name, criteria, Mapping, '{1: ["Given …, when …, then …"]}')
    missing = [n for n in range(1, story_count + 1) if not criteria.get(n)]
    if missing:
        raise _incorrect(name, f"no criteria yet for story number(s) {', '.join(map(str, missing))}")
    if strict:
        bad = [f"story {n}: {_show(text, 60)}" for n in range(1, story_count + 1) for text in criteria[n]
               if story_review.parse_criterion(str(text)) is None]
        if bad:
            raise _incorrect(name, "not in Given/When/Then form:\n  - " + "\n  - ".join(bad[:6]),
                             "write each as \u201cGiven <context>, when <action>, then <observable result>\u201d")
    passed(name, f"criteria for all {story_count} stories" + (", all in Given/When/Then form." if strict else "."))


def check_accuracy(name: str, predicted: Mapping[Any, Any], truth: Mapping[Any, Any], *, threshold: float,
                   show: int = 5, hint: str | None = None) -> None:
    """Check that at least ``threshold`` of the predictions match; list a few misses by key."""
    check_type(name, predicted, Mapping)
    missing = [k for k in truth if k not in predicted]
    if missing:
        raise _incorrect(name, f"no prediction for {len(missing)} item(s), e.g. {', '.join(map(str, missing[:show]))}")
    misses = [k for k in truth if str(predicted[k]).strip() != str(truth[k])]
    accuracy = 1 - len(misses) / len(truth)
    if accuracy < threshold:
        examples = ", ".join(f"{k} (you: {predicted[k]})" for k in misses[:show])
        raise _incorrect(name, f"{accuracy:.0%} right, at least {threshold:.0%} needed; for example {examples}", hint)
    passed(name, f"{accuracy:.0%} right.")


def _show_check_failure(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> Any:
    """IPython exception hook: a failed check is shown as its message, never as test code."""
    shell._showtraceback(etype, value, [str(value)])  # an error output with our message as its "traceback"


def install_display_hook() -> bool:
    """Show failed checks without a traceback in the running IPython kernel; False outside one."""
    ipython_module = sys.modules.get("IPython")
    shell = ipython_module.get_ipython() if ipython_module else None
    if shell is None:
        return False
    shell.set_custom_exc((CheckFailed,), _show_check_failure)
    return True


install_display_hook()
