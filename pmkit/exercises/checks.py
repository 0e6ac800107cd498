"""Checks for exercise test cells: three outcomes (correct, incorrect, not attempted) with specific feedback.

What exercise notebooks call as ``checks.<name>``: the ``check_*`` and ``score_labels*`` functions
are here; their outcomes (:class:`Incorrect`, :class:`NotAttempted`, :class:`Partial`) and the
kernel's display of failures are in :mod:`pmkit.exercises.outcomes`; reading answers as plain values
(:func:`plain`, :func:`table`) in :mod:`pmkit.exercises.values`; hints and
model solutions in :mod:`pmkit.exercises.hints`. All of those names are re-exported here, so a
test cell needs only ``from pmkit import checks``.

The test-cell contract: a test cell starts with ``# answers: name, ...``, reads those learner
variables only as plain values (:func:`plain` turns them into str, int, float, bool, None, list,
tuple and dict with trusted code), and computes every key from data it loads itself. Visible tests
hold no key at all, not even a digest (a digest over a few possible answers is inverted by trying them):
they check what a learner may be told before grading, the answer's form (type, shape, allowed labels,
range, scale) and the rules the question states applied to the learner's own values, and leave the
verdict to the hidden tests (see ``check_labelled``, ``check_fraction``, ``check_percent``,
``check_funnel_shape``, ``check_rice_rows`` and ``check_plan_rules``).
"""

from __future__ import annotations

# Builtins are bound here at import time, so a learner who later replaces ``builtins.len`` or
# ``builtins.sorted`` in their kernel does not change what these checks compute.
import math
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
    int,
    isinstance,
    iter,
    len,
    list,
    map,
    max,
    next,
    range,
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

# The catalog compiles its STORY_TOPICS when imported: with the builtins of now, not of whenever a
# notebook first reads ``exercises.STORY_TOPICS`` (pmkit.exercises loads its catalog lazily).
from pmkit.exercises import catalog as _catalog  # noqa: F401
from pmkit.exercises.hints import ATTEMPTED, Question, answers_of, model_solution
from pmkit.exercises.outcomes import (
    CORRECT,
    INCORRECT,
    MESSAGE_MIME,
    NOT_ATTEMPTED,
    PARTIAL,
    CheckFailed,
    Incorrect,
    NotAttempted,
    Partial,
    _incorrect,
    _not_attempted,
    _record,
    install_display_hook,
    missing_answer,
    noted,
    partial_bundle,
    passed,
)
from pmkit.exercises.values import (
    _as_plain,
    _canonical,
    _clip,
    _is_blank,
    _item_text,
    _same,
    _show,
    _type_name,
    _upper,
    _whole,
    as_plain,
    check_answered,
    pairs,
    plain,
    table,
)
from pmkit.review import stories as story_review
from pmkit.review.baselines import LINE as _LINE
from pmkit.review.baselines import QUANTITY as _QUANTITY
from pmkit.review.baselines import metric_parts
from pmkit.review.baselines import quantity as _quantity
from pmkit.review.baselines import starts_from as _starts_from
from pmkit.review.baselines import table_starts as _table_starts

#: What test cells, pmkit and its tests read from ``checks``: the checks here and the names re-exported above.
__all__ = [
    "ATTEMPTED",
    "CORRECT",
    "INCORRECT",
    "MESSAGE_MIME",
    "NOT_ATTEMPTED",
    "PARTIAL",
    "CheckFailed",
    "Incorrect",
    "NotAttempted",
    "Partial",
    "Question",
    "answers_of",
    "as_plain",
    "check_accuracy",
    "check_answered",
    "check_at_most",
    "check_budget",
    "check_choice",
    "check_close",
    "check_column_total",
    "check_columns",
    "check_coverage",
    "check_criteria",
    "check_descending",
    "check_equal",
    "check_fraction",
    "check_funnel_shape",
    "check_items_close",
    "check_label_format",
    "check_labelled",
    "check_labels",
    "check_members",
    "check_metric_baselines",
    "check_not_most_lost",
    "check_number",
    "check_order",
    "check_percent",
    "check_plan_rules",
    "check_prd",
    "check_priorities",
    "check_rice_rows",
    "check_stories",
    "check_type",
    "content_words",
    "distinct_counts",
    "install_display_hook",
    "metric_parts",
    "missing_answer",
    "model_solution",
    "pairs",
    "partial_bundle",
    "passed",
    "plain",
    "prioritised_requirements",
    "ranked",
    "score_each",
    "score_items",
    "score_labels",
    "table",
    "top_keys",
    "want_part"
]

_compile, _IGNORECASE, _PATTERN = re.compile, re.I, re.Pattern
_SPACES = re.compile(r"\s+")
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

    The reviewer's grammar reads it (:func:`pmkit.review.stories.asks_for`), so a check and the
    story review never disagree about which part of a story is its action.
    """
    return story_review.asks_for(story)


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










def _accepted(value: Any) -> list[Any]:
    """The labels a key accepts: one, or several where the course accepts more than one."""
    return list(value) if type(value) in (list, tuple) else [value]


def _why(wrong: Sequence[Any], reasons: Mapping[Any, str] | None, what: str) -> str:
    """One line per wrong item that has a reason: the reason in a sentence of its own."""
    reasons = dict(plain(reasons or {}))
    return "".join(f"\n  - {what} {k}: {reasons[k]}" for k in wrong if k in reasons)


def _score_labels(name: str, answers: Any, keys: Sequence[Any], right: Callable[[Any, Any], bool], *,
                  points: float, starter: str, allowed: Sequence[str] | None, hint: str | None,
                  normalise: Callable[[Any], str], what: str,
                  reasons: Mapping[Any, str] | None = None, wrongly: str = "labelled wrongly",
                  labels: str = "labels", shown: Callable[[Any], str] | None = None,
                  why: Mapping[Any, Mapping[str, str]] | None = None) -> Partial | None:
    """Per-key credit: None when every label is right, :class:`Partial` when some are, Incorrect when none.

    ``reasons`` gives, per key, why its label is what it is: each wrongly labelled key's reason is shown.
    ``why`` explains a common wrong label per key ({"education": {"verify_email": "loses the most …"}}).
    """
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
        passed(name, f"all {len(keys)} {labels} are right.")
        return None
    problems = []
    common = {k: {normalise(label): text for label, text in dict.items(dict(plain(v)))}
              for k, v in dict.items(dict(plain(why or {})))}
    if wrong:
        problems.append(f"{len(wrong)} {wrongly}: {', '.join(map(shown or str, wrong))}")
        explained = [f"{k}: {_show(given[k], 30)} {common[k][normalise(given[k])]}" for k in wrong
                     if normalise(given[k]) in common.get(k, {})]
        if explained:
            problems.append("; ".join(explained))
    if unanswered:
        problems.append(f"{len(unanswered)} still unanswered: {', '.join(map(str, unanswered))}")
    if unknown:
        shown = ", ".join(f"{k}={_show(given[k], 20)}" for k in unknown)
        problems.append(f"not {' or '.join(allowed or ())}: {shown}")
    earned = len(keys) - len(wrong) - len(unanswered) - len(unknown)
    each = points / len(keys)
    why = _why(wrong, reasons, what)
    if earned == 0:
        raise _incorrect(name, "; ".join(problems) + f" (0 of {points:g} points){why}", hint)
    _record(name)
    message = (f"\u2718 {name}: incorrect for {len(keys) - earned} of {len(keys)} ({'; '.join(problems)}). "
               f"Partial credit: {earned * each:g} of {points:g} points, {each:g} per {what}.{why}"
               + (f"\nHint: {hint}" if hint else ""))
    return Partial(earned * each, points, message)


def score_labels(name: str, answers: Any, expected: Mapping[Any, Any], *, points: float, starter: str = "?",
                 allowed: Sequence[str] | None = None, hint: str | None = None,
                 normalise: Callable[[Any], str] = _upper, what: str = "item",
                 reasons: Mapping[Any, str] | None = None,
                 why: Mapping[Any, Mapping[str, str]] | None = None) -> Partial | None:
    """Like :func:`check_labels`, with credit per key: leave the result as the test cell's last value.

    A key may accept several labels (a list: ``{8: ["A", "J"]}``); ``reasons`` says why, per key, and
    the reason of each wrongly labelled key is shown. ``why`` explains a common wrong label per key
    ({"education": {"verify_email": "loses the most …"}}).
    """
    expected = dict(plain(expected))
    return _score_labels(name, answers, list(expected),
                         lambda k, v: normalise(v) in [normalise(e) for e in _accepted(expected[k])],
                         points=points, starter=starter, allowed=allowed, hint=hint, normalise=normalise, what=what,
                         reasons=reasons, why=why)




def score_items(name: str, answers: Any, keys: Sequence[Any], right: Callable[[Any, Any], bool], *, points: float,
                what: str = "item", hint: str | None = None, shown: Callable[[Any], str] | None = None
                ) -> Partial | None:
    """Credit per item of a dict answer (a Series of counts, a ranked list as {1: …, 2: …}): ``right(key, value)``.

    Each item earns ``points / len(keys)``; the feedback names each wrong or missing item (``shown(key)``
    says how), so an answer with independent parts is never all or nothing.
    """
    return _score_labels(name, answers, list(plain(keys)), right, points=points, starter="?", allowed=None,
                         hint=hint, normalise=_item_text, what=what, wrongly="wrong", labels=f"{what}s",
                         shown=shown)


def score_each(name: str, given: Any, expected: Mapping[Any, Any], *, points: float,
               own: Mapping[Any, Any] | None = None, what: str = "item", hint: str | None = None) -> Partial | None:
    """Credit per key of a dict answer: right when it equals the expected value, or the learner's ``own``.

    ``expected`` holds values (hidden tests only: a release holds no key, not even a digest). ``own`` is
    what the learner's earlier answer implies (their own counts, their own ranking): a value that follows
    correctly from an earlier mistake is not marked wrong a second time.
    """
    given = _as_plain(name, given)
    check_type(name, given, dict)
    expected, own = dict(plain(expected)), dict(plain(own or {}))

    def right(key: Any, value: Any) -> bool:
        return _same(value, expected[key]) or (key in own and _same(value, own[key]))

    return score_items(name, given, list(expected), right, points=points, what=what, hint=hint)


def distinct_counts(frame: Any, group: str, item: str) -> dict[Any, int]:
    """How many distinct ``item`` values each ``group`` has in a table (a learner's, as plain data); {} if unusable."""
    try:
        columns = plain(frame)
    except (TypeError, RecursionError):
        return {}
    if type(columns) is not dict or type(columns.get(group)) is not list or type(columns.get(item)) is not list:
        return {}
    seen: dict[Any, set[str]] = {}
    for key, value in zip(columns[group], columns[item], strict=False):
        if type(key) in (str, int, float, bool):
            seen.setdefault(key, set()).add(_canonical(value))
    return {key: len(values) for key, values in dict.items(seen)}


def top_keys(counts: Any, size: int) -> dict[int, Any]:
    """The ``size`` keys with the largest values of a learner's counts, as {1: first, …}; {} if unusable."""
    try:
        counts = _whole(plain(counts))
    except (TypeError, RecursionError):
        return {}
    if type(counts) is not dict or not all(type(v) in (int, float) for v in dict.values(counts)):
        return {}
    order = sorted(dict.items(counts), key=lambda pair: -pair[1])
    return {place: key for place, (key, _) in enumerate(order[:size], start=1)}


def ranked(name: str, value: Any, size: int) -> dict[int, Any]:
    """A learner's ranked list as {1: first, 2: second, …} for :func:`score_items`; missing places are None."""
    check_answered(name, value, [], f"list {size} items, the first one first")
    check_type(name, value, (list, tuple), "['a', 'b', 'c']")
    items = list(_as_plain(name, value))
    if len(items) != size:
        raise _incorrect(name, f"has {len(items)} items, expected {size}")
    return {place: items[place - 1] for place in range(1, size + 1)}


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
                reveal: bool = False, announce: bool = True, near: Sequence[tuple[Any, str]] = ()) -> None:
    """Check that ``value == expected`` as plain data; say what was received (and expected, if ``reveal``).

    With ``announce=False`` a pass prints nothing: for a format check that is not the verdict. Each
    ``(value, why)`` of ``near`` is a common wrong answer and what it means ("you counted events").
    """
    check_answered(name, value, starter)
    value = _as_plain(name, value)
    if not _same(value, expected):
        for candidate, why in near:
            if _same(value, candidate):
                raise _incorrect(name, f"got {_show(value)}: {why}", hint)
        want = plain(expected)
        if type(value) is dict and type(want) is dict and _same(sorted(map(str, value)), sorted(map(str, want))) \
                and len(value) == len(want) and all(k in value for k in want) and not reveal:
            wrong = [k for k in want if not _same(value[k], want[k])]
            listed = ", ".join(f"{k} (you: {_show(value[k], 30)})" for k in wrong[:5])
            raise _incorrect(name, f"{len(wrong)} of {len(want)} wrong: {listed}"
                                   + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else ""), hint)
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
                  starter: Any = None, ordered: bool = False, about: Mapping[Any, str] | None = None) -> None:
    """Check a collection against the expected items, naming the items missing, extra or out of place.

    ``about`` adds a few words on an item where it is named ("PM-105 (effort 3)").
    """
    check_answered(name, value, starter, "replace the placeholder with your list")
    check_type(name, value, (list, tuple, set, frozenset), "['a', 'b']")
    got, want = list(_as_plain(name, value)), list(plain(expected))
    notes = {} if about is None else dict(plain(about))

    def named(items: Iterable[Any]) -> str:
        return ", ".join(f"{i}{f' ({notes[i]})' if i in notes else ''}" for i in items)

    missing = [i for i in want if i not in got]
    extra = [i for i in got if i not in want]
    twice = sorted({i for i in got if got.count(i) > 1}, key=str)
    if missing or extra or twice:
        parts = []
        if missing:
            parts.append(f"missing: {named(missing)}")
        if extra:
            parts.append(f"should not be there: {named(extra)}")
        if twice:
            parts.append(f"more than once: {named(twice)}")
        raise _incorrect(name, "; ".join(parts), hint)
    if ordered and got != want:
        first = next(i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w)
        raise _incorrect(name, f"the right items, but the order differs from position {first + 1} on: "
                               f"{named([got[first]])} is there, where {named([want[first]])} belongs", hint)
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


def _vague_in_want(index: int, story: str) -> list[Any]:
    """The reviewer's vague-wording finding for what a story asks for (its "I want \u2026" part) only."""
    action = want_part(story)[0]
    if not action:
        return []
    found = [f for f in story_review.review([f"As a user, I want to {action}."]) if f.criterion == "unambiguous"]
    return [story_review.Finding(index, f.criterion, str.replace(f.message, "Story 1:",
                                                                   f"Story {index + 1} (in what it asks for):", 1))
            for f in found]


def check_stories(name: str, stories: Any, *, min_count: int = 5, criteria: Sequence[str] | None = None,
                  starter: Any = None, vague_in: str = "story") -> None:
    """Check a list of user stories: enough of them, and no findings on ``criteria`` (default: all).

    With ``vague_in="want"`` vague words count only in what a story asks for (its "I want \u2026" part,
    which the team builds and tests), not in its role or its "so that \u2026" benefit, the user's reason in
    the user's words ("so that my inbox stays clean").
    """
    check_answered(name, stories, starter, "write your stories in the list")
    check_type(name, stories, (list, tuple), '["As a \u2026, I want \u2026, so that \u2026", \u2026]')
    written = [s for s in _as_plain(name, stories) if type(s) is str and s.strip()]
    if len(written) < min_count:
        raise _incorrect(name, f"has {len(written)} stories, at least {min_count} are needed")
    wanted = set(criteria or story_review.CRITERIA)
    findings = [f for f in story_review.review(written) if f.criterion in wanted]
    if vague_in == "want" and "unambiguous" in wanted:
        findings = [f for f in findings if f.criterion != "unambiguous"]
        findings += [f for i, story in enumerate(written) for f in _vague_in_want(i, story)]
        findings = sorted(findings, key=lambda f: -1 if f.index is None else f.index)
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


#: A priority as a requirement states it: P0-P3 anywhere, MoSCoW and high/medium/low words as a label only
#: (at the start, "Must:", "Should have -", or in brackets "(Must)"), never a modal verb in a sentence.
_PRIORITY_CODE = re.compile(r"\bP[0-3]\b", re.I)
_PRIORITY_LABEL = re.compile(
    r"^(?:\W*)(?P<label>must|should|could|won'?t|high|medium|low)(?:[- ]have)?(?:\s+priority)?\s*(?:[:\u2013\u2014-]|$)"
    r"|[(\[](?P<bracketed>must|should|could|won'?t|high|medium|low)(?:[- ]have)?(?:\s+priority)?[)\]]", re.I)
_REQUIREMENT_ITEM = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)]|[A-Za-z]?\d+[:.)]|R\d+\s*[:.)-])\s+(?P<text>\S.*)$")


def _priority_of(text: str) -> str | None:
    """The priority a line gives (P1, Must, High ...), or None."""
    text = _flat(str.replace(str.replace(text, "*", ""), "_", " "))
    code = _PRIORITY_CODE.search(text)
    if code:
        return str.upper(code.group())
    label = _PRIORITY_LABEL.search(text)
    return str.capitalize(label.group("label") or label.group("bracketed")) if label else None


def prioritised_requirements(section: str) -> list[tuple[str, str]]:
    """Each requirement of a requirements section with its priority, each once: (text, priority).

    A requirement is a list item, a table row or a line; its priority is on it ("P0: \u2026", "(Must)",
    a Priority column) or on the sub-heading it sits under ("### P1", "Should have:"). Words such as
    "must" inside a sentence are not priorities, so "P0: the preview must load" is one requirement.
    """
    lines = str.split(section, "\n")
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines
            if line.strip().startswith("|") and not re.fullmatch(r"\|?[\s:|-]+\|?", line.strip())]
    found = []
    if len(rows) >= 2:
        column = next((i for i, h in enumerate(rows[0]) if re.search(r"priorit|moscow|\bp\b|rank", h, re.I)), None)
        for row in rows[1:]:
            priority = _priority_of(row[column]) if column is not None and column < len(row) else None
            priority = priority or next((p for cell in row if (p := _priority_of(cell))), None)
            if priority:
                found.append((" | ".join(row), priority))
    group = None
    for line in lines:
        line = line[:_LINE]  # a requirement is a line: its first characters are plenty, and the scan stays short
        stripped = line.strip()
        if not stripped or stripped.startswith("|"):
            continue
        item = _REQUIREMENT_ITEM.match(line)
        text = item.group("text") if item else re.sub(r"^#+\s*", "", stripped)
        own = _priority_of(text)
        heading = stripped.startswith("#") or (own is not None and not item and len(text) <= 60 and
                                               re.fullmatch(r"[\W_]*\w+(?:[- ]have)?(?:\s+priority)?[\W_]*"
                                                            r"(?:\([^)]*\))?[\W_]*", text) is not None)
        if heading:
            group = own
            continue
        if own or group:
            found.append((_flat(text), own or group))
    return found


def check_priorities(name: str, text: Any, *, minimum: int = 3) -> None:
    """Check that a PRD's requirements section gives at least ``minimum`` requirements a priority, each counted once."""
    from pmkit.review import prd as prd_review

    check_answered(name, text, None, "write your PRD in its Markdown cell, save the notebook (Ctrl+S) and "
                                     "run the cell under it")
    check_type(name, text, str)
    requirements = prd_review.parse(_as_plain(name, text)).sections.get("requirements", "")
    found = prioritised_requirements(requirements)
    shown = "; ".join(f"{priority}: \u201c{_clip(_PRIORITY_CODE.sub('', req).strip(' :-'), 40)}\u201d"
                      for req, priority in found[:6])
    if len(found) < minimum:
        raise _incorrect(name, f"{len(found)} prioritised requirement(s) found"
                               + (f" ({shown})" if found else "")
                               + f"; give at least {minimum} requirements a priority, one requirement per line or "
                                 "list item (P0, P1, P2, or Must/Should/Could as a label: \u201cMust: \u2026\u201d)")
    passed("requirements", f"{len(found)} prioritised requirements ({shown}).")


def check_metric_baselines(name: str, text: Any, *, minimum: int = 2,
                           baselines: Mapping[str, str] | None = None) -> None:
    """Check that at least ``minimum`` success metrics state a baseline, in any form the course teaches.

    "from 40 s to 15 s", "40 s to 15 s", "30% \u2192 10%", "(baseline 40 s): 15 s" and a table's Baseline
    column all state one. ``baselines`` maps what a scenario measures to the baseline it states ({"the
    median time to approve": "40 s"}): each must start some metric, so a PRD that invents its baselines
    is incorrect.
    """
    from pmkit.review import prd as prd_review

    check_answered(name, text, None, "write your PRD in its Markdown cell, save the notebook (Ctrl+S) and "
                                     "run the cell under it")
    check_type(name, text, str)
    parsed = prd_review.parse(_as_plain(name, text))
    metrics, table = parsed.metrics, _table_starts(parsed.sections.get("metrics", ""))
    starts_of = [table.get(m.text) or _starts_from(m.text) for m in metrics]
    based = [m for m, starts in zip(metrics, starts_of, strict=True) if starts]
    if len(based) < minimum:
        without = [m.name for m, starts in zip(metrics, starts_of, strict=True) if not starts]
        which = f" ({_listing([_clip(n, 40) for n in without[:4]])} {'has' if len(without) == 1 else 'have'} none)" \
            if without else ""
        raise _incorrect(name, f"{len(based)} of {len(metrics)} metric(s) state where they start{which}; give at "
                               f"least {minimum} a baseline from the scenario, e.g. \u201cfrom 40 s to 15 s\u201d, "
                               "\u201c30% \u2192 10%\u201d or a Baseline column in a metrics table",
                         "the scenario gives the median time to approve and the share of approvals re-checked")
    wanted = dict(plain(baselines or {}))
    starts = [start for found in starts_of for start in found]
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


# --- visible checks that hold no key: the answer's form, and the question's own rules on the learner's values ---

def _within(number: float, target: float, tolerance: float) -> bool:
    """``number`` within ``tolerance`` of ``target``, with room for float rounding (53.75 to one decimal is 53.8)."""
    return abs(number - target) <= tolerance + 1e-9 * max(1.0, abs(target))


def _number(name: str, value: Any, hint: str | None = None) -> float:
    """A learner's number as a float (not attempted if None; incorrect if not a number or NaN)."""
    check_answered(name, value, None, "replace None with a number")
    value = _as_plain(name, value)
    if type(value) not in (int, float) or type(value) is bool:
        raise _incorrect(name, f"expected a number, got a {_type_name(value)}: {_show(value)}", hint)
    if math.isnan(value) or math.isinf(value):
        raise _incorrect(name, f"got {value}, not a number you can report: check for a division by zero or a "
                               "missing value", hint)
    return float(value)


def check_labelled(name: str, answers: Any, keys: Iterable[Any], *, allowed: Sequence[str], starter: Any = "?",
                   what: str = "item", normalise: Callable[[Any], str] = _upper, varied: bool = False) -> None:
    """Check labels by their form only (each key has one of ``allowed``), holding no key: a visible check.

    It never fails a partly answered dict, since the graded check may give credit per item: what is
    unanswered or not one of ``allowed`` is printed as a note to fix before submitting. No label at all
    is not attempted; something that is not a dict is incorrect. With ``varied`` (for data whose items
    are known to differ), one label on every item is incorrect: a rule that always returns its default.
    """
    check_type(name, answers, Mapping, "{1: 'A', 2: 'J'}")
    answers = _as_plain(name, answers)
    keys = list(dict.fromkeys(plain(list(keys))))
    given = {k: answers.get(k) for k in keys}
    blank = [k for k, v in dict.items(given) if _is_blank(v) or normalise(v) == normalise(starter)]
    if len(blank) == len(keys):
        raise _not_attempted(name, f"replace each {starter!r} with your label")
    allowed_set = {normalise(a) for a in allowed}
    unknown = [f"{k}={_show(v, 20)}" for k, v in dict.items(given)
               if k not in blank and normalise(v) not in allowed_set]
    _record(name)
    labels = {normalise(v) for k, v in dict.items(given) if k not in blank}
    if varied and len(keys) > 2 and not blank and len(labels) == 1:
        raise _incorrect(name, f"every {what} is labelled {_show(next(iter(dict.values(given))))}, but they are "
                               "not all alike: does your rule ever return anything but its default?")
    if blank or unknown:
        problems = ([f"{len(blank)} still unanswered: {', '.join(map(str, blank))}"] if blank else []) + (
            [f"not {' or '.join(allowed)}: {', '.join(unknown)}"] if unknown else [])
        noted(name, f"{'; '.join(problems)}. Each of these scores nothing when you are graded.", ok=False)
        return
    noted(name, f"all {len(keys)} {what}s are labelled {' or '.join(allowed)}; whether each label is right is "
                "checked when you are graded.", ok=True)


def check_fraction(name: str, value: Any, *, what: str = "a rate", hint: str | None = None,
                   announce: bool = True) -> None:
    """Check that a rate is a number from 0 to 1; a per cent (above 1, up to 100) is told to divide by 100.

    Like every check it returns None: nbgrader reads a number left as a test cell's value as its points.
    """
    number = _number(name, value, hint)
    if 1 < number <= 100:
        raise _incorrect(name, f"got {number:g}, more than 1, but {what} is a fraction between 0 and 1: if "
                               f"{number:g} is a per cent, give {number / 100:g}; if you counted events, count "
                               "distinct users or divide by the right total", hint)
    if not 0 <= number <= 1:
        raise _incorrect(name, f"got {number:g}; {what} is a fraction between 0 and 1", hint)
    _record(name)
    if announce:
        noted(name, f"{number:g} is a fraction between 0 and 1, as asked; whether it is right is checked when you "
                    "are graded.", ok=True)


def check_percent(name: str, value: Any, *, of: str, hint: str | None = None, announce: bool = True) -> None:
    """Check that a change is given in per cent: a value under 1 in size (a fraction) is told to multiply by 100."""
    number = _number(name, value, hint)
    if 0 < abs(number) < 1:
        raise _incorrect(name, f"got {number:g}: as a fraction of {of} that is a change of {number * 100:.4g} %, "
                               f"but the question asks for per cent, so multiply by 100 ({number * 100:.4g}, not "
                               f"{number:g})", hint)
    _record(name)
    if announce:
        noted(name, f"{number:g} is in per cent, as asked; whether it is right is checked when you are graded.",
              ok=True)


def check_close(name: str, value: Any, expected: float, *, tolerance: float,
                near: Sequence[tuple[float, str]] = (), hint: str | None = None) -> None:
    """Check a number within ``tolerance`` of ``expected``; ``near`` names common mistakes by the value they give.

    Each ``(value, why)`` in ``near`` is matched within 1 % (or ``tolerance``), after the right answer,
    so "you divided by all users" or "the sign is wrong" is said instead of a bare "not expected".
    """
    number = _number(name, value, hint)
    if _within(number, float(expected), tolerance):
        passed(name, f"{number:g} is right.")
        return
    for candidate, why in near:
        candidate = float(candidate)
        if _within(number, candidate, max(tolerance, abs(candidate) * 0.01)):
            raise _incorrect(name, f"got {number:g}: {why}", hint)
    raise _incorrect(name, f"got {number:g}, which is not the expected value (to within {tolerance:g})", hint)


def check_items_close(name: str, given: Any, expected: Mapping[Any, float], *, tolerance: float,
                      what: str = "items", show: int = 4, hint: str | None = None) -> None:
    """Check a number per key within ``tolerance``; name the keys that are missing, extra or wrong."""
    given = _as_plain(name, given)
    check_type(name, given, dict)
    expected = dict(plain(expected))
    missing = [k for k in expected if k not in given]
    extra = [k for k in given if k not in expected]
    if missing or extra:
        parts = ([f"{len(missing)} missing: {', '.join(map(str, missing[:show]))}"] if missing else []) + (
            [f"{len(extra)} that should not be there: {', '.join(map(str, extra[:show]))}"] if extra else [])
        raise _incorrect(name, f"expected {len(expected)} {what}; " + "; ".join(parts), hint)
    wrong = [k for k in expected if type(given[k]) not in (int, float) or type(given[k]) is bool
             or math.isnan(given[k]) or not _within(given[k], expected[k], tolerance)]
    if wrong:
        listed = "; ".join(f"{k} (you: {_show(given[k], 20)})" for k in wrong[:show])
        more = f" and {len(wrong) - show} more" if len(wrong) > show else ""
        raise _incorrect(name, f"{len(wrong)} of {len(expected)} {what} wrong: {listed}{more}", hint)
    passed(name, f"all {len(expected)} {what} right (to within {tolerance:g}).")


def check_rice_rows(name: str, frame: Any, data: Any, *, key: str = "ticket", score: str = "rice",
                    fill: float = 0.5, tolerance: float = 0.05) -> None:
    """Check a RICE table by the question's own rule on the learner's own rows: a visible check, holding no key.

    Every ticket of ``data`` once, each with a score; where the learner kept reach, impact, confidence
    and effort, the score must be reach × impact × confidence ÷ effort of that row (within
    ``tolerance``, so rounding to one decimal is fine), with ``fill`` for a confidence left empty.
    """
    table = _as_plain(name, frame)
    data = plain(data)
    tickets = list(data[key])
    mine = list(table[key])
    missing = [t for t in tickets if t not in mine]
    extra = sorted({t for t in mine if t not in tickets} | {t for t in mine if mine.count(t) > 1}, key=str)
    if missing or extra:
        raise _incorrect(name, "expected one row per ticket of the backlog"
                         + (f"; missing: {', '.join(map(str, missing[:5]))}" if missing else "")
                         + (f"; unknown or repeated: {', '.join(map(str, extra[:5]))}" if extra else ""))
    scores = dict(zip(mine, table[score], strict=True))
    empty = [t for t in tickets if type(scores[t]) not in (int, float) or type(scores[t]) is bool]
    if empty:
        raise _incorrect(name, f"no score for {', '.join(map(str, empty))}: a missing confidence makes the "
                               f"product empty, so give those tickets a confidence of {fill:g} first",
                         "fill the missing confidences before multiplying")
    inputs = ("reach", "impact", "confidence", "effort")
    if all(c in table for c in inputs):
        rows = {t: dict(zip(inputs, values, strict=True))
                for t, *values in zip(mine, *(table[c] for c in inputs), strict=True)}
        off = []
        for ticket in tickets:
            row = rows[ticket]
            if any(type(row[c]) not in (int, float) for c in ("reach", "impact", "effort")) or not row["effort"]:
                continue
            confidence = fill if row["confidence"] is None else row["confidence"]
            if type(confidence) not in (int, float):
                continue
            rule = row["reach"] * row["impact"] * confidence / row["effort"]
            if not _within(scores[ticket], rule, tolerance):
                off.append(f"{ticket} (your {score} {scores[ticket]:g}; its own row gives "
                           f"{row['reach']:g} × {row['impact']:g} × {confidence:g} ÷ {row['effort']:g})")
        if off:
            raise _incorrect(name, f"{len(off)} score(s) are not reach × impact × confidence ÷ effort of their "
                                   f"own row: {'; '.join(off[:3])}",
                             f"a confidence left empty counts as {fill:g}; round to one decimal or not at all")
        filled = [t for t, c in zip(data[key], data["confidence"], strict=True) if c is None
                  and rows[t]["confidence"] is not None and rows[t]["confidence"] != fill]
        if filled:
            raise _incorrect(name, f"{', '.join(map(str, filled))} had no confidence estimate, and your table gives "
                                   f"{_listing([format(rows[t]['confidence'], 'g') for t in filled])}; the "
                                   f"question says to use {fill:g} there")
    noted(name, f"a score for each of the {len(tickets)} tickets, each following the RICE rule on its own row; the "
                "scores are checked again when you are graded.", ok=True)


def check_plan_rules(name: str, plan: Any, scored: Any, costs: Mapping[Any, Any], budget: float, *,
                     key: str = "ticket", score: str = "rice", unit: str = "", hint: str | None = None) -> None:
    """Check a greedy plan by the question's rules on the learner's own scores: a visible check, holding no key.

    Known ids, none twice, within ``budget``; taken from the highest score down (by the learner's
    own table ``scored``, when it is a usable one); and nothing left out that still fits in the
    capacity the plan leaves unused.
    """
    check_answered(name, plan, [], "list the ids you take")
    check_budget(name, plan, costs, budget, unit=unit)
    plan = list(_as_plain(name, plan))
    try:
        table = plain(scored)
        scores = dict(zip(table[key], table[score], strict=True)) if type(table) is dict else {}
    except (TypeError, KeyError, ValueError, RecursionError):
        scores = {}
    costs = plain(costs)
    known = [t for t in plan if type(scores.get(t)) in (int, float)]
    for index in range(len(known) - 1):
        first, second = known[index], known[index + 1]
        if scores[first] < scores[second]:
            raise _incorrect(name, f"{second} (score {scores[second]:g}) comes after {first} (score "
                                   f"{scores[first]:g}); take the tickets from the highest score down", hint)
    left = budget - sum(costs[t] for t in plan)
    fits = sorted((t for t in costs if t not in plan and costs[t] <= left), key=lambda t: -scores.get(t, 0)
                  if type(scores.get(t)) in (int, float) else 0)
    if fits:
        raise _incorrect(name, f"{left:g}{unit} are left unused and {fits[0]} ({costs[fits[0]]:g}{unit}) still "
                               "fits: when a ticket does not fit, skip it and keep going down the list", hint)
    noted(name, f"{len(plan)} tickets, {budget - left:g}{unit} of {budget:g}{unit}, in your score order with nothing "
                "left out that fits; the plan is checked again when you are graded.", ok=True)


def _funnel(name: str, value: Any, steps: Sequence[str]) -> dict[str, Any]:
    check_answered(name, value, None, "assign your Series to it")
    funnel = _as_plain(name, value)
    check_type(name, funnel, dict, "a pandas Series indexed by step")
    if list(funnel) != list(steps):
        raise _incorrect(name, f"got the steps {_show(list(funnel))}, expected {_show(list(steps))} in that "
                               "order", "reindex the counts with STEPS so the steps are in funnel order")
    return funnel


def check_funnel_shape(name: str, value: Any, steps: Sequence[str], *, users: int | None = None,
                       hint: str | None = None) -> None:
    """Check a funnel of distinct users by its form only: the steps in order, whole numbers, never rising.

    Nobody reaches a step without the one before it, so a count of distinct users cannot rise along
    the funnel (nor exceed ``users``, all distinct users, if given): a count that does counts events.
    """
    funnel = _funnel(name, value, steps)
    bad = [s for s, n in dict.items(funnel) if type(n) is not int and not (type(n) is float and n == n
                                                                           and float.is_integer(n))]
    if bad:
        raise _incorrect(name, f"the counts for {', '.join(bad)} are not whole numbers of users", hint)
    counts = [funnel[s] for s in steps]
    if users is not None and counts[0] > users:
        raise _incorrect(name, f"{counts[0]:g} reached {steps[0]}, but the data has only {users} distinct users: "
                               "you are counting events (rows), not users", hint)
    rises = [(steps[i], steps[i + 1]) for i in range(len(steps) - 1) if counts[i + 1] > counts[i]]
    if rises:
        before, after = rises[0]
        raise _incorrect(name, f"more reach {after} ({funnel[after]:g}) than {before} ({funnel[before]:g}), but "
                               f"nobody reaches {after} without {before}: a user can send a step's event more than "
                               "once, so count distinct users, not rows", hint)
    noted(name, "the steps in funnel order, never rising; the counts are checked when you are graded.", ok=True)


def check_not_most_lost(name: str, value: Any, funnel: Any, steps: Sequence[str], *,
                        hint: str | None = None) -> None:
    """Check a "worst step" is not simply where the most users are lost, by the learner's own funnel.

    The question asks for the largest share lost; the step losing the most users (a count) is the
    mistake chapter 10 warns about. Holds no key: it reads only the learner's funnel.
    """
    check_choice(name, value, steps[1:], hint="one of the steps after the first")
    try:
        funnel = _funnel("funnel", funnel, steps)
    except CheckFailed:
        funnel = {}
    counts = [funnel.get(s) for s in steps]
    if not all(type(n) in (int, float) for n in counts):
        return
    lost = {steps[i]: counts[i - 1] - counts[i] for i in range(1, len(steps))}
    most = max(lost, key=lambda s: lost[s])
    if _same(value, most):
        raise _incorrect(name, f"{most} is where the most users are lost ({lost[most]:g} by your funnel), but the "
                               "question asks for the largest share of the users who reached the step before it",
                         hint)
    noted(name, "one of the steps, and not merely the one that loses the most users; it is checked when you are "
                "graded.", ok=True)


def check_column_total(name: str, frame: Any, column: str, total: float, *, what: str,
                       hint: str | None = None) -> None:
    """Check that a grouped table's ``column`` adds up to the data's ``total`` (grouping keeps every row's share)."""
    table = _as_plain(name, frame)
    values = table.get(column, []) if type(table) is dict else []
    if not all(type(v) in (int, float) and type(v) is not bool for v in values):
        raise _incorrect(name, f"the {column} column holds something that is not a number", hint)
    found = sum(values)
    if abs(found - total) > 1e-9:
        raise _incorrect(name, f"the {column} column adds up to {found:g}, but the data has {total:g} {what} in "
                               "all: each of them belongs to exactly one group", hint)


def check_at_most(name: str, counts: Any, limit: float, *, what: str, hint: str | None = None,
                  strict: bool = True) -> None:
    """Check that no count is above ``limit`` (e.g. no theme has more customers than were interviewed).

    With ``strict=False`` (a cell with credit per item, where other counts may still be right) a count
    over the limit is a note to fix before submitting, not a failed cell.
    """
    counts = _as_plain(name, counts)
    check_type(name, counts, dict)
    over = [f"{k} ({v:g})" for k, v in dict.items(counts) if type(v) in (int, float) and v > limit]
    if over:
        problem = f"{_listing(over)} {'is' if len(over) == 1 else 'are'} more than the {limit:g} {what} in the data"
        if strict:
            raise _incorrect(name, problem, hint)
        noted(name, problem + (f": {hint}" if hint else ""), ok=False)
