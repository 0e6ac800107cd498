"""Peer review of a written answer against its rubric: the rubric as data, and the check a reviewer runs.

A review notebook (made by ``pmkit cohort peer-review assign``) asks for, per peer's PRD, a dictionary of
scores, one per rubric criterion, and a comment. ``peer_review.check("A", scores_A, comment_A)`` says, in the
course's one look of feedback, whether that review is not answered yet, not yet complete (which criterion
has no valid score; a comment too short or naming nothing in the PRD), or ready to hand back. The
instructor's side reads the same values from the returned notebook without running it and holds them to
:func:`review_problems`, so a reviewer and the instructor see one rule. Peer scores are feedback only: the
grade is the instructor's, in Formgrader, against the same rubric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Each peer-reviewed exercise: its written answer's grade id and the rubric file in ``datasets/exercises/``.
PEER_REVIEWED = {"prd": ("answer-prd", "prd_rubric")}
#: The fewest words a useful comment has: what works, what to improve, and where.
MIN_COMMENT_WORDS = 12
#: The review notebook's file name for an exercise.
NOTEBOOK = "{exercise}-peer-review.ipynb"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORDS = re.compile(r"[A-Za-z0-9][\w'%-]*")
#: Words that name the rubric or praise in general: a comment that shares only these with a PRD names nothing in it.
_GENERIC = """prd document section sections problem problems user users goal goals metric metrics success scope
    non-goal non-goals nongoals requirement requirements risk risks launch plan monitoring mitigation mitigations
    release releases testable prioritised prioritized evidence evidenced specific defined group temptation
    temptations good great nice clear clearly well work job overall really very much more less better best
    like liked love think thought could would should make makes made need needs needed also just maybe idea
    ideas point points section part parts whole write written writing read reading peer review reviewer""".split()


@dataclass(frozen=True)
class Criterion:
    """One line of a rubric: its key, its words, its points and the PRD sections it concerns."""

    key: str
    text: str
    points: int
    sections: tuple[str, ...]


def rubric(exercise: str = "prd") -> list[Criterion]:
    """The rubric of ``exercise``'s written answer, in order, read from its data file (validated)."""
    from pmkit.exercises.catalog import SCHEMAS
    from pmkit.paths import datasets_dir
    from pmkit.tables import read_rows

    if exercise not in PEER_REVIEWED:
        raise KeyError(f"{exercise!r} has no peer review; the exercises that have one: {', '.join(PEER_REVIEWED)}")
    name = PEER_REVIEWED[exercise][1]
    rows = read_rows(SCHEMAS[name], datasets_dir() / "exercises" / SCHEMAS[name].filename)
    return [Criterion(str(r["criterion"]), str(r["text"]), int(r["points"]),
                      tuple(s.strip() for s in str(r["sections"]).split(";") if s.strip()))
            for r in sorted(rows, key=lambda r: int(r["position"]))]


def _stems(text: str) -> set[str]:
    from pmkit.exercises.checks import content_words

    return content_words(text)


def _generic() -> set[str]:
    return _stems(" ".join(_GENERIC)) | _stems(" ".join(c.text for c in rubric()))


def _points(value: Any) -> float | None:
    """A score as a number, or None when it is not one (True and False are not scores)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def score_problems(slot: str, scores: Any, criteria: list[Criterion]) -> tuple[list[str], bool]:
    """What is wrong with one review's scores, each said to the reviewer; and whether none is given at all."""
    name = f"scores_{slot}"
    keys = ", ".join(c.key for c in criteria)
    if scores is Ellipsis or scores is None:
        return [f"{name} is not filled in yet"], True
    if not isinstance(scores, dict):
        return [f"{name} should be a dictionary of scores, one per criterion ({{\"{criteria[0].key}\": 1, ...}}), "
                f"not a {type(scores).__name__}"], False
    problems = []
    unknown = [k for k in scores if k not in {c.key for c in criteria}]
    if unknown:
        problems.append(f"{name} has key(s) the rubric does not: {', '.join(repr(k)[:40] for k in unknown[:5])}; "
                        f"its keys are {keys}")
    missing = []
    for criterion in criteria:
        value = scores.get(criterion.key, Ellipsis)
        number = _points(value)
        if number is None or number not in {float(p) for p in range(criterion.points + 1)}:
            given = "no score" if value is Ellipsis else repr(value)[:30]
            missing.append(f"{criterion.key} ({criterion.text}: {given})")
    if missing:
        allowed = "0 or 1" if all(c.points == 1 for c in criteria) else "a whole number from 0 to its points"
        problems.append(f"give {allowed} (1 = the PRD meets it) for: {'; '.join(missing)}")
    answered = any(scores.get(c.key, Ellipsis) is not Ellipsis for c in criteria)
    return problems, not answered and not unknown


def comment_problems(slot: str, comment: Any, prd_text: str | None) -> tuple[list[str], bool]:
    """What keeps a comment from being useful to the author; and whether it is not written at all."""
    name = f"comment_{slot}"
    if comment is Ellipsis or comment is None or (isinstance(comment, str) and not comment.strip()):
        return [f"{name} is not written yet"], True
    if not isinstance(comment, str):
        return [f"{name} should be text in quotes, not a {type(comment).__name__}"], False
    words = len(_WORDS.findall(comment))
    if words < MIN_COMMENT_WORDS:
        return [f"{name} has {words} word(s); write at least {MIN_COMMENT_WORDS}: what works, what to improve, "
                "and where in the PRD"], False
    if prd_text is not None and not specific(comment, prd_text):
        example = _example(prd_text)
        hint = f" (for instance {example})" if example else ""
        return [f"{name} names nothing in PRD {slot}: quote or name something the author wrote, such as a number, "
                f"a requirement or a risk{hint}, so they know what you mean"], False
    return [], False


def specific(comment: str, prd_text: str) -> bool:
    """True when the comment names something in the PRD: one of its numbers, or a word of its own (not the rubric's)."""
    if set(_NUMBER.findall(comment)) & set(_NUMBER.findall(prd_text)):
        return True
    return bool((_stems(comment) & _stems(prd_text)) - _generic())


def _example(prd_text: str) -> str:
    """A number or a word of the PRD a comment could name, for the hint."""
    numbers = _NUMBER.findall(prd_text)
    if numbers:
        return f"\u201c{numbers[0]}\u201d"
    generic = _generic()
    for word in _WORDS.findall(prd_text):
        if len(word) >= 5 and not (_stems(word) & generic) and _stems(word):
            return f"\u201c{word[:30]}\u201d"
    return ""


def review_problems(slot: str, scores: Any, comment: Any, prd_text: str | None,
                    exercise: str = "prd") -> tuple[str, list[str]]:
    """The state of one review (``not_attempted``, ``incorrect`` or ``correct``) and what is still wrong in it."""
    criteria = rubric(exercise)
    score_list, no_scores = score_problems(slot, scores, criteria)
    comment_list, no_comment = comment_problems(slot, comment, prd_text)
    if no_scores and no_comment:
        return "not_attempted", score_list + comment_list
    problems = score_list + comment_list
    return ("incorrect" if problems else "correct"), problems


def saved_notebook(slot: str, exercise: str = "prd", folder: Path | None = None) -> Any | None:
    """The review notebook as last saved (read safely, never run): the one showing PRD ``slot``, or None.

    The kernel's own notebook (``JPY_SESSION_NAME``) first, then the review notebook in the kernel's folder.
    """
    import os

    from pmkit.errors import PmkitError
    from pmkit.notebooks import load_json, markdown_cell

    here = folder or Path.cwd()
    session = os.environ.get("JPY_SESSION_NAME")
    candidates = [Path(session)] if session else []
    candidates += [here / NOTEBOOK.format(exercise=exercise), *sorted(here.glob("*peer-review*.ipynb"))]
    for path in candidates:
        try:
            data = load_json(path)
        except (PmkitError, OSError):
            continue
        if markdown_cell(data.get("cells") if isinstance(data, dict) else None, f"prd-{slot}") is not None:
            return data
    return None


def shown_prd(slot: str, exercise: str = "prd", folder: Path | None = None) -> str | None:
    """The text of PRD ``slot`` as the review notebook shows it, read from the notebook as last saved (or None)."""
    return _prd_text(saved_notebook(slot, exercise, folder), slot)


def _prd_text(data: Any, slot: str) -> str | None:
    from pmkit.exercises.review_reader import cell_source
    from pmkit.notebooks import markdown_cell

    cell = markdown_cell(data.get("cells"), f"prd-{slot}") if isinstance(data, dict) else None
    return cell_source(cell) if cell is not None else None


def _said(value: Any) -> str:
    return "..." if value is Ellipsis else repr(value)[:40]


def saved_differences(slot: str, scores: Any, comment: Any, data: Any, exercise: str = "prd") -> list[str]:
    """Where the saved notebook, read as the instructor reads it (never run), differs from the values checked."""
    from pmkit.exercises.review_reader import NotLiteral, review_values

    names = (f"scores_{slot}", f"comment_{slot}")
    values, unreadable = review_values(data, set(names))
    out = []
    for name, live in zip(names, (scores, comment), strict=True):
        saved = values.get(name, Ellipsis)
        if isinstance(saved, NotLiteral):
            out.append(saved.why)
        elif name not in values:
            out.append(f"the saved notebook has no `{name} = ...` line"
                       + (f" ({'; '.join(unreadable)})" if unreadable else ""))
        elif name == names[0] and isinstance(saved, dict) and isinstance(live, dict):
            keys = [c.key for c in rubric(exercise)] + [k for k in saved if k not in live]
            out += [f"saved notebook says {k}: {_said(saved.get(k, Ellipsis))} (you ran {_said(live.get(k, Ellipsis))})"
                    for k in dict.fromkeys(keys) if saved.get(k, Ellipsis) != live.get(k, Ellipsis)]
        elif saved != live:
            out.append(f"saved notebook says {name} = {_said(saved)}, not what you ran")
    return out


def check(slot: str, scores: Any, comment: Any, exercise: str = "prd") -> None:
    """Say whether the review of PRD ``slot`` is ready to hand back, and if not, what is missing and where.

    Ready means ready as the instructor will read it: the saved notebook, read without running it, must hold
    the same review (``scores_A["users"] = 1`` or ``scores_A.update(...)`` count in the kernel, not there).
    """
    from pmkit.exercises.outcomes import _show

    slot = str(slot)
    saved = saved_notebook(slot, exercise)
    status, problems = review_problems(slot, scores, comment, _prd_text(saved, slot), exercise)
    differences = saved_differences(slot, scores, comment, saved, exercise) \
        if status == "correct" and saved is not None else []
    if status == "not_attempted":
        message = (f"PRD {slot} is not reviewed yet: in scores_{slot}, replace each ... with 1 if the PRD meets "
                   f"that criterion or 0 if it does not; write comment_{slot} in quotes; then run this cell again.")
        title = None
    elif status == "incorrect":
        message = f"PRD {slot}: " + "\n".join(f"- {p}" for p in problems)
        title = None
    elif differences:
        status = "incorrect"
        message = (f"PRD {slot}: your review is complete here, but your instructor reads the saved notebook "
                   "without running it, and it differs:\n" + "\n".join(f"- {d}" for d in differences)
                   + f"\nSave the notebook (Ctrl+S), and write each score inside the scores_{slot} dictionary and "
                   f"the comment in the comment_{slot} line of this cell; then run this cell again.")
        title = None
    else:
        given = sum(_points(v) or 0 for v in scores.values())
        message = (f"PRD {slot}: every criterion scored ({given:g} of {sum(c.points for c in rubric(exercise))}) "
                   "and a comment that names something in it. Save the notebook (Ctrl+S); your instructor collects "
                   "it. Your scores go to the author as feedback, without your name; they do not change any grade.")
        title = "Ready to hand back"
    if not _show(status, message, title):
        print(message)
