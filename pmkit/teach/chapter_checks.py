"""What each chapter asks a learner to answer: the questions of its click quizzes, and its worked cells (turns).

A chapter's total comes from the course's data (``datasets/course/questions.csv``, the scenarios, the
comparison tables and :mod:`pmkit.teach.turns`), never from what the learner has opened, answered or
edited in their copy of the notebook: so "0 of 7" shows before the first answer and the 7 never moves,
and the kernel's line and ``pmkit progress`` agree. :data:`QUIZZES` names the quizzes each chapter's
cells call; tests/course/test_chapter_checks.py holds it to the chapters' code.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class QuizCall:
    """One click quiz a chapter shows, as its cell calls it: ``widgets.<function>(*args, **kwargs)``."""

    function: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()

    def source(self) -> str:
        """The call as the chapter's cell writes it: ``role_quiz("responsibilities", per_topic=1)``."""
        parts = [_literal(a) for a in self.args] + [f"{k}={_literal(v)}" for k, v in self.kwargs]
        return f"{self.function}({', '.join(parts)})"

    def group(self) -> Group:
        """The questions this quiz shows: its title, how many, and the ids they may have."""
        from pmkit.teach import content, quiz, roles

        options: Mapping[str, Any] = dict(self.kwargs)
        title = TITLES[self.function]
        if self.function == "chapter_quiz":
            ids = [q.id for q in content.questions(*self.args)]
            return Group(title, len(ids), frozenset(ids))
        if self.function == "scenario_quiz":
            ids = [q.id for q in content.scenario_questions()]
            return Group(title, len(ids), frozenset(ids))
        if self.function == "task_sort":
            ids = [q.id for q in content.task_questions()]
            return Group(title, len(ids), frozenset(ids))
        if self.function == "role_quiz":  # one question per row drawn; which rows (and sides) varies
            frame = roles.comparison(*self.args[:1])
            per_topic = int(options.get("per_topic", self.args[1] if len(self.args) > 1 else 2))
            size = int(frame.groupby("topic", sort=False).size().clip(upper=per_topic).sum())
            ids = {quiz.role_question_id(row, role) for row in frame.to_dict("records") for role in roles.ROLES}
            return Group(title, size, frozenset(ids))
        raise ValueError(f"{self.function!r} is not a quiz pmkit.teach.widgets makes")


@dataclass(frozen=True)
class Group:
    """Checks that count together: one quiz's questions, the chapter's turns or its pandas tries.

    ``title`` is the one their answers are recorded under; ``size`` of them count, from the ids in ``ids``.
    """

    title: str
    size: int
    ids: frozenset[str]


#: The title each quiz records its answers under (the widget's heading), and the worked cells' titles.
TITLES = {"chapter_quiz": "Check your understanding",
          "role_quiz": "Check your understanding: which role is it?",
          "task_sort": "Check your understanding: sort the tasks into APM or JPM work",
          "scenario_quiz": "Check your understanding: who makes the call?"}
TURNS, TRIES = "Your turn", "Your try"


def _literal(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _chapter(number: str) -> tuple[QuizCall, ...]:
    return (QuizCall("chapter_quiz", (number,)),)


#: The click quizzes each chapter's cells make, in order (chapter 00 warms up with one row of a comparison table).
QUIZZES: dict[str, tuple[QuizCall, ...]] = {
    "00": (QuizCall("role_quiz", ("responsibilities",), (("per_topic", 1),)),),
    **{f"{n:02d}": _chapter(f"{n:02d}") for n in range(1, 14)},
    "06": (QuizCall("scenario_quiz"), QuizCall("chapter_quiz", ("06",))),
}


@functools.cache
def groups(chapter: str) -> tuple[Group, ...]:
    """A chapter's checks ("03" or "03-the-jpm"), quiz by quiz and then its turns; a KeyError for no such chapter."""
    from pmkit.teach import pandas_tries, turns

    number = chapter[:2]
    if number not in QUIZZES:
        raise KeyError(f"no chapter {chapter!r}; the chapters are {', '.join(QUIZZES)}")
    names = [t.name for t in turns.chapter_turns(number)]
    worked = [Group(TURNS, len(names), frozenset(names))]
    if number == pandas_tries.CHAPTER:
        worked.append(Group(TRIES, len(pandas_tries.TRIES), frozenset(pandas_tries.TRIES)))
    return (*(call.group() for call in QUIZZES[number]), *worked)


def total(chapter: str) -> int:
    """How many checks a chapter has: every quiz question it shows and every turn it asks for."""
    return sum(g.size for g in groups(chapter))


def tally(chapter: str, answers: Mapping[tuple[str, str], str]) -> tuple[int, int]:
    """(answered, correct) among a chapter's checks, from the learner's answers ((title, id) -> status).

    Only ids the chapter asks count, each under its own quiz's title, and no quiz more than its size, so
    stale or foreign answers never push "answered" past the total.
    """
    done = correct = 0
    for group in groups(chapter):
        mine = [status for (title, qid), status in answers.items() if title == group.title and qid in group.ids]
        done += min(len(mine), group.size)
        correct += min(sum(s == "correct" for s in mine), group.size)
    return done, correct
