"""Reading returned peer reviews WITHOUT running them, and storing them in ``reviews.csv``.

Returned notebooks are filed by :mod:`pmkit.cohort.collect`'s rules (names, LMS downloads, zips, size caps,
links refused), from a folder or zip or from learners' hub homes. Each is read with the safe notebook
reader; the ``scores_X`` and ``comment_X`` assignments are found with :mod:`ast` and read with
``ast.literal_eval`` only, so code posing as a score is reported, never run. A bad file or review is its own
line in the report, by file and slot; the others are stored all the same.
"""

from __future__ import annotations

import datetime as dt
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.cohort.collect import Candidate, CollectReport, file_candidates, file_submissions
from pmkit.cohort.peer_review import (
    FOLDER,
    check_exercise,
    csv_text,
    earlier_tokens,
    folder,
    notebook_name,
    notebook_token,
    read_assignments,
    read_tokens,
)
from pmkit.errors import NotebookUnreadable, PmkitError
from pmkit.exercises.peer_review import review_problems, rubric
from pmkit.exercises.review_reader import NotLiteral, cell_source, review_values
from pmkit.files import file_digest, file_time, open_regular, write_text_atomic
from pmkit.notebooks import MAX_NOTEBOOK_BYTES, load_json, markdown_cell, shape_problem
from pmkit.textio import printable

if TYPE_CHECKING:
    from pmkit.cohort.folder import Cohort

#: The most characters of one comment kept and shown to its author.
MAX_COMMENT_CHARS = 4000


@dataclass
class ReviewReport:
    """What collecting reviews did: files filed, reviews stored, and every review that could not be."""

    filed: CollectReport | None
    stored: list[str] = field(default_factory=list)  # "ana: A, B"
    problems: list[str] = field(default_factory=list)  # "<file>: slot A: ..."
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    path: Path = Path()

    @property
    def failed(self) -> bool:
        """True when a file was refused or a review could not be read: the instructor has work to do."""
        return bool(self.problems or (self.filed and self.filed.failed))

    def lines(self) -> list[str]:
        """A readable account; learner-chosen text is printed with control characters escaped."""
        out = [f"files: {line}" for line in (self.filed.lines() if self.filed else [])]
        out.append(f"reviews stored in {self.path}: {len(self.stored)} reviewer(s)"
                   + (f" ({'; '.join(self.stored)})" if self.stored else ""))
        if self.missing:
            out.append(f"no review back from: {', '.join(self.missing)}")
        out.extend(f"not stored: {line}" for line in self.problems)
        out.extend(f"note: {line}" for line in self.notes)
        return [printable(line) for line in out]


def hub_candidates(homes: dict[str, Path], exercise: str) -> list[Candidate]:
    """The review notebooks in learners' hub homes (``peer-review/<exercise>-peer-review.ipynb``), unread.

    A learner can put anything in their home: a link (to another learner's file, say) is refused, never followed;
    a pipe swapped in later is refused when opened (:func:`open_regular`), any modification time reads (clamped),
    and whatever else goes wrong in one home is that learner's line in the report, never the end of the others.
    """
    found = []
    for learner, home in sorted(homes.items()):
        try:
            found.extend(_home_candidates(learner, Path(home), exercise))
        except Exception as error:  # one learner's home never stops the others
            found.append(Candidate(f"{learner}/{notebook_name(exercise)}", 0, _now(), None,
                                   f"{Path(home) / FOLDER} could not be read ({type(error).__name__}: "
                                   f"{str(error)[:200]})"))
    return found


def _home_candidates(learner: str, home: Path, exercise: str) -> list[Candidate]:
    name = notebook_name(exercise)
    shown = f"{learner}/{name}"
    for path in (home / FOLDER, home / FOLDER / name):
        try:
            info = path.lstat()
        except FileNotFoundError:
            return []
        except OSError as error:  # "peer-review" is a file, or cannot be read
            return [Candidate(shown, 0, _now(), None, f"{path} cannot be read ({error.strerror or error})")]
        if stat.S_ISLNK(info.st_mode):
            return [Candidate(shown, 0, _now(), None, f"{path} is a symbolic link in the learner's home; links are "
                                                      "not followed (ask them to save the file itself there)")]
        if path.name == name:
            if not stat.S_ISREG(info.st_mode):
                return [Candidate(shown, 0, _now(), None, f"{path} is not a regular file")]
            return [Candidate(shown, info.st_size, file_time(info.st_mtime),
                              lambda p=path: open_regular(p, follow_links=False),
                              time_source="the file's modification time in the learner's home")]
    return []


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Issued:
    """What was handed out: the reviewer a notebook is filed for, every current token, and earlier ones."""

    reviewer: str
    tokens: dict[str, str]  # reviewer -> token, this assignment
    earlier: frozenset[str] = frozenset()  # tokens of assignments replaced with --force


def ownership_problem(data: Any, issued: Issued, shown: dict[str, str | None]) -> str:
    """Why this notebook is not the one handed to ``issued.reviewer`` in this assignment, or ''.

    Its token (in the notebook's metadata) must be the reviewer's, and the PRDs it shows must be those handed
    out: otherwise its slots would be stored against authors the reviewer never read.
    """
    mine = issued.tokens.get(issued.reviewer)
    if mine is not None:
        token = notebook_token(data)
        if token is None:
            return ("has no review token in its metadata, so it is not the notebook handed to "
                    f"{issued.reviewer} (from an earlier assignment, or rebuilt by hand); not stored: ask them to "
                    "review in the notebook handed out now")
        if token != mine:
            if token in issued.earlier:
                why = ("is from an earlier assignment (its slots are PRDs of other authors than those assigned "
                       "now)")
            elif token in issued.tokens.values():
                why = f"is not this reviewer's: it is the notebook handed to another learner, not {issued.reviewer}"
            else:
                why = "carries a token of no assignment (from an earlier assignment, or not this reviewer's)"
            return f"{why}; not stored: {issued.reviewer} should review in the notebook handed to them now"
    cells = data.get("cells")
    for slot, text in sorted(shown.items()):
        if text is None:
            continue
        cell = markdown_cell(cells, f"prd-{slot}")
        if cell is None or cell_source(cell) != text:
            return (f"its PRD {slot} (cell 'prd-{slot}') is {'missing' if cell is None else 'not the text handed out'}"
                    ", so its reviews cannot be tied to their authors; not stored: ask the reviewer to review in the "
                    "notebook handed out, without changing the PRDs")
    return ""


def read_review(path: Path, slots: dict[str, str], shown: dict[str, str | None], exercise: str,
                max_bytes: int = MAX_NOTEBOOK_BYTES, issued: Issued | None = None
                ) -> tuple[dict[str, tuple[dict[str, Any], str]], list[str], list[str]]:
    """One returned review notebook: per slot its scores and comment, the problems (by slot) and notes.

    With ``issued``, a notebook that is not the one handed to that reviewer now is refused whole, saying why.
    """
    try:
        data = load_json(path, max_bytes=max_bytes)
    except NotebookUnreadable as error:
        return {}, [error.reason], []
    problem = shape_problem(data)
    if problem:
        return {}, [problem], []
    problem = ownership_problem(data, issued, shown) if issued is not None else ""
    if problem:
        return {}, [problem], []
    wanted = {f"{kind}_{slot}" for slot in slots for kind in ("scores", "comment")}
    values, unreadable = review_values(data, wanted)
    reviews: dict[str, tuple[dict[str, Any], str]] = {}
    problems, notes = [], []
    criteria = rubric(exercise)
    for slot in sorted(slots):
        scores, comment = values.get(f"scores_{slot}", Ellipsis), values.get(f"comment_{slot}", Ellipsis)
        bad = [v.why for v in (scores, comment) if isinstance(v, NotLiteral)]
        if bad:
            problems.append(f"slot {slot}: " + "; ".join(bad))
            continue
        if f"scores_{slot}" not in values:
            why = "; ".join(unreadable) if unreadable else f"the review cell of PRD {slot} was deleted or renamed"
            problems.append(f"slot {slot}: no scores_{slot} found ({why})")
            continue
        status, found = review_problems(slot, scores, comment, shown.get(slot), exercise)
        score_issues = [p for p in found if p.startswith(f"scores_{slot}") or p.startswith("give ")]
        if status == "not_attempted" or score_issues:
            problems.append(f"slot {slot}: " + ("not reviewed (the scores are still ...)" if status == "not_attempted"
                                                else "; ".join(found)))
            continue
        text = comment if isinstance(comment, str) else ""
        if len(text) > MAX_COMMENT_CHARS:
            text = text[:MAX_COMMENT_CHARS] + f" [cut: only the first {MAX_COMMENT_CHARS} characters are kept]"
        if found:
            notes.append(f"slot {slot}: stored, but " + "; ".join(found))
        reviews[slot] = ({c.key: scores[c.key] for c in criteria}, text)
    return reviews, problems, notes


def collect(cohort: Cohort, exercise: str = "prd", source: Path | None = None, homes: dict[str, Path] | None = None,
            max_bytes: int = MAX_NOTEBOOK_BYTES) -> ReviewReport:
    """File returned review notebooks (from a folder or zip, or from hub homes), then read every one filed.

    One bad file or review is its own line in the report; the others are read and stored all the same.
    """
    check_exercise(cohort, exercise)
    assignments = read_assignments(cohort.root, exercise)
    base = folder(cohort.root, exercise)
    stem = notebook_name(exercise).removesuffix(".ipynb")
    people = cohort.people()
    filed = None
    if source is not None:
        filed = file_submissions(Path(source), base / "returned", stem, people, None, max_bytes)
    elif homes is not None:
        filed = file_candidates(hub_candidates(homes, exercise), base / "returned", stem, people, max_bytes)
    if filed is not None:
        filed.missing = []  # who owes a review is said below, against the assignments
    report = ReviewReport(filed, path=base / "reviews.csv")
    by_reviewer: dict[str, dict[str, str]] = {}
    for reviewer, slot, author in assignments:
        by_reviewer.setdefault(reviewer, {})[slot] = author
    criteria = rubric(exercise)
    tokens = read_tokens(cohort.root, exercise)
    earlier = frozenset(earlier_tokens(cohort.root, exercise))
    rows = []
    for reviewer, slots in sorted(by_reviewer.items()):
        returned = base / "returned" / reviewer / stem / f"{stem}.ipynb"
        sent = base / "outbox" / reviewer / notebook_name(exercise)
        if not returned.is_file():
            report.missing.append(reviewer)
            continue
        if sent.is_file() and file_digest(sent) == file_digest(returned):
            report.missing.append(f"{reviewer} (returned the notebook unchanged)")
            continue
        shown = _shown(sent, slots)
        label = f"{returned.relative_to(cohort.root)} ({reviewer})"
        try:
            reviews, problems, notes = read_review(returned, slots, shown, exercise, max_bytes,
                                                   Issued(reviewer, tokens, earlier))
        except Exception as error:  # one notebook's failure is its own line, never the end of the others
            reviews, problems, notes = {}, [f"could not be read ({type(error).__name__}: {str(error)[:200]})"], []
        report.problems.extend(f"{label}: {p}" for p in problems)
        report.notes.extend(f"{label}: {n}" for n in notes)
        if reviews:
            report.stored.append(f"{reviewer}: {', '.join(sorted(reviews))}")
        for slot, (scores, comment) in sorted(reviews.items()):
            rows.append([reviewer, slot, slots[slot], *(_number(scores[c.key]) for c in criteria), comment])
    header = ["reviewer", "slot", "author", *(c.key for c in criteria), "comment"]
    write_text_atomic(report.path, csv_text(header, rows))
    return report


def _number(value: Any) -> str:
    return f"{float(value):g}"


def _shown(sent: Path, slots: dict[str, str]) -> dict[str, str | None]:
    """The answers as the reviewer was shown them (in the notebook pmkit wrote), per slot."""
    try:
        cells = load_json(sent).get("cells", [])
    except (PmkitError, OSError):
        return {}
    out: dict[str, str | None] = {}
    for slot in slots:
        cell = markdown_cell(cells, f"prd-{slot}")
        out[slot] = cell_source(cell) if cell is not None else None
    return out


