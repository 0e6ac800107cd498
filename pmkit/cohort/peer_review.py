"""Optional peer review of a written answer (the PRD) in a cohort: who reviews whom, and their notebooks.

This module assigns reviews, writes the reviewers' notebooks and puts them in hub homes;
:mod:`pmkit.cohort.peer_collect` reads the returned reviews and :mod:`pmkit.cohort.peer_feedback` turns them
into pages. Everything lives in ``<cohort>/peer-review/<exercise>/``:

- ``assignments.csv``: who reviews whose answer, as slot letters (reviewer, slot, author), and each reviewer's
  random token, which their notebook carries in its metadata so a returned notebook is tied to its reviewer
  and to this assignment; private.
- ``secret.json``: the shuffle's seed (random unless ``--seed``; printed, so the instructor can reproduce it)
  and the key that orders the peers on each feedback page; private.
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

import contextlib
import csv
import datetime as dt
import io
import json
import os
import random
import secrets
import shutil
import stat
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.errors import NotebookUnreadable, PmkitError
from pmkit.exercises.peer_review import NOTEBOOK, PEER_REVIEWED, Criterion, rubric
from pmkit.files import file_digest, open_regular, temp_beside, write_json_atomic, write_text_atomic
from pmkit.notebooks import MAX_NOTEBOOK_BYTES, load_json, loads_json, markdown_answer, shape_problem
from pmkit.textio import printable, spreadsheet_safe

if TYPE_CHECKING:
    from pmkit.cohort.folder import Cohort

FOLDER = "peer-review"


def folder(root: Path, exercise: str) -> Path:
    """Where an exercise's peer review lives in a cohort folder."""
    return Path(root) / FOLDER / exercise


def notebook_name(exercise: str) -> str:
    """The review notebook's file name (also its name in a learner's home)."""
    return NOTEBOOK.format(exercise=exercise)


def check_exercise(cohort: Cohort, exercise: str) -> None:
    """Refuse an exercise the cohort lacks or that has no peer review (no rubric as data)."""
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
    seed: int = 0

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


def private_names(cohort: Cohort) -> dict[str, tuple[list[str], list[str]]]:
    """Per learner, what would name them: (id, full name, e-mail) any case, and (first, last name) as written."""
    from pmkit.grading.gradebook import gradebook

    out = {}
    with gradebook(cohort.db_url) as book:
        for student in book.students:
            first, last = student.first_name or "", student.last_name or ""
            loose = [student.id, f"{first} {last}".strip(), f"{last} {first}".strip(), student.email or ""]
            out[student.id] = ([n for n in loose if n], [n for n in (first, last) if len(n) >= 3])
    return out


#: Only the instructor's account may read these (on a hub where every learner is one OS user, see the deploy docs).
PRIVATE = 0o600


def assign(cohort: Cohort, exercise: str = "prd", reviews: int = 2, seed: int | None = None,
           force: bool = False) -> AssignReport:
    """Assign each learner with an answer ``reviews`` answers of others and write their review notebooks.

    The shuffle's seed is random unless given (a public seed would let anyone rebuild who reviews whom); it is
    stored in ``secret.json`` and reported. Refuses to replace earlier assignments unless ``force``; then the
    earlier folder is kept beside the new one, renamed with the time, so returned reviews are never lost.
    """
    from pmkit.cohort.learner_markdown import inert

    check_exercise(cohort, exercise)
    target = folder(cohort.root, exercise)
    if (target / "assignments.csv").exists() and not force:
        raise PmkitError(f"{target / 'assignments.csv'} exists: peer review of {exercise} is already assigned "
                         "(learners may have their notebooks); give --force to assign again (the earlier folder is "
                         "kept, renamed)")
    answers, skipped, absent = submitted_answers(cohort, exercise)
    if seed is None:
        seed = secrets.randbelow(2**63)
    plan = rotation(list(answers), reviews, seed)
    names = private_names(cohort)
    criteria = rubric(exercise)
    new = target.with_name(f".{exercise}.new")  # written whole beside the old, then swapped in
    shutil.rmtree(new, ignore_errors=True)
    try:
        (new / "outbox").mkdir(parents=True)
        rows = []
        tokens = {reviewer: secrets.token_hex(16) for reviewer in plan}
        for reviewer, authors in sorted(plan.items()):
            slots = []
            for letter, author in zip(string.ascii_uppercase, authors, strict=False):
                loose, exact = names.get(author, ([author], []))
                slots.append((letter, inert(answers[author], redacted=loose, exact=exact)))
                rows.append((reviewer, letter, author, tokens[reviewer]))
            (new / "outbox" / reviewer).mkdir()
            write_text_atomic(new / "outbox" / reviewer / notebook_name(exercise),
                              review_notebook(exercise, slots, criteria, tokens[reviewer]))
        write_text_atomic(new / "assignments.csv", csv_text(["reviewer", "slot", "author", "token"], rows), PRIVATE)
        write_json_atomic(new / SECRET, {"seed": seed, "key": secrets.token_hex(32)}, PRIVATE)
        if target.exists():
            target.rename(target.with_name(f"{exercise}.replaced-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"))
        new.rename(target)
    finally:
        shutil.rmtree(new, ignore_errors=True)
    return AssignReport(plan, skipped, absent, target, seed)


def csv_text(header: list[str], rows: list[Any]) -> str:
    """Rows as CSV text whose cells a spreadsheet shows as text, never runs (:func:`spreadsheet_safe`)."""
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


def review_notebook(exercise: str, slots: list[tuple[str, str]], criteria: list[Criterion], token: str = "") -> str:
    """A reviewer's notebook: one H1, objectives, time, the rubric, then each peer's answer and a review cell.

    ``token`` (the reviewer's, from ``assignments.csv``) goes in the notebook's metadata: collect and the hub
    tell by it whose notebook it is and from which assignment.
    """
    import nbformat
    from nbformat import v4

    from pmkit import notebooks

    count = {1: "one PRD", 2: "two PRDs", 3: "three PRDs"}.get(len(slots), f"{len(slots)} PRDs")
    minutes = 15 * len(slots)
    cells = [v4.new_markdown_cell(
        f"# Peer review: {count} from your cohort\n\n"
        f"You read {count} written by others in your cohort for the *Write a PRD* exercise and review each "
        "with the rubric your instructor grades with. Names are removed from the PRDs, and each author reads "
        "your review without your name.\n\n"
        "**Learning objectives.** Judge a PRD against a rubric, criterion by criterion, and write feedback an "
        "author can act on: what works, what to improve, and where in the PRD.\n\n"
        f"**Estimated time:** {minutes} minutes\n\n"
        "**How this works.** Run the first code cell. Under each PRD, give each criterion 1 if the PRD meets it "
        "and 0 if it does not, write a comment, save the notebook (Ctrl+S) and run the cell: it reads the saved "
        "notebook as your instructor will, and says whether your review is ready to hand back. Your instructor "
        "collects the saved notebook.\n\n"
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
    nb = notebooks.clean(nbformat.from_dict(v4.new_notebook(cells=cells)))
    if token:
        nb.metadata["pmkit"] = {"peer_review": {"exercise": exercise, "token": token}}
    return notebooks.dumps(nb)


def read_assignments(root: Path, exercise: str) -> list[tuple[str, str, str]]:
    """The private assignments (reviewer, slot, author), or an error saying to assign first."""
    path = folder(root, exercise) / "assignments.csv"
    if not path.is_file():
        raise PmkitError(f"{path}: no peer review of {exercise} assigned yet; run `pmkit cohort peer-review assign "
                         f"--exercise {exercise}` first")
    with open(path, encoding="utf-8", newline="") as stream:
        return [(r["reviewer"], r["slot"], r["author"]) for r in csv.DictReader(stream)]


def read_tokens(root: Path, exercise: str) -> dict[str, str]:
    """Each reviewer's token in the current assignment (none for an assignment made before tokens)."""
    path = folder(root, exercise) / "assignments.csv"
    with open(path, encoding="utf-8", newline="") as stream:
        return {r["reviewer"]: r["token"] for r in csv.DictReader(stream) if r.get("token")}


def earlier_tokens(root: Path, exercise: str) -> set[str]:
    """The tokens of earlier assignments of ``exercise``, kept in the ``<exercise>.replaced-*`` folders."""
    found: set[str] = set()
    for old in sorted(Path(root, FOLDER).glob(f"{exercise}.replaced-*/assignments.csv")):
        with contextlib.suppress(OSError, csv.Error, UnicodeDecodeError), \
                open(old, encoding="utf-8", newline="") as stream:
            found |= {r["token"] for r in csv.DictReader(stream) if r.get("token")}
    return found


def notebook_token(data: Any) -> str | None:
    """The review token in a notebook's metadata (a learner's file: any shape at all), or None."""
    try:
        token = data["metadata"]["pmkit"]["peer_review"]["token"]
    except (KeyError, TypeError, IndexError):
        return None
    return token if isinstance(token, str) and token else None


SECRET = "secret.json"


def secret_key(root: Path, exercise: str) -> bytes:
    """The key that orders peers on the feedback pages (made and stored privately if an older folder lacks it)."""
    path = folder(root, exercise) / SECRET
    stored: Any = {}
    with contextlib.suppress(OSError, ValueError):
        stored = json.loads(path.read_text(encoding="utf-8"))
    try:
        return bytes.fromhex(stored["key"])
    except (KeyError, TypeError, ValueError):
        key = secrets.token_hex(32)
        write_json_atomic(path, {**(stored if isinstance(stored, dict) else {}), "key": key}, PRIVATE)
        return bytes.fromhex(key)


# --- the hub -----------------------------------------------------------------------------------------------------


def deliver(root: Path, learner: str, home: Path) -> list[Path]:
    """Put a learner's review notebook and their peers' feedback page in their home; never lose their work.

    ``home/peer-review/<exercise>-peer-review.ipynb`` is written when nothing is there, or when the copy there
    carries another token (an earlier assignment, or none): that copy is first moved aside to
    ``<exercise>-peer-review.replaced-<time>.ipynb``. A new copy is written whole beside and hard-linked into
    place, so a failed copy never leaves a half notebook under the name. ``<exercise>-peer-feedback.html`` is
    replaced whenever there is a newer one and removed when the cohort has none (a re-assignment). A link the
    learner put in the way is never written through.
    """
    written = []
    for exercise in PEER_REVIEWED:
        base = folder(root, exercise)
        if not base.is_dir():
            continue
        notebook = base / "outbox" / learner / notebook_name(exercise)
        page = base / "feedback" / f"{learner}.html"
        target_dir = Path(home) / FOLDER
        if target_dir.is_symlink() or (target_dir.exists() and not target_dir.is_dir()):
            continue
        shown = target_dir / f"{exercise}-peer-feedback.html"
        if not page.is_file():
            if os.path.lexists(shown):  # from an earlier assignment: what peers said then is not about this one
                shown.unlink()
            if not notebook.is_file():
                continue
        target_dir.mkdir(parents=True, exist_ok=True)
        if notebook.is_file():
            data = notebook.read_bytes()
            copy = target_dir / notebook_name(exercise)
            token = notebook_token(json.loads(data))
            if _stale_copy(copy, token):
                aside = copy.with_name(f"{exercise}-peer-review.replaced-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}"
                                       ".ipynb")
                os.rename(copy, aside)  # a rename within the home: the learner's earlier work is kept as it was
                written.append(aside)
            if not os.path.lexists(copy) and _link_new(copy, data):
                written.append(copy)
        if page.is_file():
            if shown.is_symlink() or not shown.is_file() or file_digest(shown) != file_digest(page):
                write_text_atomic(shown, page.read_text(encoding="utf-8"))  # a rename: replaces a link, not its target
                written.append(shown)
    return written


def _stale_copy(copy: Path, token: str | None) -> bool:
    """True when the learner's copy is a notebook from another assignment (its token is not ``token``).

    A link, a folder or a file that is not a readable notebook is left alone: it may be the learner's work.
    """
    try:
        if not stat.S_ISREG(copy.lstat().st_mode):
            return False
        with open_regular(copy, follow_links=False) as stream:
            raw = stream.read(MAX_NOTEBOOK_BYTES + 1)
        data = loads_json(raw, copy) if len(raw) <= MAX_NOTEBOOK_BYTES else None
    except (OSError, NotebookUnreadable):
        return False
    return data is not None and notebook_token(data) != token


def _link_new(copy: Path, data: bytes) -> bool:
    """Write ``data`` whole to a temporary file beside ``copy``, then link it in: never over anything there."""
    with temp_beside(copy) as tmp:
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, copy)  # fails if the name exists, a link the learner made included
        except FileExistsError:
            return False
    return True
