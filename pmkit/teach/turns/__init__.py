"""The chapters' worked cells ("# Your turn"): the learner decides, computes or writes, and a check says why.

Every chapter keeps its turns in a module of this package named for it (``ch01.py`` holds chapter 01's),
as a ``TURNS`` tuple of :class:`Turn`. A learner's cell sets a variable and calls
``turns.check("name", value)`` (or ``turns.check("name", label, because=sentence)`` when a label must
come with its reason). The answer is:

- **correct**, with one sentence saying *why* (never "it is on the list");
- **not yet**, naming the mistake: a known wrong answer's own message, or what is missing from a sentence;
- **partly right** when a label is right and its reason misses the key idea (or the other way round),
  or a series asked for largest first has the right numbers in another order;
- **not answered** while the cell still holds ``...``.

``turns.hint(name)`` helps at any time; ``turns.solution(name)`` shows a model answer only after an attempt.
A sentence is read for its key ideas (:class:`Idea`: a few patterns, any of which shows the idea), as the
reviewers read user stories; it is never compared word for word, so a careful learner may say it their way.
Besides its examples, every turn that reads a sentence is tried with other learners' answers in
``tests/teach/turn_answers.csv`` (``benchmarks/turn_reading.py`` prints how they fare, blind part first).
Keys that come from data are computed from the course's own files, never from the learner's variables.
"""

from __future__ import annotations

import importlib
import itertools
import math
import pkgutil
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pmkit.teach import quiz

CORRECT, INCORRECT, NOT_ATTEMPTED = quiz.CORRECT, quiz.INCORRECT, quiz.NOT_ATTEMPTED
PARTIAL = "partial"
KINDS = ("choice", "number", "label", "series", "text", "set")
#: A learner's sentence longer than this is read only this far (the checks are regexes; keep them linear).
MAX_TEXT = 2000


@dataclass(frozen=True)
class Idea:
    """A key idea a written reason must carry: what it is (shown when missing) and patterns that show it.

    ``reads`` is an optional test of the learner's sentence, as written, that also shows the idea: a parser
    the course already grades with elsewhere (the PRD exercise's metric reading), called rather than copied.
    A pattern a negation governs ("not widespread", "does not come from smooth execution") does not state the
    idea; ``negatable=False`` marks an idea that is itself an absence ("nobody notices", "no drama").
    """

    says: str
    patterns: tuple[str, ...]
    reads: Callable[[str], bool] | None = None
    negatable: bool = True

    def found_in(self, text: str, written: str | None = None) -> bool:
        """True when a pattern occurs in ``text`` (normalised), not negated, or ``reads`` finds it in ``written``."""
        for pattern in self.patterns:
            if any(not (self.negatable and negated(text, m.start())) for m in re.finditer(pattern, text)):
                return True
        return bool(self.reads and self.reads(text if written is None else written[:MAX_TEXT]))


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer (a value, or a test on the value) and what to tell a learner who gave it."""

    answer: Any
    message: str

    def matches(self, kind: str, value: Any) -> bool:
        """True when ``value`` is this mistake; ``answer`` may be a value, a zero-argument key or a predicate."""
        if callable(self.answer):
            try:
                return bool(self.answer(value))
            except TypeError:
                return _same(kind, value, self.answer())
        return _same(kind, value, self.answer)


@dataclass(frozen=True)
class Example:
    """An answer a learner might give and the status it must get; the suite checks every one of them."""

    value: Any
    status: str
    because: Any = None


@dataclass(frozen=True)
class Turn:
    """One worked cell: its name, chapter, kind of answer, key, why it is right, mistakes, hint and solution.

    ``expected`` is a value or a zero-argument function that computes it (from the course's data).
    ``per_cent`` accepts the key rounded to a whole per cent (the course's one rule for rounding: prompts ask
    for one decimal, and a whole per cent is right too); ``largest_first`` asks a series for its order as well.
    ``ideas`` are what a reason (``because=``, or the whole answer of a ``text`` turn) must say; ``misreads``
    are ideas that show a misunderstanding, each with its own message. ``examples`` are answers careful
    and careless learners might give, in their own words, with the status each must get: the suite
    requires at least one correct and one wrong example per turn, and two correct phrasings of any sentence.
    """

    name: str
    chapter: str
    kind: str
    expected: Any
    why: str
    hint: str
    solution: str
    options: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    ideas: tuple[Idea, ...] = ()
    misreads: tuple[tuple[Idea, str], ...] = ()
    tolerance: float = 0.01
    needs_reason: bool = False
    examples: tuple[Example, ...] = ()
    #: A number in per cent: asked for to one decimal, and the key rounded to a whole per cent is right too.
    per_cent: bool = False
    #: A series asked for largest first ("busiest first"): right numbers in another order are partly right.
    largest_first: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"turn {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.kind == "choice" and not callable(self.expected) and self.expected not in self.options:
            raise ValueError(f"turn {self.name!r}: its answer {self.expected!r} is not among its options")
        if self.kind == "text" and not self.ideas:
            raise ValueError(f"turn {self.name!r}: a text turn needs at least one idea to look for")

    def key(self) -> Any:
        """The expected answer, computed if it is a function."""
        return self.expected() if callable(self.expected) else self.expected


class Feedback(quiz.Feedback):
    """A turn's feedback, shown in the course's one feedback style (and as plain text in a terminal)."""

    def _repr_html_(self) -> str:
        from pmkit.teach import widgets
        from pmkit.teach.theme import style_sheet

        return style_sheet() + widgets.feedback_html(self)

    def __repr__(self) -> str:
        return self.message


class Text(str):
    """Text that a notebook renders as Markdown and a terminal prints without quotes."""

    def _repr_markdown_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return str(self)


_REGISTRY: dict[str, Turn] = {}
_attempted: set[str] = set()


def _load() -> dict[str, Turn]:
    """Every chapter module's turns, by name (loaded once); a name used twice is an authoring error."""
    if not _REGISTRY:
        for module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch")):
            for turn in importlib.import_module(f"{__name__}.{module}").TURNS:
                if turn.name in _REGISTRY:
                    raise ValueError(f"two turns are called {turn.name!r} (pmkit/teach/turns/{module}.py)")
                _REGISTRY[turn.name] = turn
    return _REGISTRY


def all_turns() -> list[Turn]:
    """Every turn of the course, in chapter order."""
    return sorted(_load().values(), key=lambda t: t.chapter)


def find(name: str) -> Turn:
    """The turn called ``name``; an unknown name raises a KeyError that lists the chapter's turns."""
    turns = _load()
    if name not in turns:
        raise KeyError(f"no turn called {name!r}; the turns are {', '.join(turns)}")
    return turns[name]


#: "can't", "won't" and "aren't" as the patterns read them: "can not", "will not", "are not".
_CONTRACTIONS = ((re.compile(r"\bcan'?t\b|\bcannot\b"), "can not"), (re.compile(r"\bwon'?t\b"), "will not"),
                 (re.compile(r"\b(?:shan'?t)\b"), "shall not"), (re.compile(r"\b(\w+?)n't\b"), r"\1 not"))
#: A hyphen inside a word ("what-to-build", "30-day", "e-mail") reads as a space; "12-18" and "-30" keep theirs.
_INNER_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z0-9])|(?<=[0-9])-(?=[a-z])")
#: American -ize/-yze spellings read as the British the patterns use ("standardized", "analyze"); "size" stays.
_IZE = re.compile(r"(?<=[a-z]{3})([iy])z(e|es|ed|ing|ation|ations)\b")


#: Where a negation's reach ends: a punctuation mark or a word that starts a new clause.
_CLAUSE_END = re.compile(r"[.;:,!?()\"\[\]]|\b(?:but|so|because|while|whereas|although|though|yet|since|which)\b")
#: A negation and at most three words after it, up to where a match starts ("not" + "come from" + "smooth").
#: "not only", "not just" and the like add to what follows rather than deny it, so they do not count.
_NEGATED_TAIL = re.compile(r"\b(?:not|no|never|nor|neither|nobody|none|nothing|rather than|instead of|far from)\b"
                           r"(?!\s+(?:only|just|merely|simply|least)\b)(?:\s+\S+){0,3}\s*$")


def negated(text: str, start: int) -> bool:
    """True when a negation in the same clause, at most three words back, governs what starts at ``start``."""
    clause = _CLAUSE_END.split(text[max(0, start - 80):start])[-1]
    return bool(_NEGATED_TAIL.search(clause))


def normalise(text: str) -> str:
    """A sentence as the checks read it: lower case, straight quotes, single spaces, at most MAX_TEXT characters.

    Hyphens inside words become spaces, contractions are written out ("aren't" is "are not") and -ize
    spellings become -ise, so a pattern written once matches every way a careful learner spells the idea.
    """
    text = str(text)[:MAX_TEXT].lower()
    text = text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                                         "\u2013": "-", "\u2014": "-", "\u2011": "-", "\u2010": "-"}))
    for contraction, full in _CONTRACTIONS:
        text = contraction.sub(full, text)
    text = _IZE.sub(r"\1s\2", _INNER_HYPHEN.sub(" ", text))
    return re.sub(r"\s+", " ", text).strip()


def blank(value: Any) -> bool:
    """True while a cell still holds ``...``, None or an empty string."""
    return value is None or value is Ellipsis or (isinstance(value, str) and not value.strip())


def as_number(value: Any) -> float | None:
    """A number from an int, a float or a string such as "35.1%", "$70,000" or "1,200"; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "item") and not hasattr(value, "__len__"):  # a numpy scalar
        return as_number(value.item())
    if isinstance(value, str):
        cleaned = re.sub(r"[,$%\s]", "", value.strip().replace("\u2212", "-"))
        try:
            return float(cleaned)
        except ValueError:
            return None
    return None


def near(value: object, target: float, tolerance: float) -> bool:
    """True when ``value`` reads as a number within ``tolerance`` of ``target`` (never raises)."""
    number = as_number(value)
    return number is not None and abs(number - target) <= tolerance


def near_per_cent(value: object, target: float) -> bool:
    """True when ``value`` is ``target`` (in per cent) to one decimal, or rounded to a whole per cent."""
    number = as_number(value)
    return number is not None and (abs(number - target) <= 0.1 or number == round(target))


def _label(value: Any) -> str:
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return normalise(str(value))


def _mapping(value: Any) -> dict[str, float] | None:
    if isinstance(value, Mapping):
        items = value.items()
    elif hasattr(value, "items") and hasattr(value, "index") and not hasattr(value, "columns"):
        items = value.items()
    else:
        return None
    out = {}
    for k, v in items:
        number = as_number(v)
        if number is None:
            return None
        out[_label(k)] = number
    return out


def _same(kind: str, value: Any, expected: Any, tolerance: float = 0.01) -> bool:
    """True when ``value`` is ``expected`` for this kind of answer (numbers within ``tolerance``)."""
    if kind == "number":
        got, want = as_number(value), as_number(expected)
        return got is not None and want is not None and math.isclose(got, want, abs_tol=tolerance)
    if kind in ("choice", "label"):
        return _label(value) == _label(expected)
    if kind == "set":
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            return False
        return {_label(v) for v in value} == {_label(v) for v in expected}
    if kind == "series":
        got, want = _mapping(value), _mapping(expected)
        if got is None or want is None or set(got) != set(want):
            return False
        return all(math.isclose(got[k], want[k], abs_tol=max(tolerance, 0.051)) for k in want)
    return False


def _missing(turn: Turn, text: str) -> list[Idea]:
    said = normalise(text)
    return [idea for idea in turn.ideas if not idea.found_in(said, text)]


def _misread(turn: Turn, text: str) -> str | None:
    said = normalise(text)
    for idea, message in turn.misreads:
        if idea.found_in(said, text):
            return message
    return None


def _record(turn: Turn, value: Any, status: str) -> None:
    """Note the outcome in the learner's progress file, where progress is on; never fails a check."""
    try:
        from pmkit.teach import progress

        key = progress.record_quiz(turn.chapter, "Your turn", [t.name for t in all_turns()
                                                               if t.chapter == turn.chapter])
        progress.record_answer(key, turn.name, str(value)[:200], status)
    except Exception:  # a progress file that cannot be written must not hide the feedback
        pass


def evaluate(name: str, value: Any, because: Any = None) -> Feedback:
    """Check one turn's answer (and its reason, where one is asked for) without recording anything."""
    turn = find(name)
    ask_hint = f'Run turns.hint("{name}") for a hint.'
    if blank(value) and (turn.kind != "text" or blank(because)):
        what = "write your sentence" if turn.kind == "text" else "replace ... with your answer"
        return Feedback(name, NOT_ATTEMPTED, f"Not answered yet: {what} and run the cell again.")
    if turn.kind == "text":
        text = str(value)
        wrong = _misread(turn, text)
        missing = _missing(turn, text)
        if wrong:
            return Feedback(name, INCORRECT, f"Not yet: {wrong} {ask_hint}")
        if missing:
            status = PARTIAL if len(missing) < len(turn.ideas) else INCORRECT
            said = "Partly right" if status == PARTIAL else "Not yet"
            return Feedback(name, status, f"{said}: your sentence does not yet say "
                                          f"{'; nor '.join(i.says for i in missing)}. {ask_hint}")
        return Feedback(name, CORRECT, f"Correct. {turn.why}")
    if turn.kind == "choice" and _label(value) not in {_label(o) for o in turn.options}:
        return Feedback(name, INCORRECT, f"Not yet: {value!r} is not one of the choices: "
                                         f"{', '.join(turn.options)}.")
    key = turn.key()
    right = _same(turn.kind, value, key, turn.tolerance) or _whole_per_cent(turn, value, key)
    if not right:
        for mistake in turn.mistakes:
            if mistake.matches(turn.kind, value):
                return Feedback(name, INCORRECT, f"Not yet: {mistake.message} {ask_hint}")
        return Feedback(name, INCORRECT, f"Not yet: {_generic(turn, value)} {ask_hint}")
    if turn.largest_first and not _largest_first(value):
        return Feedback(name, PARTIAL, "Partly right: the numbers are right, but not largest first as the task "
                                       "asks; add `.sort_values(ascending=False)` to put the largest first. "
                                       f"{ask_hint}")
    if turn.needs_reason or turn.ideas:
        if blank(because):
            return Feedback(name, PARTIAL, "Partly right: the answer is right; now write a sentence saying "
                                           f"why on the because line, and run the cell again. {ask_hint}")
        wrong = _misread(turn, str(because))
        missing = _missing(turn, str(because))
        if wrong or missing:
            gap = wrong or f"your reason does not yet say {'; nor '.join(i.says for i in missing)}."
            return Feedback(name, PARTIAL, f"Partly right: the answer is right, but {gap} {ask_hint}")
    return Feedback(name, CORRECT, f"Correct. {turn.why}")


def _whole_per_cent(turn: Turn, value: Any, key: Any) -> bool:
    """True when a per-cent turn's answer is its key rounded to a whole per cent (94 for 94.29).

    A series may round each of its numbers, to one decimal or to a whole per cent.
    """
    if not turn.per_cent:
        return False
    if turn.kind == "series":
        got, want = _mapping(value), _mapping(key)
        if got is None or want is None or set(got) != set(want):
            return False
        return all(math.isclose(got[k], want[k], abs_tol=max(turn.tolerance, 0.051))
                   or math.isclose(got[k], round(want[k]), abs_tol=1e-9) for k in want)
    number, want_number = as_number(value), as_number(key)
    return number is not None and want_number is not None and math.isclose(number, round(want_number), abs_tol=1e-9)


def _largest_first(value: Any) -> bool:
    """True when a series' numbers run from the largest down (ties in any order)."""
    numbers = list((_mapping(value) or {}).values())
    return all(a >= b for a, b in itertools.pairwise(numbers))


def shown(value: Any) -> str:
    """A learner's value as the feedback shows it: numbers plainly (-47.06, not np.float64(...)), the rest cut short."""
    if hasattr(value, "item") and not hasattr(value, "__len__"):  # a numpy scalar, np.True_ included
        value = value.item()
    number = as_number(value)
    if number is not None and not isinstance(value, str):
        return f"{number:g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "\u2026"


def _generic(turn: Turn, value: Any) -> str:
    """What is wrong with an answer no known mistake explains: what was received against what is asked."""
    shown_ = shown(value)
    if turn.kind == "number":
        number = as_number(value)
        if number is None:
            return f"expected a number, got {shown_}."
        return f"{number:g} is not it; check each step of your working."
    if turn.kind == "series" and _mapping(value) is None:
        return f"expected one number per label (a pandas Series), got {shown_}."
    if turn.kind == "series":
        return "the labels or some numbers differ from the expected ones."
    if turn.kind == "set":
        return f"that selection is not the one asked for ({shown_})."
    if turn.kind in ("label", "choice") and as_number(value) is not None and not isinstance(value, str):
        return f"{shown_} is a number; the answer is a name (a label), not a number."
    return f"{shown_} is not the answer."


def check(name: str, value: Any, because: Any = None) -> Feedback:
    """Check a turn's answer and remember it: correct, partly right, not yet (naming the mistake) or not answered."""
    feedback = evaluate(name, value, because)
    if feedback.status != NOT_ATTEMPTED:
        _attempted.add(name)
        _record(find(name), value, feedback.status)
    return feedback


def hint(name: str) -> Text:
    """A hint for a turn, available at any time."""
    return Text(f"**Hint for `{name}`:** {find(name).hint}")


def solution(name: str) -> Text:
    """A model answer, once the learner has checked an attempt of their own."""
    turn = find(name)
    if name not in _attempted:
        return Text(f"Try `{name}` first: write your own answer and run its check; then a solution is here.")
    return Text(f"One solution: {turn.solution}")


def chapter_turns(chapter: str) -> list[Turn]:
    """The turns of one chapter ("04"), in the order they were written."""
    return [t for t in _load().values() if t.chapter == chapter]

