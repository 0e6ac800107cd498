"""Checks for exercise test cells: three outcomes (correct, incorrect, not attempted) with specific feedback.

A passing check prints a ``✔`` line. A failing one raises :class:`Incorrect` or
:class:`NotAttempted`, both AssertionErrors, so nbgrader scores the cell as failed. A check with
credit per item (:func:`score_labels`) returns a :class:`Partial` when only some items are right:
left as the cell's last value, nbgrader reads its number as the cell's points. Inside a
kernel, importing this module installs a display hook that shows a failed check as its message
alone, without a traceback (which would otherwise print the test code, hidden tests included),
while still producing the error output nbgrader looks for. While a learner works (outside
nbgrader), "not attempted" is shown as a plain note rather than an error box, and a test cell run
before its answer cell says so instead of showing a ``NameError``.

The test-cell contract: a test cell starts with ``# answers: name, ...``, reads those learner
variables only as plain values (:func:`plain` turns them into str, int, float, bool, None, list,
tuple and dict with trusted code), and computes every key from data it loads itself. Visible tests
compare against salted digests (:func:`digest`), so a release never holds a key in clear text.
"""

from __future__ import annotations

# Builtins are bound here at import time, so a learner who later replaces ``builtins.len`` or
# ``builtins.sorted`` in their kernel does not change what these checks compute.
import hashlib
import json
import math
import os
import re
import sys
from builtins import (  # noqa: UP029
    abs,
    all,
    any,
    bool,
    dict,
    enumerate,
    float,
    frozenset,
    getattr,
    int,
    isinstance,
    iter,
    len,
    list,
    map,
    min,
    next,
    print,
    range,
    repr,
    round,
    set,
    sorted,
    str,
    sum,
    tuple,
    type,
    zip,
)
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


#: The answer variables whose checks have run to a verdict (correct or incorrect) in this kernel:
#: :meth:`Question.solution` shows a model answer only after an attempt.
ATTEMPTED: set[str] = set()
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_PRIORITY = re.compile(r"\b(?:P[0-3]|must|should|could|won't|high|medium|low)\b", re.I)
_BASELINE = re.compile(r"\bfrom\b[^.;]*?\d[^.;]*?\bto\b", re.I)
_compile, _IGNORECASE, _PATTERN = re.compile, re.I, re.Pattern
_SPACES = re.compile(r"\s+")
#: The "I want …" of a story: a wish first ("I want", "I'd like", "I need"), else "I can", "I should".
_WANTS = (re.compile(r"\b(?:i|we)(?:\s*'d|\s+would)?\s+(?:(?:really|also|only|just|do)\s+)?"
                     r"(?:want|wish|need|like|love|prefer|expect|require)\b(?:\s+to)?(?:\s+be\s+able\s+to)?\s*", re.I),
          re.compile(r"\b(?:i|we)\s+(?:can|could|should|must|will|am\s+able\s+to|are\s+able\s+to)\b"
                     r"(?:\s+be\s+able\s+to)?\s*", re.I))
_BENEFIT = re.compile(r",?\s*\b(?:so\s+that|so\s+(?:i|we)\s+can|in\s+order\s+to)\b", re.I)
_ROLE_CLAUSE = re.compile(r"^as\s+[^,]*,\s*", re.I)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
#: Words that say nothing about what a story is about: a criterion sharing only these with its story is not about it.
_STOP_WORDS = frozenset("""
    a an the i me my mine myself we us our ours you your yours it its they them their theirs he him his she her
    this that these those there here who whom whose which what where when while why how
    is am are was were be been being have has had having do does did done doing will would can could should shall
    may might must and or but nor not no yes so if then than as at by for from in into of on onto off to with
    without about after before again also just only more most less very too all any each every some other another
    same such one ones given want wants wanted like need needs able get gets got getting see sees saw seen use uses
    used using make makes made work works worked working happen happens thing things something anything nothing
    way now still even ever already new user users someone people person up
""".split())


def _record(name: str) -> None:
    """Note the answer variable a check's name starts with ("funnel" for "funnel's steps", "scored.rice")."""
    found = _IDENTIFIER.match(name)
    if found:
        ATTEMPTED.update((found.group(), name))  # "answers" and "answers (tasks 1-4)": a question may name either


def passed(name: str, message: str) -> None:
    """Print the success line of a check."""
    _record(name)
    print(f"\u2714 {name}: {message}")


def _incorrect(name: str, problem: str, hint: str | None = None) -> Incorrect:
    _record(name)
    return Incorrect(f"\u2718 {name}: {problem}" + (f"\nHint: {hint}" if hint else ""))


# --- plain data: the only form in which a check reads a learner's answer ---------------------------

_PLAIN_SCALARS = (str, int, float, bool, type(None))


def _upper(text: Any) -> str:
    try:
        text = plain(text)
    except (TypeError, RecursionError):
        text = _type_name(text)
    return str.upper(str.strip(text if type(text) is str else repr(text)))


def _type_name(value: Any) -> str:
    return type.__dict__["__name__"].__get__(type(value))


def _numpy_scalar(value: Any) -> Any:
    numpy = sys.modules.get("numpy")
    if numpy is None or type(value) not in (numpy.int64, numpy.int32, numpy.float64, numpy.float32, numpy.bool_,
                                              numpy.str_):
        raise TypeError(_type_name(value))
    return plain(numpy.generic.item(value))


def plain(value: Any) -> Any:
    """``value`` as plain data, built by trusted code only: str, int, float, bool, None, list, tuple, dict.

    A pandas Series becomes a dict (index to value, in its order), a DataFrame a dict of column
    lists, a set a sorted list. Subclasses are copied into their base type, so a learner's object
    cannot bring its own ``__eq__``; anything else raises TypeError naming its type.
    """
    kind = type(value)
    if kind in _PLAIN_SCALARS:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return bool(int.__int__(value))
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if kind is list or kind is tuple or isinstance(value, (list, tuple)):
        items = [plain(item) for item in (list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value))]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in dict.items(value)}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(item) for item in (set.__iter__(value) if isinstance(value, set)
                                                 else frozenset.__iter__(value))), key=_sort_key)
    pandas = sys.modules.get("pandas")
    if pandas is not None and kind is pandas.Series:
        return {plain(k): _cell(v) for k, v in zip(pandas.Series.tolist(value.index.to_series()),
                                                    pandas.Series.tolist(value), strict=True)}
    if pandas is not None and kind is pandas.DataFrame:
        return {plain(c): [_cell(v) for v in pandas.Series.tolist(value[c])] for c in list(value.columns)}
    return _numpy_scalar(value)


def _cell(value: Any) -> Any:
    """A pandas cell as plain data; missing values (NaN, NaT, NA) become None, timestamps ISO text."""
    pandas = sys.modules.get("pandas")
    if pandas is not None and type(value) is pandas.Timestamp:
        return pandas.Timestamp.isoformat(value)
    if type(value) is float and math.isnan(value):
        return None
    if pandas is not None and (value is pandas.NA or value is pandas.NaT):
        return None
    return plain(value)


def _sort_key(value: Any) -> tuple[str, str]:
    return (_type_name(value), repr(value))


def _as_plain(name: str, value: Any) -> Any:
    """:func:`plain`, reporting a value that is not plain data as an incorrect answer."""
    try:
        return plain(value)
    except TypeError as error:
        raise _incorrect(name, f"expected plain data (text, numbers, lists, dicts or a pandas table), "
                               f"got a {error}") from None
    except RecursionError:
        raise _incorrect(name, "the value contains itself") from None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=repr)


def digest(value: Any, salt: str) -> str:
    """A salted digest of ``value``'s plain form: visible tests compare with it, never with the key."""
    text = f"{salt}\x00{_canonical(plain(value))}"
    return hashlib.sha256(str.encode(text, "utf-8")).hexdigest()[:16]


def number_digest(value: float, salt: str, decimals: int) -> str:
    """The digest of a number rounded to ``decimals`` places (see :func:`check_number_digest`)."""
    return digest(f"{round(float(value), decimals):.{decimals}f}", salt)


def _item_text(value: Any) -> str:
    value = _whole(value)
    return _upper(value) if type(value) is str else _canonical(value)


def check_choice(name: str, value: Any, choices: Sequence[Any], *, hint: str | None = None) -> None:
    """Raise Incorrect unless ``value`` is one of ``choices`` (a format check: no verdict is printed)."""
    check_answered(name, value, None, "set it")
    value = _as_plain(name, value)
    if not any(_same(value, c) for c in choices):
        raise _incorrect(name, f"{_show(value)} is not one of {', '.join(map(str, choices))}", hint)


def check_descending(name: str, values: Any, *, hint: str | None = None) -> None:
    """Raise Incorrect unless the numbers in ``values`` (a list, or a dict's values) run from largest down."""
    values = _as_plain(name, values)
    numbers = list(dict.values(values)) if type(values) is dict else values
    if type(numbers) not in (list, tuple) or not all(type(v) in (int, float) for v in numbers):
        raise _incorrect(name, "expected numbers, e.g. a pandas Series of counts", hint)
    if any(numbers[i] < numbers[i + 1] for i in range(len(numbers) - 1)):
        raise _incorrect(name, "sort it from the largest count down", hint)


def check_budget(name: str, items: Any, costs: Mapping[Any, Any], budget: float, *, unit: str = "") -> None:
    """Raise Incorrect if ``items`` names an unknown item, repeats one, or costs more than ``budget`` in all."""
    items = _as_plain(name, items)
    if type(items) not in (list, tuple):
        raise _incorrect(name, f"expected a list, got a {_type_name(items)}: {_show(items)}")
    costs = plain(costs)
    unknown = [i for i in items if type(i) is not str or i not in costs]
    if unknown:
        raise _incorrect(name, f"unknown id(s) {_show(unknown)}")
    if len(set(items)) != len(items):
        raise _incorrect(name, "some items appear twice")
    total = sum(costs[i] for i in items)
    if total > budget:
        raise _incorrect(name, f"{total:g}{unit} in all, over the capacity of {budget:g}{unit}")


def _flat(text: str) -> str:
    """Text with one space between words and straight apostrophes."""
    text = str.replace(str.replace(text, "\u2019", "'"), "\u2018", "'")
    return str.strip(_SPACES.sub(" ", text))


def _listing(items: Sequence[str], joiner: str = "and") -> str:
    """Items joined as in a sentence: a; a and b; a, b and c."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def _stories(numbers: Sequence[int]) -> str:
    """Story numbers as in a sentence: story 2; stories 1 and 3."""
    return ("story " if len(numbers) == 1 else "stories ") + _listing([str(n) for n in numbers])


def want_part(story: str) -> tuple[str, str]:
    """What a story asks for (its "I want …" part, without role or benefit), and that part with its benefit.

    "As an approver, I want to filter the export by date range, so that …" asks to "filter the export
    by date range": the role and the benefit are not what the story delivers. A story without an
    "I want" (or "I can") is read from after its "As a …," on.
    """
    text = _flat(story)
    rest = None
    for want in _WANTS:
        found = want.search(text)
        if found:
            rest = text[found.end():]
            break
    if rest is None:
        rest = _ROLE_CLAUSE.sub("", text, count=1)
    benefit = _BENEFIT.search(rest)
    return str.strip(rest[:benefit.start()] if benefit else rest, " .!;,"), rest


def _phrases(phrases: Iterable[Any]) -> list[Any]:
    """Compiled patterns as they are; a string becomes a case-insensitive whole-word pattern (compiled now)."""
    return [p if type(p) is _PATTERN else _compile(f"(?<!\\w)(?:{p})(?!\\w)", _IGNORECASE) for p in phrases]


def check_coverage(name: str, texts: Any, topics: Mapping[str, Sequence[Any]], *, apart: Sequence[str] = (),
                   alone: Sequence[str] = (), hint: str | None = None) -> None:
    """Check that each topic is what some story asks for; ``apart`` topics in different stories, ``alone`` on their own.

    A topic is a list of phrases: regular expressions matched case-insensitively, as whole words,
    against each story's action (:func:`want_part`), never its role or benefit. Phrases compiled in
    advance (:data:`pmkit.exercises.catalog.STORY_TOPICS`, compiled when it is imported) are used as they are,
    so nothing is compiled, with whatever builtins, while a learner works. A story whose action matches
    two ``apart`` topics is told to split; an ``alone`` topic needs a story that asks for it and for no
    other topic (the export itself, besides the stories that filter it).
    """
    texts = _as_plain(name, texts)
    if type(texts) not in (list, tuple):
        raise _incorrect(name, f"expected a list of strings, got a {_type_name(texts)}")
    actions = [want_part(t)[0] if type(t) is str else "" for t in texts]
    patterns = {str(topic): _phrases(list(phrases)) for topic, phrases in dict.items(dict(topics))}
    covers = {topic: [i for i, action in enumerate(actions) if any(p.search(action) for p in found)]
              for topic, found in dict.items(patterns)}
    missing = [topic for topic, where in dict.items(covers) if not where]
    if missing:
        read = "; ".join(f"{i + 1}. \u201c{_clip(a, 60)}\u201d" for i, a in enumerate(actions) if a)
        raise _incorrect(name, f"no story asks for {_listing(missing, 'or')}. Each story is read by what its "
                               f"\u201cI want \u2026\u201d part asks for; yours ask to: {read or 'nothing'}", hint)
    together = [i for i in range(len(actions)) if sum(1 for topic in apart if i in covers[topic]) > 1]
    if together:
        which = "; ".join(f"{_stories([i + 1])} asks to \u201c{_clip(actions[i], 60)}\u201d" for i in together)
        raise _incorrect(name, f"{which}: that is {_listing(list(apart))} at once; split it so each can be "
                               "estimated and tested alone", hint)
    for topic in alone:
        if not any(all(i not in covers[other] for other in covers if other != topic) for i in covers[topic]):
            others = sorted({other for i in covers[topic] for other in covers if other != topic and i in covers[other]})
            where = [i + 1 for i in covers[topic]]
            raise _incorrect(name, f"no story asks for {topic} on its own: {_stories(where)} "
                                   f"{'also asks' if len(where) == 1 else 'also ask'} for {_listing(others, 'or')}; "
                                   f"give {topic} a story of its own", hint)
    apart_note = f", with {' and '.join(apart)} in separate stories." if apart else "."
    passed(name, f"covers {', '.join(covers)}{apart_note}")


def as_plain(name: str, value: Any) -> Any:
    """A learner's answer as plain data (see :func:`plain`); a value that is not plain data is incorrect."""
    check_answered(name, value, None, "assign your answer to it")
    return _as_plain(name, value)


def _rounded(value: Any, decimals: int | None) -> Any:
    if decimals is None or type(value) not in (int, float) or value != value:
        return value
    return f"{round(float(value), decimals):.{decimals}f}"


def label_digests(labels: Mapping[Any, Any], salt: str, decimals: int | None = None) -> dict[Any, str]:
    """One digest per key (the key is part of the salt), so a check can say which items are wrong.

    With ``decimals``, numbers are rounded first (the check rounds the learner's the same way).
    """
    return {k: digest(_item_text(_rounded(v, decimals)), f"{salt}:{k}") for k, v in dict.items(dict(plain(labels)))}


def table(name: str, value: Any, columns: Sequence[str]) -> dict[Any, list[Any]]:
    """A learner's DataFrame as plain columns, after checking it is there and has ``columns``."""
    check_answered(name, value, None, "assign your table to it")
    frame = _as_plain(name, value)
    if type(frame) is not dict or not all(type(v) is list for v in dict.values(frame)):
        raise _incorrect(name, f"expected a pandas DataFrame, got a {_type_name(value)}")
    missing = [c for c in columns if c not in frame]
    if missing:
        raise _incorrect(name, f"missing column(s) {', '.join(missing)}; it has {', '.join(map(str, frame))}")
    return frame


def pairs(frame: Mapping[Any, list[Any]], key: str, value: str | Sequence[str]) -> dict[Any, Any]:
    """From plain columns, a dict from ``key`` to ``value`` (a tuple of values if several columns)."""
    frame = plain(frame)
    if type(value) is str:
        return dict(zip(frame[key], frame[value], strict=True))
    return dict(zip(frame[key], zip(*(frame[c] for c in value), strict=True), strict=True))


def check_items_digest(name: str, given: Any, expected: Mapping[Any, str], *, salt: str, threshold: float = 1.0,
                       starter: Any = "?", allowed: Sequence[str] | None = None, hint: str | None = None,
                       show: int = 3, what: str = "items", decimals: int | None = None) -> None:
    """Check a dict item by item against :func:`label_digests`; at least ``threshold`` must be right."""
    given = _as_plain(name, given)
    check_type(name, given, dict)
    values = [given.get(k) for k in expected]
    if all(_is_blank(v) or _same(v, starter) for v in values):
        raise _not_attempted(name, f"replace each {starter!r} with your answer")
    missing = [k for k in expected if k not in given]
    extra = [k for k in given if k not in expected]
    if missing or extra:
        parts = ([f"{len(missing)} missing, e.g. {', '.join(map(str, missing[:show]))}"] if missing else []) + (
            [f"{len(extra)} that should not be there, e.g. {', '.join(map(str, extra[:show]))}"] if extra else [])
        raise _incorrect(name, f"expected {len(expected)} {what}; " + "; ".join(parts), hint)
    if allowed is not None:
        unknown = [f"{k}={_show(given[k], 20)}" for k in expected if _item_text(given[k]) not in map(_upper, allowed)]
        if unknown:
            raise _incorrect(name, f"use only {', '.join(allowed)}; these are not: {', '.join(unknown[:show])}")
    wrong = [k for k in expected if digest(_item_text(_rounded(given[k], decimals)), f"{salt}:{k}") != expected[k]]
    right = 1 - len(wrong) / len(expected)
    if right < threshold or (threshold >= 1 and wrong):
        needed = "" if threshold >= 1 else f", at least {threshold:.0%} needed"
        examples = "; ".join(f"{_show(k, 60)} (you: {_show(given[k], 30)})" for k in wrong[:show])
        raise _incorrect(name, f"{len(wrong)} of {len(expected)} {what} wrong ({right:.0%} right{needed}); "
                               f"for example {examples}", hint)
    passed(name, f"{right:.0%} of {len(expected)} {what} right" + (f" (at least {threshold:.0%} needed)."
                                                                   if threshold < 1 else "."))


def check_digest(name: str, value: Any, expected: str, *, salt: str, starter: Any = None,
                 normalise: Callable[[Any], Any] | None = None, hint: str | None = None,
                 what_to_do: str = "replace the placeholder") -> None:
    """Check ``value`` (normalised, then plain) against the digest of the right answer."""
    value = _as_plain(name, value)
    check_answered(name, value, starter, what_to_do)
    if digest(normalise(value) if normalise else value, salt) != expected:
        raise _incorrect(name, f"{_show(value)} is not right", hint)
    passed(name, "correct.")


def check_number_digest(name: str, value: Any, expected: str, *, salt: str, decimals: int,
                        hint: str | None = None, percent: bool = False) -> None:
    """Check a number against the digest of the right one, within about one unit of the last decimal.

    With ``percent``, a fraction that would be right times 100 is told so.
    """
    value = _as_plain(name, value)
    check_answered(name, value, None, "replace None with a number")
    if type(value) not in (int, float):
        raise _incorrect(name, f"expected a number, got a {_type_name(value)}: {_show(value)}", hint)
    number, step = float(value), 10.0 ** -decimals

    def right(candidate: float) -> bool:
        return any(number_digest(candidate + d, salt, decimals) == expected for d in (0.0, -step / 2, step / 2))

    if math.isnan(number) or not right(number):
        if percent and not math.isnan(number) and right(number * 100):
            raise _incorrect(name, f"got {number:g}, a fraction; give it in per cent (multiply by 100)")
        raise _incorrect(name, f"got {number:g}, which is not the expected value", hint)
    passed(name, f"{number:g} is right.")


def check_labels_digest(name: str, answers: Any, expected: Mapping[Any, str], *, salt: str, starter: str = "?",
                        allowed: Sequence[str] | None = None, hint: str | None = None,
                        normalise: Callable[[Any], str] = _upper) -> None:
    """Like :func:`check_labels`, against per-key digests from :func:`label_digests`: lists the wrong keys."""
    answers = _as_plain(name, answers)
    given = _label_format(name, answers, expected, starter=starter, allowed=allowed, normalise=normalise)
    wrong = [k for k, v in given.items() if digest(_item_text(v), f"{salt}:{k}") != expected[k]]
    if wrong:
        raise _incorrect(name, f"{len(wrong)} of {len(expected)} labelled wrongly: {', '.join(map(str, wrong))}", hint)
    passed(name, f"all {len(expected)} labels are right.")


#: The MIME type that carries a partial-credit message beside nbgrader's number (its ``text/plain``).
MESSAGE_MIME = "text/x-pmkit-message"


def partial_bundle(points: float, message: str) -> dict[str, str]:
    """The output data of a partly right test cell: nbgrader reads ``text/plain`` as the cell's points."""
    import html

    return {"text/plain": f"{points:g}", MESSAGE_MIME: message,
            "text/html": f'<pre class="pmkit-partial">{html.escape(message)}</pre>'}


class Partial:
    """Partial credit left as a test cell's last value: nbgrader scores the cell with ``points``.

    It is returned, never raised, because nbgrader gives 0 to a cell with an error output. A
    learner reads the message (HTML in JupyterLab); nbgrader reads the number (``text/plain``).
    """

    def __init__(self, points: float, out_of: float, message: str) -> None:
        """``points`` of ``out_of`` earned; ``message`` says what is wrong and where."""
        self.points, self.out_of, self.message = float(points), float(out_of), message

    def __repr__(self) -> str:
        """The points alone: what nbgrader reads as the cell's partial credit."""
        return f"{self.points:g}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return partial_bundle(self.points, self.message)


def _score_labels(name: str, answers: Any, keys: Sequence[Any], right: Callable[[Any, Any], bool], *,
                  points: float, starter: str, allowed: Sequence[str] | None, hint: str | None,
                  normalise: Callable[[Any], str], what: str) -> Partial | None:
    """Per-key credit: None when every label is right, :class:`Partial` when some are, Incorrect when none."""
    if not keys:
        raise ValueError(f"{name}: a per-item check needs at least one item in its key")
    check_type(name, answers, Mapping, "{1: 'A', 2: 'J'}")
    answers = _as_plain(name, answers)
    given = {k: answers.get(k) for k in keys}
    if all(_is_blank(v) or normalise(v) == normalise(starter) for v in given.values()):
        raise _not_attempted(name, f"replace each {starter!r} with your label")
    allowed_set = None if allowed is None else {normalise(a) for a in allowed}
    unanswered = [k for k, v in given.items() if _is_blank(v) or normalise(v) == normalise(starter)]
    unknown = [k for k, v in given.items() if k not in unanswered and allowed_set is not None
               and normalise(v) not in allowed_set]
    wrong = [k for k, v in given.items() if k not in unanswered and k not in unknown and not right(k, v)]
    if not unanswered and not unknown and not wrong:
        passed(name, f"all {len(keys)} labels are right.")
        return None
    problems = []
    if wrong:
        problems.append(f"{len(wrong)} labelled wrongly: {', '.join(map(str, wrong))}")
    if unanswered:
        problems.append(f"{len(unanswered)} still unanswered: {', '.join(map(str, unanswered))}")
    if unknown:
        shown = ", ".join(f"{k}={_show(given[k], 20)}" for k in unknown)
        problems.append(f"not {' or '.join(allowed or ())}: {shown}")
    earned = len(keys) - len(wrong) - len(unanswered) - len(unknown)
    each = points / len(keys)
    if earned == 0:
        raise _incorrect(name, "; ".join(problems) + f" (0 of {points:g} points)", hint)
    _record(name)
    message = (f"\u2718 {name}: incorrect for {len(keys) - earned} of {len(keys)} ({'; '.join(problems)}). "
               f"Partial credit: {earned * each:g} of {points:g} points, {each:g} per {what}."
               + (f"\nHint: {hint}" if hint else ""))
    return Partial(earned * each, points, message)


def score_labels(name: str, answers: Any, expected: Mapping[Any, str], *, points: float, starter: str = "?",
                 allowed: Sequence[str] | None = None, hint: str | None = None,
                 normalise: Callable[[Any], str] = _upper, what: str = "item") -> Partial | None:
    """Like :func:`check_labels`, with credit per key: leave the result as the test cell's last value."""
    expected = dict(plain(expected))
    return _score_labels(name, answers, list(expected), lambda k, v: normalise(v) == normalise(expected[k]),
                         points=points, starter=starter, allowed=allowed, hint=hint, normalise=normalise, what=what)


def score_labels_digest(name: str, answers: Any, expected: Mapping[Any, str], *, salt: str, points: float,
                        starter: str = "?", allowed: Sequence[str] | None = None, hint: str | None = None,
                        normalise: Callable[[Any], str] = _upper, what: str = "item") -> Partial | None:
    """:func:`score_labels` against per-key digests from :func:`label_digests` (for visible tests)."""
    return _score_labels(name, answers, list(expected),
                         lambda k, v: digest(_item_text(v), f"{salt}:{k}") == expected[k],
                         points=points, starter=starter, allowed=allowed, hint=hint, normalise=normalise, what=what)


def _not_attempted(name: str, what_to_do: str) -> NotAttempted:
    return NotAttempted(f"\u2026 {name} is not answered yet: {what_to_do}")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _show(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _whole(value: Any) -> Any:
    """Plain data with whole floats as ints (900.0 and 900 are the same count)."""
    kind = type(value)
    if kind is float and value == value and abs(value) < 2 ** 53 and float.is_integer(value):
        return int(value)
    if kind is list or kind is tuple:
        return kind(_whole(v) for v in value)
    if kind is dict:
        return {_whole(k): _whole(v) for k, v in dict.items(value)}
    return value


def _same(a: Any, b: Any) -> bool:
    """Equality of two plain values, by their canonical text (no learner ``__eq__`` involved)."""
    try:
        return _canonical(_whole(plain(a))) == _canonical(_whole(plain(b)))
    except (TypeError, RecursionError):
        return False


def _is_blank(value: Any) -> bool:
    return value is None or value is Ellipsis or (isinstance(value, str) and not value.strip())


def check_answered(name: str, value: Any, starter: Any = None, what_to_do: str = "replace the placeholder") -> None:
    """Raise NotAttempted if ``value`` is blank (None, ``...``, empty) or still equals ``starter``."""
    if value is not None and value is not Ellipsis:
        value = _as_plain(name, value)
    unchanged = starter is not None and _same(value, plain(starter))
    if _is_blank(value) or unchanged:
        raise _not_attempted(name, what_to_do)


def check_type(name: str, value: Any, kind: type | tuple[type, ...], example: str = "") -> None:
    """Raise Incorrect, naming what was received, unless ``value`` is a ``kind``."""
    if not isinstance(value, kind):
        try:
            value = plain(value)
        except (TypeError, RecursionError):
            pass
    if not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        expected = " or ".join(k.__name__ for k in kinds)
        raise _incorrect(name, f"expected a {expected}{f' such as {example}' if example else ''}, "
                               f"got a {_type_name(value)}: {_show(value)}")


def check_equal(name: str, value: Any, expected: Any, *, hint: str | None = None, starter: Any = None,
                reveal: bool = False, announce: bool = True) -> None:
    """Check that ``value == expected`` as plain data; say what was received (and expected, if ``reveal``).

    With ``announce=False`` a pass prints nothing: for a format check that is not the verdict.
    """
    check_answered(name, value, starter)
    value = _as_plain(name, value)
    if not _same(value, expected):
        wanted = f", expected {_show(expected)}" if reveal else ""
        raise _incorrect(name, f"got {_show(value)}{wanted}", hint)
    if announce:
        passed(name, "correct.")


def check_number(name: str, value: Any, expected: float, *, tolerance: float = 0.01, hint: str | None = None,
                 starter: Any = None) -> None:
    """Check a number within ``tolerance`` (absolute); a non-number is reported as such."""
    check_answered(name, value, starter, "replace None with a number")
    value = _as_plain(name, value)
    if type(value) not in (int, float):
        raise _incorrect(name, f"expected a number, got a {_type_name(value)}: {_show(value)}", hint)
    number = float(value)
    if math.isnan(number) or abs(number - expected) > tolerance:
        raise _incorrect(name, f"got {number:g}, which is not the expected value", hint)
    passed(name, f"{number:g} is right.")


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
    answers = _as_plain(name, answers)
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
    got, want = list(_as_plain(name, value)), list(plain(expected))
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


def check_order(name: str, value: Any, keys: Mapping[Any, Any], *, hint: str | None = None,
                starter: Any = None) -> None:
    """Check that ``value`` lists every item of ``keys`` once, ordered by the items' sort keys."""
    keys = plain(keys)
    expected = sorted(keys, key=lambda item: _canonical(keys[item]))
    check_members(name, value, expected, ordered=True, hint=hint, starter=starter if starter is not None else [])


def check_columns(name: str, frame: Any, columns: Sequence[str], *, min_rows: int = 1) -> None:
    """Check that a DataFrame exists with the named columns and at least ``min_rows`` rows."""
    check_answered(name, frame, None, "assign your DataFrame to it")
    pandas = sys.modules.get("pandas")
    if pandas is None or type(frame) is not pandas.DataFrame:
        table = _as_plain(name, frame)
        if type(table) is not dict or not all(type(v) is list for v in table.values()):
            raise _incorrect(name, f"expected a pandas DataFrame, got a {_type_name(frame)}")
    else:
        table = _as_plain(name, frame)
    missing = [c for c in columns if c not in table]
    if missing:
        raise _incorrect(name, f"missing column(s) {', '.join(missing)}; it has {', '.join(map(str, table))}")
    rows = len(next(iter(table.values()), []))
    if rows < min_rows:
        raise _incorrect(name, f"has {rows} rows, expected at least {min_rows}")
    passed(name, f"has the columns {', '.join(columns)}.")


def check_stories(name: str, stories: Any, *, min_count: int = 5, criteria: Sequence[str] | None = None,
                  starter: Any = None) -> None:
    """Check a list of user stories: enough of them, and no findings on ``criteria`` (default: all)."""
    from pmkit.review import stories as story_review

    check_answered(name, stories, starter, "write your stories in the list")
    check_type(name, stories, (list, tuple), '["As a …, I want …, so that …", …]')
    written = [s for s in _as_plain(name, stories) if type(s) is str and s.strip()]
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
    from pmkit.review import prd as prd_review

    check_answered(name, text, starter, "write your PRD in its Markdown cell, save the notebook (Ctrl+S) and "
                                        "run the cell under it")
    check_type(name, text, str)
    text = _as_plain(name, text)
    prefixes = tuple(criteria)
    findings = [f for f in prd_review.review(text) if f.criterion.startswith(prefixes)]
    if findings:
        lines = "\n".join(f"  - {f.message}" for f in findings)
        raise _incorrect(name, f"{len(findings)} problem(s):\n{lines}")
    passed(name, "no problems found.")


def check_priorities(name: str, text: Any, *, minimum: int = 3) -> None:
    """Check that a PRD's requirements section gives at least ``minimum`` requirements a priority."""
    from pmkit.review import prd as prd_review

    check_answered(name, text, None, "write your PRD in its Markdown cell, save the notebook (Ctrl+S) and "
                                     "run the cell under it")
    check_type(name, text, str)
    requirements = prd_review.parse(_as_plain(name, text)).sections.get("requirements", "")
    found = _PRIORITY.findall(requirements)
    if len(found) < minimum:
        raise _incorrect(name, f"{len(found)} prioritised requirement(s) found; give at least {minimum} "
                               "requirements a priority (P0, P1, P2 or must/should/could)")
    passed("requirements", f"{len(found)} prioritised requirements.")


#: A metric's "from … to …" span: "from 40 s to", "from about a third (30%) to", "from 40 to 15 seconds".
_FROM_TO = re.compile(r"\bfrom\b(?P<start>(?:[^.;]|\.(?=\d))*?)\bto\b(?P<end>(?:[^.;]|\.(?=\d))*)", re.I)
#: A number and its unit inside that span ("40 s", "30%", "40 seconds", "30 per cent").
_NUMBER_UNIT = re.compile(r"(?<![\w.,])(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|per\s*cent\b|percent\b|s\b|"
                          r"secs?\b|seconds?\b)?", re.I)
_QUANTITY = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|s)\s*$")


def _quantity(number: str, unit: str) -> tuple[float, str]:
    """A number and its unit, "%" or "s" ("per cent" is "%", "seconds" is "s")."""
    return float(number), "s" if str.startswith(str.lower(unit), "s") else "%"


def _starts_from(text: str) -> list[tuple[float, str]]:
    """The quantities a metric's text starts from ("from 40 s to 15 s" starts from (40.0, "s")).

    The start's unit may come later in the span ("from 40 to 15 seconds"), and a number in brackets
    counts ("from about a third (30%) to 10%").
    """
    starts = []
    for span in _FROM_TO.finditer(text):
        numbers = list(_NUMBER_UNIT.finditer(span.group("start")))
        if not numbers:
            continue
        later = [m.group("unit") for m in [*numbers, *_NUMBER_UNIT.finditer(span.group("end"))] if m.group("unit")]
        if later:
            starts += [_quantity(m.group("number"), m.group("unit") or later[0]) for m in numbers]
    return starts


def check_metric_baselines(name: str, text: Any, *, minimum: int = 2,
                           baselines: Mapping[str, str] | None = None) -> None:
    """Check that at least ``minimum`` success metrics state a baseline ("from 40 s to 15 s").

    ``baselines`` maps what a scenario measures to the baseline it states ({"the median time to
    approve": "40 s"}): each must start some metric, so a PRD that invents its baselines is incorrect.
    """
    from pmkit.review import prd as prd_review

    check_answered(name, text, None, "write your PRD in its Markdown cell, save the notebook (Ctrl+S) and "
                                     "run the cell under it")
    check_type(name, text, str)
    metrics = prd_review.parse(_as_plain(name, text)).metrics
    based = [m for m in metrics if _BASELINE.search(m.text)]
    if len(based) < minimum:
        raise _incorrect(name, f"{len(based)} of {len(metrics)} metric(s) state where they start; give at least "
                               f"{minimum} a baseline from the scenario, e.g. \u201cfrom 40 s to 15 s\u201d",
                         "the scenario gives the median time to approve and the share of approvals re-checked")
    wanted = dict(plain(baselines or {}))
    starts = [start for m in metrics for start in _starts_from(m.text)]
    missing = []
    for what, quantity in dict.items(wanted):
        found = _QUANTITY.match(quantity)
        if found is None:
            raise ValueError(f"a baseline is a number and a unit (s or %), e.g. '40 s', not {quantity!r}")
        if _quantity(found.group("number"), found.group("unit")) not in starts:
            missing.append(f"{what} (from {quantity})")
    if missing:
        yours = "; ".join(f"\u201c{_clip(m.text, 70)}\u201d" for m in based[:3])
        raise _incorrect(name, f"no metric starts from the scenario's baseline for {_listing(missing, 'or')}; "
                               f"your metrics say: {yours}",
                         "a baseline is where the metric stands today, so take it from the scenario's numbers, "
                         "not a guess: \u201c<metric>: from <the scenario's number> to <target> <timeframe>\u201d")
    named = f", starting from the scenario's {' and '.join(dict.values(wanted))}" if wanted else ""
    passed("metrics", f"{len(based)} metrics with a baseline, a target and a timeframe{named}.")


#: Word families a crude suffix rule would keep apart.
_FAMILIES = {"notified": "notif", "notify": "notif", "notifies": "notif", "notification": "notif",
             "notifications": "notif"}


def _stem(word: str) -> str:
    """A crude stem, so that "saved", "saves" and "save", or "emails" and "email", are one word."""
    if str.endswith(word, "'s"):
        word = word[:-2]
    if word in _FAMILIES:
        return _FAMILIES[word]
    for suffix in ("ing", "ed", "es", "s", "e"):
        if str.endswith(word, suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    """The stems of the words of ``text`` that say what it is about (no stop words, no single letters)."""
    return {_stem(w) for w in _WORD.findall(str.lower(_flat(text))) if len(w) >= 2 and w not in _STOP_WORDS}


def check_criteria(name: str, criteria: Any, story_count: int | Sequence[str], *, strict: bool = True) -> None:
    """Check acceptance criteria: a list for every story number 1..story_count, each in Given/When/Then form.

    ``story_count`` may be the learner's list of stories itself (read as plain data); then each
    criterion must also be about its story: share a content word (not a stop word such as "the",
    "see" or "user") with what the story asks for and why, so "Given a cat, when it meows, then I
    feed it" is not a criterion of "save my current search".
    """
    from pmkit.review import stories as story_review

    stories = None
    if type(story_count) is not int:
        stories = _as_plain("stories", story_count)
        stories = list(stories) if type(stories) in (list, tuple) else []
        story_count = len(stories)

    check_answered(name, criteria, {}, "add a list of criteria for each story number")
    check_type(name, criteria, Mapping, '{1: ["Given …, when …, then …"]}')
    criteria = _as_plain(name, criteria)
    missing = [n for n in range(1, story_count + 1) if not criteria.get(n)]
    if missing:
        raise _incorrect(name, f"no criteria yet for story number(s) {', '.join(map(str, missing))}")
    listed = {n: [criteria[n]] if type(criteria[n]) is str else list(criteria[n]) if type(criteria[n]) in (list, tuple)
              else [criteria[n]] for n in range(1, story_count + 1)}
    if strict:
        bad = [f"story {n}: {_show(text, 60)}" for n in range(1, story_count + 1) for text in listed[n]
               if type(text) is not str or story_review.parse_criterion(text) is None]
        if bad:
            raise _incorrect(name, "not in Given/When/Then form:\n  - " + "\n  - ".join(bad[:6]),
                             "write each as \u201cGiven <context>, when <action>, then <observable result>\u201d")
    if stories is not None:
        off = []
        for n in range(1, story_count + 1):
            story = stories[n - 1] if type(stories[n - 1]) is str else ""
            words = content_words(want_part(story)[1])
            off += [f"story {n}: {_show(text, 60)} shares no word with story {n}, which asks to "
                    f"\u201c{_clip(want_part(story)[0], 50)}\u201d"
                    for text in listed[n] if type(text) is str and not content_words(text) & words]
        if off:
            more = f"\n  (and {len(off) - 6} more)" if len(off) > 6 else ""
            are = "criterion is" if len(off) == 1 else "criteria are"
            raise _incorrect(name, f"{len(off)} {are} not about the story they are keyed to:\n  - "
                                   + "\n  - ".join(off[:6]) + more,
                             "a story's criteria test that story: name what it asks for (its object or its "
                             "action, e.g. the saved search, the email) in the Given, the When or the Then, and "
                             "check that each key is the number of the story in your list")
    about = ", each about its story" if stories is not None else ""
    passed(name, f"criteria for all {story_count} stories" + (", all in Given/When/Then form" if strict else "")
           + about + ".")


def check_accuracy(name: str, predicted: Mapping[Any, Any], truth: Mapping[Any, Any], *, threshold: float,
                   show: int = 5, hint: str | None = None) -> None:
    """Check that at least ``threshold`` of the predictions match; list a few misses by key."""
    check_type(name, predicted, Mapping)
    predicted = _as_plain(name, predicted)
    missing = [k for k in truth if k not in predicted]
    if missing:
        raise _incorrect(name, f"no prediction for {len(missing)} item(s), e.g. {', '.join(map(str, missing[:show]))}")
    misses = [k for k in truth if _upper(predicted[k]) != _upper(truth[k])]
    accuracy = 1 - len(misses) / len(truth)
    if accuracy < threshold:
        examples = ", ".join(f"{k} (you: {predicted[k]})" for k in misses[:show])
        raise _incorrect(name, f"{accuracy:.0%} right, at least {threshold:.0%} needed; for example {examples}", hint)
    passed(name, f"{accuracy:.0%} right.")


def answers_of(source: str) -> list[str]:
    """The learner variables a test cell reads, from its first line ``# answers: a, b``."""
    first = str.strip(next(iter(str.splitlines(source)), ""))
    if not str.startswith(first, "# answers:"):
        return []
    return [n for n in map(str.strip, str.split(first[len("# answers:"):], ",")) if n]


def _test_cell_answers(tb: Any) -> list[str]:
    """The ``# answers:`` of the notebook cell a traceback ran through, if it is a test cell."""
    import linecache

    while tb is not None:
        lines = linecache.getlines(tb.tb_frame.f_code.co_filename)
        if lines and answers_of(lines[0]):
            return answers_of(lines[0])
        tb = tb.tb_next
    return []


def missing_answer(name: str) -> NotAttempted:
    """The friendly outcome of a test cell run before the cell that defines ``name``."""
    return _not_attempted(name, "run the answer cell above first (and every cell before it), then this test "
                                "cell again")


def _grading() -> bool:
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _show_check_failure(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> Any:
    """IPython exception hook: a failed check is shown as its message, never as test code.

    A NameError for one of a test cell's ``# answers:`` becomes "not attempted: run the cell above
    first". While a learner works, "not attempted" is a plain note, not an error box; under nbgrader
    (``NBGRADER_EXECUTION`` set) it stays an error, so the grader still scores it 0.
    """
    if isinstance(value, NameError) and not isinstance(value, CheckFailed):
        missing = getattr(value, "name", None)
        if missing is None or missing not in _test_cell_answers(tb):
            shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
            return None
        value = missing_answer(missing)
        etype = NotAttempted
    if isinstance(value, NotAttempted) and not _grading():
        print(str(value))
        return None
    shell._showtraceback(etype, value, [str(value)])  # an error output with our message as its "traceback"
    return None


def install_display_hook() -> bool:
    """Show failed checks without a traceback in the running IPython kernel; False outside one."""
    ipython_module = sys.modules.get("IPython")
    shell = ipython_module.get_ipython() if ipython_module else None
    if shell is None:
        return False
    shell.set_custom_exc((CheckFailed, NameError), _show_check_failure)
    return True


# --- hints and model solutions on demand, as data on each question (the way Kaggle Learn does it) ------

class Question:
    """One autograded question of an exercise: its answers, a hint, and the model solution after an attempt."""

    def __init__(self, exercise: str, number: int, answers: Sequence[str], hint: str, cells: Sequence[str],
                 items: Sequence[Any] = ()) -> None:
        """Question ``number`` of ``exercise``, answered in the notebook cells ``cells`` (their ids).

        ``items`` (task numbers, say) narrow a model answer shared by several questions to this
        question's lines, so solving one group of tasks does not show the others.
        """
        self.exercise, self.number, self.answers = exercise, number, tuple(answers)
        self._hint, self.cells, self.items = hint, tuple(cells), tuple(items)

    def __repr__(self) -> str:
        """How the question shows itself: what it offers."""
        return f"Question {self.number} of {self.exercise}: call .hint() or, after an attempt, .solution()"

    def hint(self) -> None:
        """Print the hint."""
        print(f"Hint for question {self.number}: {self._hint}")

    def attempted(self) -> bool:
        """True once a check of this question's answers gave a verdict (right or wrong) in this kernel."""
        return any(a in ATTEMPTED for a in self.answers)

    def solution(self) -> None:
        """Print the model solution: only after an attempt, and only where ``solutions/`` is present."""
        if not self.attempted():
            print(f"Try question {self.number} first: write your answer and run its test cell. Stuck? "
                  f"Call .hint(). The model solution opens after your first attempt.")
            return
        code = model_solution(self.exercise, self.cells)
        if code is not None and self.items:
            code = _only_items(code, self.items)
        if code is None:
            print(f"The model solution of question {self.number} is shared by your instructor after the deadline.")
            return
        print(f"Model solution for question {self.number}:\n\n{code}")


def _only_items(code: str, items: Sequence[Any]) -> str:
    """The lines of a model answer's dict that are about ``items`` (lines of other keys are left out)."""
    wanted = {str(item) for item in items}
    keep = []
    for line in str.splitlines(code):
        key = re.match(r"\s*['\"]?([\w-]+)['\"]?\s*:", line)
        if key is None or key.group(1) in wanted:
            keep.append(line)
    return "\n".join(keep)


def model_solution(exercise: str, cells: Sequence[str]) -> str | None:
    """The solution part of the named answer cells, read from ``solutions/`` (None where it is absent)."""
    from pmkit.paths import REPO_ROOT

    path = REPO_ROOT / "solutions" / exercise / f"{exercise}.ipynb"
    if not path.is_file():
        return None
    notebook = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in notebook.get("cells", []):
        if cell.get("id") in cells:
            source = "".join(cell.get("source", ""))
            inside = source.partition("### BEGIN SOLUTION\n")[2].partition("### END SOLUTION")[0]
            parts.append(str.strip(inside or source))
    return "\n\n".join(parts) if parts else None


install_display_hook()
