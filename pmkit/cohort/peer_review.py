"""Optional peer review of a written answer (the PRD) in a cohort: assign, collect the reviews, give feedback.

Everything lives in ``<cohort>/peer-review/<exercise>/``:

- ``assignments.csv``: who reviews whose answer, as slot letters (reviewer, slot, author); private.
- ``outbox/<learner>/<exercise>-peer-review.ipynb``: each reviewer's notebook: the rubric (from its data
  file) and each peer's answer anonymised and made inert (:mod:`pmkit.cohort.learner_markdown`), with a
  ``scores_A = {...}`` / ``comment_A = ...`` cell per slot that ``peer_review.check`` answers in the kernel.
- ``returned/``: returned notebooks, filed by :mod:`pmkit.cohort.collect`'s rules (names, zips, size caps).
- ``reviews.csv``: each review read WITHOUT running the notebook (``ast`` and ``ast.literal_eval`` only).
- ``feedback/<learner>.html``: what peers said, anonymous; ``summary.csv``: per author, the peer mean per
  criterion beside the instructor's manual score from the gradebook.

Peer scores are feedback only: the grade is the instructor's manual score in Formgrader, with the same rubric.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import datetime as dt
import io
import os
import random
import shutil
import stat
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.cohort.collect import Candidate, CollectReport, file_candidates, file_submissions
from pmkit.errors import NotebookUnreadable, PmkitError
from pmkit.exercises.peer_review import NOTEBOOK, PEER_REVIEWED, Criterion, review_problems, rubric
from pmkit.files import file_digest, write_text_atomic
from pmkit.notebooks import MAX_NOTEBOOK_BYTES, load_json, markdown_answer, shape_problem
from pmkit.textio import printable, spreadsheet_safe

if TYPE_CHECKING:
    from pmkit.cohort.folder import Cohort

FOLDER = "peer-review"
#: The most characters of one code cell read for a review; a review cell is a few hundred.
MAX_CELL_CHARS = 100_000
#: The most characters of one comment kept and shown to its author.
MAX_COMMENT_CHARS = 4000
#: Peer and instructor totals this far apart are flagged for the instructor to look at.
DISAGREEMENT = 2.0


def folder(root: Path, exercise: str) -> Path:
    """Where an exercise's peer review lives in a cohort folder."""
    return Path(root) / FOLDER / exercise


def notebook_name(exercise: str) -> str:
    """The review notebook's file name (also its name in a learner's home)."""
    return NOTEBOOK.format(exercise=exercise)


def _check(cohort: Cohort, exercise: str) -> None:
    cohort._check_exercise(exercise)
    if exercise not in PEER_REVIEWED:
        raise PmkitError(f"{exercise!r} has no peer review (no rubric as data); peer review is for: "
                         f"{', '.join(PEER_REVIEWED)}")


# --- assign ------------------------------------------------------------------------------------------------------


@dataclass
class AssignReport:
    """Who reviews whose answer, and which learners take no part and why."""

    assignments: dict[str, list[str]]  # reviewer -> authors, in slot order (A, B, ...)
    skipped: list[str] = field(default_factory=list)  # "cy: prd.ipynb is not valid JSON ..."
    absent: list[str] = field(default_factory=list)  # learners with no submission
    folder: Path = Path()

    def lines(self) -> list[str]:
        """What the instructor reads: counts, where the notebooks are, who takes no part and why."""
        out = [f"{len(self.assignments)} reviewers, each with {len(next(iter(self.assignments.values())))} PRDs of "
               f"others; notebooks in {self.folder / 'outbox'}; who reviews whom: {self.folder / 'assignments.csv'} "
               "(keep it private)"]
        if self.absent:
            out.append(f"no submission, not taking part: {', '.join(self.absent)}")
        out.extend(f"skipped {line}" for line in self.skipped)
        return [printable(line) for line in out]


def submitted_answers(cohort: Cohort, exercise: str) -> tuple[dict[str, str], list[str], list[str]]:
    """Each learner's written answer, read safely from their submission; who was skipped and why; who is absent."""
    answer_id = PEER_REVIEWED[exercise][0]
    submissions = cohort.submissions(exercise)
    answers: dict[str, str] = {}
    skipped: list[str] = []
    absent: list[str] = []
    for learner in cohort.learner_ids():
        path = submissions.get(learner)
        if path is None:
            absent.append(learner)
            continue
        where = f"{learner}: {path.relative_to(cohort.root)}"
        try:
            data = load_json(path)
        except NotebookUnreadable as error:
            skipped.append(f"{where}: {error.reason}")
            continue
        problem = shape_problem(data)
        if problem:
            skipped.append(f"{where}: {problem}")
            continue
        text = markdown_answer(data["cells"], answer_id)
        if text is None:
            skipped.append(f"{where}: its answer cell {answer_id!r} is missing, empty or unchanged; nothing to review")
            continue
        answers[learner] = text
    return answers, skipped, absent


def rotation(learners: list[str], reviews: int, seed: int) -> dict[str, list[str]]:
    """Each learner's ``reviews`` peers: a seeded shuffle, then the next ``reviews`` along the circle.

    Nobody reviews their own answer and every answer is reviewed exactly ``reviews`` times.
    """
    if reviews < 1 or reviews > len(string.ascii_uppercase):
        raise PmkitError(f"--reviews {reviews}: give a number from 1 to {len(string.ascii_uppercase)}")
    if len(learners) < reviews + 1:
        raise PmkitError(f"{len(learners)} answer(s) can be reviewed; {reviews} review(s) each needs at least "
                         f"{reviews + 1} (nobody reviews their own); lower --reviews or collect more submissions")
    order = sorted(learners)
    random.Random(seed).shuffle(order)
    return {order[i]: [order[(i + j) % len(order)] for j in range(1, reviews + 1)] for i in range(len(order))}


def _private_names(cohort: Cohort) -> dict[str, tuple[list[str], list[str]]]:
    """Per learner, what would name them: (id, full name, e-mail) any case, and (first, last name) as written."""
    from pmkit.grading.gradebook import gradebook

    out = {}
    with gradebook(cohort.db_url) as book:
        for student in book.students:
            first, last = student.first_name or "", student.last_name or ""
            loose = [student.id, f"{first} {last}".strip(), f"{last} {first}".strip(), student.email or ""]
            out[student.id] = ([n for n in loose if n], [n for n in (first, last) if len(n) >= 3])
    return out


def assign(cohort: Cohort, exercise: str = "prd", reviews: int = 2, seed: int = 1,
           force: bool = False) -> AssignReport:
    """Assign each learner with an answer ``reviews`` answers of others and write their review notebooks.

    Refuses to replace earlier assignments unless ``force``; then the earlier folder is kept beside the new
    one, renamed with the time, so returned reviews are never lost.
    """
    from pmkit.cohort.learner_markdown import inert

    _check(cohort, exercise)
    target = folder(cohort.root, exercise)
    if (target / "assignments.csv").exists() and not force:
        raise PmkitError(f"{target / 'assignments.csv'} exists: peer review of {exercise} is already assigned "
                         "(learners may have their notebooks); give --force to assign again (the earlier folder is "
                         "kept, renamed)")
    answers, skipped, absent = submitted_answers(cohort, exercise)
    plan = rotation(list(answers), reviews, seed)
    names = _private_names(cohort)
    criteria = rubric(exercise)
    new = target.with_name(f".{exercise}.new")
    shutil.rmtree(new, ignore_errors=True)
    (new / "outbox").mkdir(parents=True)
    rows = []
    for reviewer, authors in sorted(plan.items()):
        slots = []
        for letter, author in zip(string.ascii_uppercase, authors, strict=False):
            loose, exact = names.get(author, ([author], []))
            slots.append((letter, inert(answers[author], redacted=loose, exact=exact)))
            rows.append((reviewer, letter, author))
        (new / "outbox" / reviewer).mkdir()
        write_text_atomic(new / "outbox" / reviewer / notebook_name(exercise), review_notebook(exercise, slots,
                                                                                              criteria))
    write_text_atomic(new / "assignments.csv", _csv(["reviewer", "slot", "author"], rows))
    if target.exists():
        target.rename(target.with_name(f"{exercise}.replaced-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"))
    new.rename(target)
    return AssignReport(plan, skipped, absent, target)


def _csv(header: list[str], rows: list[Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[spreadsheet_safe(c) for c in row] for row in rows])
    return out.getvalue()


def _rubric_markdown(criteria: list[Criterion]) -> str:
    lines = ["| key | criterion | points | look at |", "|---|---|---|---|"]
    for c in criteria:
        where = ", ".join(s.replace("_", "-") for s in c.sections)
        lines.append(f"| `{c.key}` | {c.text} | {c.points} | {where} |")
    total = sum(c.points for c in criteria)
    return "\n".join(lines) + f"\n\n{len(criteria)} criteria, {total} points in all."


def review_notebook(exercise: str, slots: list[tuple[str, str]], criteria: list[Criterion]) -> str:
    """A reviewer's notebook: one H1, objectives, time, the rubric, then each peer's answer and a review cell."""
    import nbformat
    from nbformat import v4

    from pmkit import notebooks

    count = {1: "one PRD", 2: "two PRDs", 3: "three PRDs"}.get(len(slots), f"{len(slots)} PRDs")
    minutes = 15 * len(slots)
    cells = [v4.new_markdown_cell(
        f"# Peer review: {count} from your cohort\n\n"
        f"You read {count} written by others in your cohort for the *Write a PRD* exercise and review each "
        "with the rubric your instructor grades with. Names are removed: the authors do not know who you are, "
        "and you do not know whose PRD you read.\n\n"
        "**Learning objectives.** Judge a PRD against a rubric, criterion by criterion, and write feedback an "
        "author can act on: what works, what to improve, and where in the PRD.\n\n"
        f"**Estimated time:** {minutes} minutes\n\n"
        "**How this works.** Run the first code cell. Under each PRD, give each criterion 1 if the PRD meets it "
        "and 0 if it does not, write a comment, and run the cell: it says whether your review is ready to hand "
        "back. Then save the notebook (Ctrl+S); your instructor collects it.\n\n"
        "**What your review does.** Each author sees your scores and comments without your name (so do not sign "
        "them). Peer scores are feedback only: they never change anyone's grade. Your instructor grades every "
        "PRD in Formgrader with the same rubric.", id="intro")]
    cells.append(v4.new_code_cell("# Just run this cell: it loads the check that reads your reviews.\n"
                                  "from pmkit import peer_review", id="setup"))
    cells.append(v4.new_markdown_cell("## The rubric\n\n" + _rubric_markdown(criteria), id="rubric"))
    width = max(len(c.key) for c in criteria) + 4
    for letter, shown in slots:
        cells.append(v4.new_markdown_cell(f"## PRD {letter}\n\n{shown}", id=f"prd-{letter}"))
        lines = [f"# Your review of PRD {letter}: 1 if it meets the criterion, 0 if not (the rubric is above).",
                 f"scores_{letter} = {{"]
        lines += [f"    {f'{chr(34)}{c.key}{chr(34)}: ...,':<{width + 6}}# {c.text}" for c in criteria]
        lines += ["}",
                  f"comment_{letter} = ...  # in quotes: what works, what to improve, and where in PRD {letter}",
                  f'peer_review.check("{letter}", scores_{letter}, comment_{letter})']
        cells.append(v4.new_code_cell("\n".join(lines), id=f"review-{letter}"))
    cells.append(v4.new_markdown_cell(
        "## Hand it back\n\nWhen every check above says *Ready to hand back*, save the notebook (Ctrl+S). On the "
        "course's hub your instructor collects it from your home folder; otherwise hand in this file the way "
        "your instructor asks.", id="hand-back"))
    for cell in cells:
        if cell.cell_type == "markdown":
            cell.metadata.update({"editable": False, "deletable": False})
    nb = v4.new_notebook(cells=cells)
    return notebooks.dumps(notebooks.clean(nbformat.from_dict(nb)))


def read_assignments(root: Path, exercise: str) -> list[tuple[str, str, str]]:
    """The private assignments (reviewer, slot, author), or an error saying to assign first."""
    path = folder(root, exercise) / "assignments.csv"
    if not path.is_file():
        raise PmkitError(f"{path}: no peer review of {exercise} assigned yet; run `pmkit cohort peer-review assign "
                         f"--exercise {exercise}` first")
    with open(path, encoding="utf-8", newline="") as stream:
        return [(r["reviewer"], r["slot"], r["author"]) for r in csv.DictReader(stream)]


# --- collect -----------------------------------------------------------------------------------------------------


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

    A learner can put anything in their home: a link (to another learner's file, say) is refused, never followed.
    """
    name = notebook_name(exercise)
    found = []
    for learner, home in sorted(homes.items()):
        shown = f"{learner}/{name}"
        for path in (Path(home) / FOLDER, Path(home) / FOLDER / name):
            try:
                info = path.lstat()
            except FileNotFoundError:
                break
            if stat.S_ISLNK(info.st_mode):
                found.append(Candidate(shown, 0, _now(), None, f"{path} is a symbolic link in the learner's home; "
                                                               "links are not followed (ask them to save the file "
                                                               "itself there)"))
                break
            if path.name == name:
                if not stat.S_ISREG(info.st_mode):
                    found.append(Candidate(shown, 0, _now(), None, f"{path} is not a regular file"))
                else:
                    found.append(Candidate(shown, info.st_size, dt.datetime.fromtimestamp(info.st_mtime, dt.UTC),
                                           lambda p=path: os.fdopen(os.open(p, os.O_RDONLY | os.O_NOFOLLOW), "rb"),
                                           time_source="the file's modification time in the learner's home"))
    return found


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


class _NotLiteral:
    """A review value that pmkit does not read: said why, never run."""

    def __init__(self, why: str) -> None:
        self.why = why


def review_values(data: Any, names: set[str]) -> tuple[dict[str, Any], list[str]]:
    """The values assigned to ``names`` at the top level of the notebook's code cells, read without running them.

    The last assignment wins, as it would running the cells in order. Anything but a literal (a call, a name, an
    expression) becomes a :class:`_NotLiteral` saying where; cells that are not Python are listed.
    """
    values: dict[str, Any] = {}
    unreadable: list[str] = []
    for index, cell in enumerate(data.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = _cell_source(cell)
        where = f"cell {index + 1}" + (f" ({str(cell.get('id'))[:40]!r})" if cell.get("id") else "")
        if not any(name in source for name in names):
            continue
        if len(source) > MAX_CELL_CHARS:
            unreadable.append(f"{where} has {len(source):,} characters (a review cell has a few hundred); not read")
            continue
        lines = ["# " + line if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
        try:
            tree = ast.parse("\n".join(lines))
        except Exception as error:  # SyntaxError, ValueError, RecursionError, MemoryError: the learner's text
            line = getattr(error, "lineno", None)
            unreadable.append(f"{where} is not valid Python{f' (line {line})' if line else ''}: "
                              f"{type(error).__name__}: {str(getattr(error, 'msg', error))[:120]}")
            continue
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                target, value = statement.target, statement.value
            else:
                continue
            if not isinstance(target, ast.Name) or target.id not in names:
                continue
            try:
                values[target.id] = ast.literal_eval(value)
            except Exception:  # ValueError, TypeError, RecursionError, MemoryError: never run, only reported
                segment = (ast.get_source_segment("\n".join(lines), value) or "")[:60].replace("\n", " ")
                values[target.id] = _NotLiteral(
                    f"{target.id} in {where}, line {statement.lineno}, is `{segment}`, which is not written out as "
                    "plain values; pmkit reads reviews without running them, so write the numbers and the "
                    "comment themselves")
    return values, unreadable


def read_review(path: Path, slots: dict[str, str], shown: dict[str, str | None], exercise: str,
                max_bytes: int = MAX_NOTEBOOK_BYTES) -> tuple[dict[str, tuple[dict[str, Any], str]], list[str],
                                                               list[str]]:
    """One returned review notebook: per slot its scores and comment, the problems (by slot) and notes."""
    try:
        data = load_json(path, max_bytes=max_bytes)
    except NotebookUnreadable as error:
        return {}, [error.reason], []
    problem = shape_problem(data)
    if problem:
        return {}, [problem], []
    wanted = {f"{kind}_{slot}" for slot in slots for kind in ("scores", "comment")}
    values, unreadable = review_values(data, wanted)
    reviews: dict[str, tuple[dict[str, Any], str]] = {}
    problems, notes = [], []
    criteria = rubric(exercise)
    for slot in sorted(slots):
        scores, comment = values.get(f"scores_{slot}", Ellipsis), values.get(f"comment_{slot}", Ellipsis)
        bad = [v.why for v in (scores, comment) if isinstance(v, _NotLiteral)]
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
    _check(cohort, exercise)
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
            reviews, problems, notes = read_review(returned, slots, shown, exercise, max_bytes)
        except Exception as error:  # one notebook's failure is its own line, never the end of the others
            reviews, problems, notes = {}, [f"could not be read ({type(error).__name__}: {str(error)[:200]})"], []
        report.problems.extend(f"{label}: {p}" for p in problems)
        report.notes.extend(f"{label}: {n}" for n in notes)
        if reviews:
            report.stored.append(f"{reviewer}: {', '.join(sorted(reviews))}")
        for slot, (scores, comment) in sorted(reviews.items()):
            rows.append([reviewer, slot, slots[slot], *(_number(scores[c.key]) for c in criteria), comment])
    write_text_atomic(report.path, _csv(["reviewer", "slot", "author", *(c.key for c in criteria), "comment"], rows))
    return report


def _number(value: Any) -> str:
    return f"{float(value):g}"


def _shown(sent: Path, slots: dict[str, str]) -> dict[str, str | None]:
    """The answers as the reviewer was shown them (in the notebook pmkit wrote), per slot."""
    from pmkit.notebooks import markdown_cell

    try:
        cells = load_json(sent).get("cells", [])
    except (PmkitError, OSError):
        return {}
    out: dict[str, str | None] = {}
    for slot in slots:
        cell = markdown_cell(cells, f"prd-{slot}")
        out[slot] = _cell_source(cell) if cell is not None else None
    return out


# --- feedback ----------------------------------------------------------------------------------------------------


@dataclass
class FeedbackReport:
    """The pages written, the instructor's summary, and where peers and the instructor's grade disagree."""

    pages: list[Path]
    summary: Path
    lines: list[str]


def read_reviews(root: Path, exercise: str) -> list[dict[str, str]]:
    """The stored reviews (pmkit's own CSV), or an error saying to collect first."""
    path = folder(root, exercise) / "reviews.csv"
    if not path.is_file():
        raise PmkitError(f"{path}: no reviews collected yet; run `pmkit cohort peer-review collect --exercise "
                         f"{exercise}` first")
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _unsafe(cell: str) -> str:
    """A CSV cell as written before :func:`spreadsheet_safe` (a leading ``'`` it added taken back off)."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t", "\r", "\n") else cell


def manual_scores(db_url: str, exercise: str, learners: list[str]) -> dict[str, float | None]:
    """The instructor's manual score of the written answer per learner (nbgrader's Grade.manual_score), or None."""
    from nbgrader.api import MissingEntry

    from pmkit.grading.gradebook import gradebook

    answer_id = PEER_REVIEWED[exercise][0]
    out: dict[str, float | None] = {}
    with gradebook(db_url) as book:
        for learner in learners:
            try:
                grade = book.find_grade(answer_id, exercise, exercise, learner)
            except MissingEntry:
                out[learner] = None
                continue
            out[learner] = None if grade.manual_score is None else float(grade.manual_score)
    return out


def feedback(cohort: Cohort, exercise: str = "prd") -> FeedbackReport:
    """Write each author's page of what peers said, and the instructor's summary beside their own grading."""
    import hashlib

    from pmkit.cohort import html_pages as pages
    from pmkit.cohort.learner_markdown import redact

    _check(cohort, exercise)
    authors = sorted({author for _, _, author in read_assignments(cohort.root, exercise)})
    reviews = read_reviews(cohort.root, exercise)
    criteria = rubric(exercise)
    total = sum(c.points for c in criteria)
    manual = manual_scores(cohort.db_url, exercise, authors)
    names = _private_names(cohort)  # a reviewer who signed their comment is not named to its author
    base = folder(cohort.root, exercise)
    (base / "feedback").mkdir(parents=True, exist_ok=True)
    written, rows, lines = [], [], []
    generated = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    for author in authors:
        mine = [r for r in reviews if r["author"] == author]
        # Peers are numbered in an order that follows neither the reviewers' ids nor the assignment.
        mine.sort(key=lambda r: hashlib.sha256(f"{r['reviewer']}\0{author}\0{exercise}".encode()).hexdigest())
        peers = [{"label": f"Peer {n}", "scores": {c.key: float(r[c.key]) for c in criteria},
                  "comment": redact(_unsafe(r["comment"]), *names.get(r["reviewer"], ([r["reviewer"]], [])))}
                 for n, r in enumerate(mine, start=1)]
        page = pages.render("peer_review.html.j2", exercise=exercise, criteria=criteria, peers=peers, total=total,
                            generated=generated)
        target = base / "feedback" / f"{author}.html"
        write_text_atomic(target, page)
        written.append(target)
        means = {c.key: (sum(p["scores"][c.key] for p in peers) / len(peers)) if peers else None for c in criteria}
        peer_total = sum(v for v in means.values() if v is not None) if peers else None
        score = manual.get(author)
        gap = None if peer_total is None or score is None else round(peer_total - score, 2)
        rows.append([author, len(peers), *(_fmt(means[c.key]) for c in criteria), _fmt(peer_total), _fmt(score),
                     _fmt(gap)])
        if gap is not None and abs(gap) >= DISAGREEMENT:
            lines.append(f"{author}: peers gave {peer_total:g} of {total} on average, your grade is {score:g}: "
                         f"look again at {author}'s PRD in Formgrader")
    summary = base / "summary.csv"
    header = ["author", "peer_reviews", *(f"peer_mean_{c.key}" for c in criteria), "peer_mean_total",
              f"instructor_{PEER_REVIEWED[exercise][0]}", "peer_minus_instructor"]
    write_text_atomic(summary, _csv(header, rows))
    return FeedbackReport(written, summary, lines)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{round(value, 2):g}"


# --- the hub -----------------------------------------------------------------------------------------------------


def deliver(root: Path, learner: str, home: Path) -> list[Path]:
    """Put a learner's review notebook (once, never over theirs) and their peers' feedback page in their home.

    ``home/peer-review/<exercise>-peer-review.ipynb`` is written only if nothing is there yet, so a learner's
    work is never replaced; ``<exercise>-peer-feedback.html`` is replaced whenever there is a newer one.
    A link the learner put in the way is never written through.
    """
    written = []
    for exercise in PEER_REVIEWED:
        base = folder(root, exercise)
        notebook = base / "outbox" / learner / notebook_name(exercise)
        page = base / "feedback" / f"{learner}.html"
        if not notebook.is_file() and not page.is_file():
            continue
        target_dir = Path(home) / FOLDER
        if target_dir.is_symlink() or (target_dir.exists() and not target_dir.is_dir()):
            continue
        target_dir.mkdir(parents=True, exist_ok=True)
        if notebook.is_file():
            with contextlib.suppress(FileExistsError):  # O_EXCL: never over the learner's copy or a link
                with open(target_dir / notebook_name(exercise), "xb") as out:
                    out.write(notebook.read_bytes())
                written.append(target_dir / notebook_name(exercise))
        if page.is_file():
            target = target_dir / f"{exercise}-peer-feedback.html"
            if target.is_symlink() or not target.is_file() or file_digest(target) != file_digest(page):
                write_text_atomic(target, page.read_text(encoding="utf-8"))  # a rename: replaces a link, not its target
                written.append(target)
    return written
