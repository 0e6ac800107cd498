"""Checks for exercise test cells: three outcomes (correct, incorrect, not attempted) with specific feedback.

What exercise notebooks call as ``checks.<name>``: the ``check_*`` and ``score_labels*`` functions
are here; their outcomes (:class:`Incorrect`, :class:`NotAttempted`, :class:`Partial`) and the
kernel's display of failures are in :mod:`pmkit.exercises.outcomes`; reading answers as plain values
and digests (:func:`plain`, :func:`table`, :func:`digest`) in :mod:`pmkit.exercises.values`; hints and
model solutions in :mod:`pmkit.exercises.hints`. All of those names are re-exported here, so a
test cell needs only ``from pmkit import checks``.

The test-cell contract: a test cell starts with ``# answers: name, ...``, reads those learner
variables only as plain values (:func:`plain` turns them into str, int, float, bool, None, list,
tuple and dict with trusted code), and computes every key from data it loads itself. Visible tests
compare against salted digests (:func:`digest`), so a release never holds a key in clear text.
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
    min,
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
    CheckFailed,
    Incorrect,
    NotAttempted,
    Partial,
    _incorrect,
    _not_attempted,
    _record,
    install_display_hook,
    missing_answer,
    partial_bundle,
    passed,
)
from pmkit.exercises.values import (
    _as_plain,
    _canonical,
    _clip,
    _is_blank,
    _item_text,
    _rounded,
    _same,
    _show,
    _type_name,
    _upper,
    _whole,
    as_plain,
    check_answered,
    digest,
    label_digests,
    number_digest,
    pairs,
    plain,
    table,
)
from pmkit.review import stories as story_review

#: What test cells, pmkit and its tests read from ``checks``: the checks here and the names re-exported above.
__all__ = [
    "ATTEMPTED", "CORRECT", "INCORRECT", "MESSAGE_MIME", "NOT_ATTEMPTED", "CheckFailed", "Incorrect", "NotAttempted",
    "Partial", "Question", "answers_of", "as_plain", "check_accuracy", "check_answered", "check_budget",
    "check_choice", "check_columns", "check_coverage", "check_criteria", "check_descending", "check_digest",
    "check_equal", "check_items_digest", "check_label_format", "check_labels", "check_labels_digest",
    "check_members", "check_metric_baselines", "check_number", "check_number_digest", "check_order",
    "check_prd", "check_priorities", "check_stories", "check_type", "content_words", "digest",
    "distinct_counts", "prioritised_requirements", "ranked", "score_each", "score_items", "top_keys",
    "install_display_hook", "label_digests", "missing_answer", "model_solution", "number_digest", "pairs",
    "partial_bundle", "passed", "plain", "score_labels", "score_labels_digest", "table", "want_part",
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


def _accepted(value: Any) -> list[Any]:
    """The labels (or digests) a key accepts: one, or several where the course accepts more than one."""
    return list(value) if type(value) in (list, tuple) else [value]


def _why(wrong: Sequence[Any], reasons: Mapping[Any, str] | None, what: str) -> str:
    """One line per wrong item that has a reason: the reason in a sentence of its own."""
    reasons = dict(plain(reasons or {}))
    return "".join(f"\n  - {what} {k}: {reasons[k]}" for k in wrong if k in reasons)


def _score_labels(name: str, answers: Any, keys: Sequence[Any], right: Callable[[Any, Any], bool], *,
                  points: float, starter: str, allowed: Sequence[str] | None, hint: str | None,
                  normalise: Callable[[Any], str], what: str,
                  reasons: Mapping[Any, str] | None = None, wrongly: str = "labelled wrongly",
                  labels: str = "labels", shown: Callable[[Any], str] | None = None) -> Partial | None:
    """Per-key credit: None when every label is right, :class:`Partial` when some are, Incorrect when none.

    ``reasons`` gives, per key, why its label is what it is: each wrongly labelled key's reason is shown.
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
    if wrong:
        problems.append(f"{len(wrong)} {wrongly}: {', '.join(map(shown or str, wrong))}")
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
                 reasons: Mapping[Any, str] | None = None) -> Partial | None:
    """Like :func:`check_labels`, with credit per key: leave the result as the test cell's last value.

    A key may accept several labels (a list: ``{8: ["A", "J"]}``); ``reasons`` says why, per key, and
    the reason of each wrongly labelled key is shown.
    """
    expected = dict(plain(expected))
    return _score_labels(name, answers, list(expected),
                         lambda k, v: normalise(v) in [normalise(e) for e in _accepted(expected[k])],
                         points=points, starter=starter, allowed=allowed, hint=hint, normalise=normalise, what=what,
                         reasons=reasons)


def score_labels_digest(name: str, answers: Any, expected: Mapping[Any, Any], *, salt: str, points: float,
                        starter: str = "?", allowed: Sequence[str] | None = None, hint: str | None = None,
                        normalise: Callable[[Any], str] = _upper, what: str = "item") -> Partial | None:
    """:func:`score_labels` against per-key digests from :func:`label_digests` (for visible tests)."""
    return _score_labels(name, answers, list(expected),
                         lambda k, v: digest(_item_text(v), f"{salt}:{k}") in _accepted(expected[k]),
                         points=points, starter=starter, allowed=allowed, hint=hint, normalise=normalise, what=what)


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


def score_each(name: str, given: Any, expected: Mapping[Any, Any], *, points: float, own: Mapping[Any, Any] | None = None,
               salt: str | None = None, what: str = "item", hint: str | None = None) -> Partial | None:
    """Credit per key of a dict answer: right when it equals the expected value, or the learner's ``own``.

    ``expected`` holds values, or with ``salt`` per-key digests (:func:`label_digests`, for visible tests).
    ``own`` is what the learner's earlier answer implies (their own counts, their own ranking): a value
    that follows correctly from an earlier mistake is not marked wrong a second time.
    """
    given = _as_plain(name, given)
    check_type(name, given, dict)
    expected, own = dict(plain(expected)), dict(plain(own or {}))

    def right(key: Any, value: Any) -> bool:
        if salt is not None:
            good = digest(_item_text(value), f"{salt}:{key}") in _accepted(expected[key])
        else:
            good = _same(value, expected[key])
        return good or (key in own and _same(value, own[key]))

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


#: A metric's "from … to …" span: "from 40 s to", "from about a third (30%) to", "from 40 to 15 seconds".
_FROM_TO = re.compile(r"\bfrom\b(?P<start>(?:[^.;]|\.(?=\d))*?)\bto\b(?P<end>(?:[^.;]|\.(?=\d))*)", re.I)


#: A number and its unit inside that span ("40 s", "30%", "40 seconds", "30 per cent").
_NUMBER_UNIT = re.compile(r"(?<![\w.,])(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|per\s*cent\b|percent\b|s\b|"
                          r"secs?\b|seconds?\b)?", re.I)


#: How much of one line (a metric, a requirement) the checks read.
_LINE = 600
_QUANTITY = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|s)\s*$")


def _quantity(number: str, unit: str) -> tuple[float, str]:
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


def _starts_from(text: str) -> list[tuple[float, str]]:
    """The quantities a metric's text starts from ("from 40 s to 15 s" and "40 s \u2192 15 s" start from (40.0, "s")).

    A start's unit may come later ("from 40 to 15 seconds", "(baseline 40): 15 s"), a number in brackets
    counts ("from about a third (30%) to 10%"), and a baseline may be named ("(baseline 40 s): 15 s").
    """
    text, starts = text[:_LINE], []  # a metric is a line: its first characters are plenty, and the scan stays short
    for span in _FROM_TO.finditer(text):
        numbers = list(_NUMBER_UNIT.finditer(span.group("start")))
        if not numbers:
            continue
        later = [m.group("unit") for m in [*numbers, *_NUMBER_UNIT.finditer(span.group("end"))] if m.group("unit")]
        if later:
            starts += [_quantity(m.group("number"), m.group("unit") or later[0]) for m in numbers]
    for pair in _PAIR.finditer(text):
        unit = pair.group("ua") or pair.group("ub")
        if unit:
            starts.append(_quantity(pair.group("a"), unit))
    for named in _NAMED_START.finditer(text):
        unit = named.group("u") or next((m.group("unit") for m in _NUMBER_UNIT.finditer(text, named.end())
                                         if m.group("unit")), None)
        if unit:
            starts.append(_quantity(named.group("n"), unit))
    return list(dict.fromkeys(starts))


def _table_starts(section: str) -> dict[str, list[tuple[float, str]]]:
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
            found[" | ".join(row)] = [_quantity(m.group("number"), m.group("unit") or units[0])
                                      for m in _NUMBER_UNIT.finditer(row[column]) if m.group("unit") or units]
    return found


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
