"""A self-paced learner's progress: chapter checks answered and ``pmkit check`` results, kept locally.

The record is one JSON file outside the repository, ``$XDG_DATA_HOME/pmkit/progress.json`` (or
``~/.local/share/pmkit/progress.json``); ``PMKIT_PROGRESS`` names another file. It is the learner's
own and only informs the learner: nothing here feeds a grade. A quiz widget records itself when it is
made and each answer when it is clicked; ``pmkit check`` records each result. :func:`show` (and the
``pmkit progress`` command) says what is done, what is left and the scores, with a chart;
:func:`line`, at the foot of every chapter's final check (its chapter quiz; in chapter 00, :func:`here`, its
last cell), says which chapter of the course this is and how many of its checks are done, out of all
the chapter has (:mod:`pmkit.teach.chapter_checks`), and keeps saying it as the learner answers.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.files import write_text_atomic
from pmkit.paths import REPO_ROOT

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

#: Names another progress file (tests, or a learner keeping two).
ENV = "PMKIT_PROGRESS"
VERSION = 1
STATUSES = ("done", "started", "not started")


def store_path() -> Path:
    """The progress file: ``PMKIT_PROGRESS``, else under ``$XDG_DATA_HOME/pmkit`` (never the repository)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pmkit" / "progress.json"


def enabled() -> bool:
    """True in a kernel JupyterLab started for a notebook, or when ``PMKIT_PROGRESS`` names a file.

    Kernels that test runs start (nbclient, nbval) have no session name, so they record nothing.
    """
    return bool(os.environ.get("JPY_SESSION_NAME") or os.environ.get(ENV))


def _empty() -> dict[str, Any]:
    return {"version": VERSION, "quizzes": {}, "checks": {}}


def load() -> dict[str, Any]:
    """The stored record; an empty one if there is none or it cannot be read (it is only a convenience)."""
    try:
        data = json.loads(store_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _empty()
    if not isinstance(data, dict) or not isinstance(data.get("quizzes"), dict) or not isinstance(
            data.get("checks"), dict):
        return _empty()
    return data


@contextlib.contextmanager
def _editing() -> Iterator[dict[str, Any]]:
    """Read, change and atomically rewrite the record, one process at a time (kernels run in parallel)."""
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:  # Windows: no advisory locks, last writer wins
            pass
        data = load()
        yield data
        write_text_atomic(path, json.dumps(data, indent=1, sort_keys=True))


def chapters() -> list[str]:
    """The course's chapters, as notebook names without ``.ipynb``, in course order."""
    return sorted(p.stem for p in (REPO_ROOT / "course").glob("[0-9][0-9]-*.ipynb"))


def exercises() -> list[str]:
    """The graded exercises learners can check with ``pmkit check``."""
    return sorted(p.name for p in (REPO_ROOT / "exercises").iterdir() if (p / f"{p.name}.ipynb").exists())


def current_chapter(chapter: str | None = None) -> str:
    """The chapter a quiz belongs to: the notebook the kernel serves, else ``chapter`` ("02"), else "other"."""
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb") and Path(session).stem in chapters():
        return Path(session).stem
    if chapter:
        named = [c for c in chapters() if c == chapter or c.split("-", 1)[0] == chapter]
        if named:
            return named[0]
    return "other"


def record_quiz(chapter: str | None, title: str, question_ids: Sequence[str]) -> str:
    """Note that a chapter shows a quiz with these questions; returns the key its answers go under."""
    where = current_chapter(chapter)
    key = f"{where}::{title}"
    with _editing() as data:
        entry = data["quizzes"].setdefault(key, {"chapter": where, "title": title, "answers": {}})
        entry["questions"] = list(question_ids)
        if not isinstance(entry.get("answers"), dict):
            entry["answers"] = {}
    return key


def record_answer(key: str, question_id: str, choice: str | None, status: str) -> None:
    """Remember the learner's latest answer to one question (``choice`` None clears it)."""
    with _editing() as data:
        entry = data["quizzes"].get(key)
        if entry is None:
            return
        if choice is None:
            entry["answers"].pop(question_id, None)
        else:
            entry["answers"][question_id] = {"choice": choice, "status": status, "at": time.time()}
    _refresh_here(data)


def asked(data: dict[str, Any] | None = None) -> set[str]:
    """The ids of every question this learner has answered, or was last shown, in any recorded quiz.

    Empty when recording is off (test kernels). A quiz that draws its questions uses it to ask other ones.
    """
    if data is None and not enabled():
        return set()
    data = load() if data is None else data
    ids: set[str] = set()
    for entry in data["quizzes"].values():
        if not isinstance(entry, dict):
            continue
        answers, shown = entry.get("answers"), entry.get("questions")
        ids.update(str(i) for i in (answers if isinstance(answers, dict) else {}))
        ids.update(str(i) for i in (shown if isinstance(shown, list) else []))
    return ids


def record_check(exercise: str, score: float, max_score: float, manual_max: float = 0.0) -> None:
    """Remember a ``pmkit check`` result: the latest and the best autograded score of the exercise."""
    with _editing() as data:
        entry = data["checks"].setdefault(exercise, {"attempts": 0, "best": 0.0})
        entry.update(score=float(score), max_score=float(max_score), manual_max=float(manual_max), at=time.time())
        entry["attempts"] = int(entry.get("attempts", 0)) + 1
        entry["best"] = max(float(entry.get("best", 0.0)), float(score))


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _answers(data: dict[str, Any], chapter: str) -> dict[tuple[str, str], str]:
    """The learner's latest status for each question answered in a chapter: (quiz title, question id) -> status.

    An answer counts while its question is still one its quiz shows (a quiz drawn afresh drops old rows).
    """
    found: dict[tuple[str, str], str] = {}
    for entry in data["quizzes"].values():
        if not isinstance(entry, dict) or entry.get("chapter") != chapter:
            continue
        shown = entry.get("questions") if isinstance(entry.get("questions"), list) else []
        answers = entry.get("answers") if isinstance(entry.get("answers"), dict) else {}
        for qid, answer in answers.items():
            if qid in shown and isinstance(answer, dict):
                found[(str(entry.get("title")), qid)] = str(answer.get("status"))
    return found


def chapter_row(chapter: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """One chapter's progress: its checks answered ("done") and correct out of all it has (quizzes and turns).

    The total is the chapter's own (:mod:`pmkit.teach.chapter_checks`), the same before the first answer
    as after the last.
    """
    from pmkit.teach import chapter_checks

    data = load() if data is None else data
    total = chapter_checks.total(chapter)
    done, correct = chapter_checks.tally(chapter, _answers(data, chapter))
    status = "not started" if not done else "done" if done >= total else "started"
    return {"kind": "chapter", "name": chapter, "done": done, "out_of": total, "score": correct,
            "max_score": total, "status": status,
            "detail": f"{done} of {total} checks answered, {correct} correct"}


def summary(data: dict[str, Any] | None = None) -> pd.DataFrame:
    """One row per chapter and exercise: what is done, what is left and the score, in course order."""
    import pandas as pd

    data = load() if data is None else data
    rows = [chapter_row(chapter, data) for chapter in chapters()]
    for exercise in exercises():
        check = data["checks"].get(exercise)
        if not isinstance(check, dict):
            rows.append({"kind": "exercise", "name": exercise, "done": 0, "out_of": 1, "score": 0.0,
                         "max_score": 0.0, "status": "not started", "detail": "not checked yet"})
            continue
        best, top = _number(check.get("best")), _number(check.get("max_score"))
        passed = top > 0 and best >= top
        rows.append({"kind": "exercise", "name": exercise, "done": int(passed), "out_of": 1, "score": best,
                     "max_score": top, "status": "done" if passed else "started",
                     "detail": f"best {best:g} of {top:g} points in {int(_number(check.get('attempts')))} check(s)"})
    return pd.DataFrame(rows)


def chart(frame: pd.DataFrame | None = None) -> alt.Chart:
    """The score of every chapter and exercise as a bar, coloured by done, started or not started."""
    from pmkit.teach import charts

    alt = charts.altair()
    frame = summary() if frame is None else frame
    data = frame.assign(share=[s / m if m else 0.0 for s, m in zip(frame["score"], frame["max_score"],
                                                                     strict=True)],
                        label=[f"{k}: {n}" for k, n in zip(frame["kind"], frame["name"], strict=True)])
    done = (data["status"] == "done").sum()
    colours = alt.Scale(domain=list(STATUSES), range=[charts.PALETTE[2], charts.PALETTE[1], "#999999"])
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("share:Q", title="Score (share of points or questions correct)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("label:N", title=None, sort=list(data["label"])),
        color=alt.Color("status:N", scale=colours, legend=alt.Legend(title="Status", orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title="Part"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("detail:N", title="Score")])
    return charts.titled(bars, title=f"Your progress: {done} of {len(data)} parts done",
                         subtitle="Chapters score their checks; exercises their best pmkit check",
                         description=(f"A bar per chapter and exercise, {len(data)} in all, showing the share "
                                      f"correct; {done} done, {(data['status'] == 'started').sum()} started, "
                                      f"{(data['status'] == 'not started').sum()} not started."),
                         width=460, height=14 * len(data))


def text(frame: pd.DataFrame | None = None) -> str:
    """The summary as plain text for a terminal: done and left, with scores."""
    frame = summary() if frame is None else frame
    marks = {"done": "\u2714", "started": "\u2026", "not started": " "}
    lines = [f"Progress recorded in {store_path()}"]
    for kind, title in (("chapter", "Chapters (their checks)"), ("exercise", "Exercises (pmkit check)")):
        part = frame[frame["kind"] == kind]
        lines.append(f"\n{title}: {(part['status'] == 'done').sum()} of {len(part)} done")
        lines += [f"  [{marks[r.status]}] {r.name:<32} {r.status:<12} {r.detail}" for r in part.itertuples()]
    left = frame[frame["status"] != "done"]
    lines.append(f"\nLeft to do: {', '.join(left['name']) if len(left) else 'nothing, well done'}")
    return "\n".join(lines)


def show() -> None:
    """Display progress in a notebook (a table and a chart), or print it outside one."""
    from pmkit.teach import charts

    frame = summary()
    if not charts._in_kernel():
        print(text(frame))
        return
    from IPython.display import Markdown, display

    done, total = (frame["status"] == "done").sum(), len(frame)
    display(Markdown(f"**{done} of {total} parts done.** Recorded on this computer in `{store_path()}`; "
                     "it is yours alone and never counts towards a grade."))
    table = frame.rename(columns={"kind": "Part", "name": "Name", "status": "Status", "detail": "Score"})
    display(table[["Part", "Name", "Status", "Score"]].style.hide(axis="index"))
    display(chart(frame))


#: The "you are here" lines shown in this kernel, each with its chapter, kept current as answers arrive.
_HERE: list[tuple[str, Any]] = []


def _title(chapter: str) -> str:
    """A chapter's title: the first heading of its notebook ("The JPM"), else its name in words."""
    try:
        cells = json.loads((REPO_ROOT / "course" / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]
        first = "".join(cells[0]["source"]).splitlines()[0]
        if first.startswith("# "):
            return first[2:].strip()
    except (OSError, ValueError, KeyError, IndexError):
        pass
    return chapter.split("-", 1)[-1].replace("-", " ").capitalize()


def place(chapter: str) -> str:
    """The chapter's place in the course: "Chapter 03 (The Junior Product Manager), the 4th of 14 chapters.".

    The chapters are numbered from 00, so the place is said as an ordinal: "Chapter 4 of 14" beside a
    notebook named 03 reads as a mistake.
    """
    names = chapters()
    stem = current_chapter(chapter)
    if stem not in names:
        raise KeyError(f"no chapter {chapter!r}; the chapters are {', '.join(n[:2] for n in names)}")
    return f"Chapter {stem[:2]} ({_title(stem)}), the {_ordinal(names.index(stem) + 1)} of {len(names)} chapters."


def _ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def where(chapter: str, data: dict[str, Any] | None = None) -> str:
    """Where a learner is, in words.

    "Chapter 03 (The JPM), the 4th of 14 chapters. Checks here: 3 of 10 answered, 2 correct."
    """
    position = place(chapter)  # raises for a chapter the course does not have
    if not enabled():  # a test run's kernel: nothing is recorded, so no count is shown (nor any data read)
        return f"{position} Your checks are recorded when JupyterLab runs this chapter."
    row = chapter_row(current_chapter(chapter), data)
    if not row["out_of"]:
        return f"{position} This chapter has no checks to answer."
    return (f"{position} Checks in this chapter: {row['done']} of {row['out_of']} answered, "
            f"{row['score']} correct.")


def _here_html(chapter: str, data: dict[str, Any] | None = None) -> str:
    from pmkit.teach import display

    return (f'<p class="pmkit-here"><b>You are here:</b> {display.html_text(where(chapter, data))} '
            f"Your whole course, chapters and exercises: run <code>pmkit progress</code> in a terminal.</p>")


def _refresh_here(data: dict[str, Any]) -> None:
    """Bring every "you are here" line in this kernel up to date (after an answer was recorded)."""
    for chapter, shown in _HERE:
        try:
            shown.value = _here_html(chapter, data)
        except (KeyError, ValueError):
            continue


def here(chapter: str) -> Any:
    """A cell of its own (chapter 00's last): the chapter's place and how many of its checks are done, kept current.

    ``chapter`` is the notebook's number ("03"); JupyterLab's session names it too. The line updates
    itself each time the learner answers a check in this chapter. Other chapters show the same line at
    the foot of their chapter quiz (:func:`line`).
    """
    return _Here(line(chapter), place(chapter))


def line(chapter: str) -> Any:
    """The live "you are here" line as a widget, for the foot of a chapter's final check (its chapter quiz).

    It is registered so that every answer the learner records in this kernel brings it up to date.
    """
    import ipywidgets as w

    shown = w.HTML(_here_html(chapter))
    _HERE.append((chapter, shown))
    return shown


class _Here:
    """The "you are here" widget, whose plain text is the chapter alone (the same in every run, for nbval)."""

    def __init__(self, widget: Any, text: str) -> None:
        self.widget, self.text = widget, text

    @property
    def value(self) -> str:
        """The line's current HTML."""
        return self.widget.value

    def __repr__(self) -> str:
        return self.text

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data = self.widget._repr_mimebundle_(**kwargs)
        data["text/plain"] = self.text
        return data
