""""Check your understanding" questions: scoring and feedback as plain, testable functions.

A question has three outcomes, not two: correct, incorrect, and not attempted. Feedback for a
wrong choice says what the learner picked, why it does not fit and what does; the widgets in
:mod:`pmkit.teach.widgets` only display what :func:`grade` returns.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not_attempted"


@dataclass(frozen=True)
class Question:
    """A multiple-choice question with an explanation and a reason each wrong option is wrong."""

    id: str
    prompt: str
    options: tuple[str, ...]
    answer: str
    explanation: str
    why_not: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.answer not in self.options:
            raise ValueError(f"question {self.id!r}: answer {self.answer!r} is not among its options")


@dataclass(frozen=True)
class Feedback:
    """The outcome of one answer: ``status`` (correct, incorrect, not_attempted) and a message."""

    question_id: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        """True only for a correct answer."""
        return self.status == CORRECT


def grade(question: Question, choice: str | None) -> Feedback:
    """Feedback on ``choice`` for ``question``: specific about what was chosen and why."""
    if choice is None or (isinstance(choice, str) and not choice.strip()):
        options = " or ".join(question.options)
        return Feedback(question.id, NOT_ATTEMPTED, f"Not answered yet: pick {options}.")
    if choice not in question.options:
        options = ", ".join(question.options)
        return Feedback(question.id, INCORRECT,
                        f"{choice!r} is not one of the options; choose one of: {options}.")
    if choice == question.answer:
        return Feedback(question.id, CORRECT, f"Correct: {question.explanation}")
    reason = question.why_not.get(choice) or f"Hint: {question.explanation}"
    chosen = f"\u201c{choice}\u201d" if " " in choice else choice  # a sentence-long option reads as a quote
    return Feedback(question.id, INCORRECT, f"Not quite: you chose {chosen}. {reason}")


@dataclass(frozen=True)
class Score:
    """How a learner did on a set of questions."""

    correct: int
    incorrect: int
    not_attempted: int

    @property
    def total(self) -> int:
        """Number of questions."""
        return self.correct + self.incorrect + self.not_attempted

    @property
    def message(self) -> str:
        """One line a learner can act on."""
        text = f"{self.correct} of {self.total} correct"
        if self.not_attempted:
            text += f", {self.not_attempted} still to answer"
        if self.correct == self.total:
            text += ". Well done: you can tell the two roles apart on every point."
        elif self.incorrect:
            text += ". Read the feedback under each wrong answer, then try it again."
        return text


def score(questions: Iterable[Question], answers: Mapping[str, str | None]) -> Score:
    """Count correct, incorrect and unanswered questions for ``answers`` keyed by question id."""
    counts = {CORRECT: 0, INCORRECT: 0, NOT_ATTEMPTED: 0}
    for question in questions:
        counts[grade(question, answers.get(question.id)).status] += 1
    return Score(counts[CORRECT], counts[INCORRECT], counts[NOT_ATTEMPTED])


def _sentence_case(text: str) -> str:
    """Lower-case a leading capital unless it starts an acronym ("PRDs", "QA", "UI")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def role_question_id(row: Mapping[str, str], role: str) -> str:
    """The id of the question that asks about ``role``'s side of a comparison row ("daily:Meetings:APM")."""
    return f"{row['topic']}:{row['aspect']}:{role}"


def role_question(row: Mapping[str, str], role: str) -> Question:
    """A question from one comparison row: which role does the ``role`` side describe."""
    other = "JPM" if role == "APM" else "APM"
    value, other_value = row[role.lower()], row[other.lower()]
    aspect = _sentence_case(str(row["aspect"]))
    return Question(
        id=role_question_id(row, role),
        prompt=f"{row['aspect']}: \u201c{value}\u201d. APM or JPM?",
        options=("APM", "JPM"),
        answer=role,
        explanation=(f"for {aspect}, the APM side is \u201c{row['apm']}\u201d and the JPM side is "
                     f"\u201c{row['jpm']}\u201d."),
        why_not={other: (f"For {aspect}, the {other} side is \u201c{other_value}\u201d; "
                         f"\u201c{value}\u201d is the {role} side.")},
    )


def article(word: str) -> str:
    """``word`` with "a" or "an" as it is spoken: "an APM", "a JPM", "an example"."""
    spoken_vowel = word[:1].upper() in "AEIOU" if word.isupper() else word[:1].lower() in "aeiou"
    if word[:1].upper() in "FHLMNRSX" and word[:2].isupper():  # letters said with a vowel: "an MVP"
        spoken_vowel = True
    return f"{'an' if spoken_vowel else 'a'} {word}"


def has_pattern(answers: list[str]) -> str | None:
    """Why a sequence of answers could be guessed without reading (None if it could not).

    A run of three equal answers, or a strict alternation over four or more questions, lets a
    learner score by spotting the pattern instead of understanding the content.
    """
    for i in range(len(answers) - 2):
        if answers[i] == answers[i + 1] == answers[i + 2]:
            return f"three {answers[i]} answers in a row at questions {i + 1} to {i + 3}"
    if len(answers) >= 4 and len(set(answers)) == 2 and all(
            a != b for a, b in itertools.pairwise(answers)):
        return "the answers strictly alternate"
    return None


def balanced_roles(count: int, seed: str) -> list[str]:
    """``count`` answers of APM or JPM in a fixed random order with no guessable pattern."""
    import random

    rng = random.Random(seed)
    for _ in range(1000):
        picks = [rng.choice(("APM", "JPM")) for _ in range(count)]
        if has_pattern(picks) is None and (count < 4 or abs(picks.count("APM") - picks.count("JPM")) <= count // 3):
            return picks
    raise ValueError(f"no pattern-free order of {count} answers found")  # pragma: no cover


def role_questions(rows: Iterable[Mapping[str, str]]) -> list[Question]:
    """One question per comparison row; which role's side is asked about follows a seeded, pattern-free order."""
    rows = list(rows)
    seed = "|".join(f"{row['topic']}:{row['aspect']}" for row in rows)
    return [role_question(row, role) for row, role in zip(rows, balanced_roles(len(rows), seed), strict=True)]
