"""HTML feedback per learner, built from trusted data and shown as text: no hidden tests, no learner markup.

A page is a Jinja2 template with autoescape (``pmkit/cohort/templates/feedback.html.j2``). It is built only
from what the learner may see, never by filtering out what they must not: its structure, prompts and
test code come from the exercise's release (what the learner was handed: visible checks only), its
scores, manual scores, comments and late penalty from nbgrader's gradebook, each test's outcome and
message from the trusted grading run (the checks' own messages), and from the learner's graded notebook
only their answers' source and plain-text output, as escaped, truncated text: a learner's ``<script>``
or ``<style>`` is shown, never run. The solutions are never read, so no hidden test can reach a page
however it is spelled; the learner's kernel never held one (:mod:`pmkit.grading.sandbox`). Written
answers show the instructor's score and comment, or "awaiting grading" until Formgrader has one.

:class:`FeedbackExporter` routes Formgrader's *Generate Feedback* button (nbgrader's
``GenerateFeedback``) to the same pages, so the button never writes hidden tests either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbconvert.exporters import Exporter

from pmkit.grading.engine import RELEASE_DIR, graded_cell_outcome
from pmkit.grading.gradebook import gradebook

#: The most characters of one answer or output a page shows; the rest is cut with a note.
MAX_TEXT = 4000


@dataclass
class Block:
    """One part of a feedback page: a prompt, an answer, a test or a grade."""

    kind: str  # prompt, code, answer, test
    text: str = ""
    html: str = ""  # only for prompts rendered from the release's markdown (instructors' text)
    outputs: list[str] = field(default_factory=list)
    grade: dict[str, Any] | None = None


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """Learner-produced text capped in length (escaping is Jinja's; nothing in it is secret)."""
    if len(text) > limit:
        text = text[:limit] + f"\n[... cut: only the first {limit} characters are shown]"
    return text


def _outputs(cell: Any) -> list[str]:
    """A cell's outputs as plain text only; rich HTML, scripts and images are never embedded."""
    shown = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            shown.append(clean_text(str(output.get("text", ""))))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "text/plain" in data:
                shown.append(clean_text(str(data["text/plain"])))
            elif data:
                shown.append("[a rich output (" + ", ".join(sorted(data)) + ") is not shown here]")
        elif kind == "error":
            shown.append(clean_text(f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"))
    return shown


def _grade_view(grade: Any, comment: str | None, kind: str, message: str) -> dict[str, Any]:
    """What the page says about one graded cell: points, state and the words to read."""
    if grade is None:
        return {"state": "missing", "points": "-", "max": 0, "message": "not graded yet", "comment": ""}
    maximum = float(grade.max_score)
    if kind == "written":
        if grade.manual_score is not None:
            state, score = "graded", float(grade.manual_score)
            message = "Graded by your instructor."
        elif grade.needs_manual_grade:
            state, score = "awaiting", None
            message = "Awaiting grading by your instructor."
        else:
            state, score = "blank", float(grade.auto_score or 0)
            message = "Not answered: this answer was left blank."
    else:
        score = grade.manual_score if grade.manual_score is not None else grade.auto_score
        score = None if score is None else float(score)
        state = "graded"
        if grade.manual_score is not None and grade.manual_score != grade.auto_score:
            message += " (score adjusted by your instructor)"
    if score is not None and grade.extra_credit:
        score += float(grade.extra_credit)
    return {"state": state, "score": score, "max": maximum, "message": message, "comment": comment or "",
            "points": "awaiting grading" if score is None else f"{score:g} / {maximum:g}"}


def _markdown(text: str) -> str:
    """Markdown of the release (instructors' text) as HTML; any raw HTML in it is escaped, not kept."""
    import mistune

    return mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])(text)


def build(root: Path, db_url: str, exercise: str, learner: str, notebook: str | None = None) -> str:
    """The feedback page of one learner's graded ``exercise`` (its notebook ``notebook``, default the same name)."""
    import nbformat

    from pmkit.cohort import deadlines
    from pmkit.cohort import html_pages as pages

    notebook = notebook or exercise
    root = Path(root)
    release = nbformat.read(root / RELEASE_DIR / exercise / f"{notebook}.ipynb", as_version=4)
    graded_path = root / "autograded" / learner / exercise / f"{notebook}.ipynb"
    graded = nbformat.read(graded_path, as_version=4) if graded_path.is_file() else nbformat.v4.new_notebook()
    by_key = {}
    for cell in graded.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        by_key[meta.get("grade_id") or cell.get("id")] = cell
    with gradebook(db_url) as book:
        student = book.find_student(learner)
        submission = book.find_submission(exercise, learner)
        nb_record = book.find_submission_notebook(notebook, exercise, learner)
        grades = {g.name: g for g in nb_record.grades}
        comments = {c.name: c.manual_comment for c in nb_record.comments}
        penalty = float(nb_record.late_submission_penalty or 0)
        timestamp, due = submission.timestamp, submission.duedate
        seconds_late = submission.total_seconds_late
        name = " ".join(x for x in (student.first_name, student.last_name) if x) or learner
        blocks: list[Block] = []
        for cell in release.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            key = meta.get("grade_id") or cell.get("id")
            if cell.cell_type == "markdown" and not meta.get("solution"):
                blocks.append(Block("prompt", html=_markdown(cell.source)))
                continue
            if cell.cell_type != "code" and not meta.get("solution"):
                continue
            mine = by_key.get(key, {})
            if meta.get("solution") or meta.get("task"):
                source = mine.get("source", "") if mine else "[this answer is missing from the submission]"
                block = Block("answer", text=clean_text(source), outputs=_outputs(mine) if mine else [])
                if meta.get("grade"):
                    block.grade = _grade_view(grades.get(key), comments.get(key), "written", "")
                blocks.append(block)
            elif meta.get("grade"):
                status, message = graded_cell_outcome(mine) if mine else ("incorrect", "the test cell was missing")
                block = Block("test", text=cell.source.rstrip())  # the release's test: what the learner was given
                block.grade = _grade_view(grades.get(key), comments.get(key), "autograded", clean_text(message, 1000))
                block.grade["outcome"] = status
                blocks.append(block)
            else:
                blocks.append(Block("code", text=cell.source))
        total = sum((b.grade or {}).get("score") or 0 for b in blocks if b.grade)
        maximum = sum((b.grade or {}).get("max") or 0 for b in blocks if b.grade)
        awaiting = sum(1 for b in blocks if b.grade and b.grade["state"] == "awaiting")
    policy = deadlines.load(root)
    late = None
    if timestamp is not None and due is not None:
        late = {"submitted": f"{timestamp:%Y-%m-%d %H:%M} UTC", "due": f"{due:%Y-%m-%d %H:%M} UTC",
                "late": seconds_late > 0, "hours": round(seconds_late / 3600, 1), "penalty": penalty,
                "policy": policy.describe()}
    return pages.render("feedback.html.j2", exercise=exercise, learner=learner, name=name, blocks=blocks,
                        total=max(0.0, total - penalty), raw_total=total, maximum=maximum, awaiting=awaiting,
                        penalty=penalty, late=late,
                        generated=f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")


def failed_page(root: Path, db_url: str, exercise: str, learner: str, reason: str) -> str:
    """The page of a submission whose grading failed: that it has no score, why, and what to do."""
    from pmkit.cohort import html_pages as pages

    name = learner
    with contextlib.suppress(Exception), gradebook(db_url) as book:
        student = book.find_student(learner)
        name = " ".join(x for x in (student.first_name, student.last_name) if x) or learner
    return pages.render("feedback_failed.html.j2", exercise=exercise, learner=learner, name=name,
                        reason=clean_text(reason, 2000), generated=f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")


def generate(root: Path, db_url: str, exercise: str, problems: list[str] | None = None,
             failed: list[str] | None = None) -> list[Path]:
    """Write ``feedback/<learner>/<exercise>/<exercise>.html`` for every submission graded in the gradebook.

    With ``problems``, a page that cannot be built is that learner's line there, and the others are written.
    A submission whose grading failed gets a page that says so and why (its learner is added to ``failed``).
    """
    from nbgrader.api import MissingEntry

    root = Path(root)
    with gradebook(db_url) as book:
        try:
            learners = sorted(s.student.id for s in book.find_assignment(exercise).submissions)
        except MissingEntry:
            learners = []
    written = []
    for learner in learners:
        if not (root / "autograded" / learner / exercise / f"{exercise}.ipynb").is_file():
            continue  # failed (below) or never graded: no page rather than a misleading one
        try:
            page = build(root, db_url, exercise, learner)
        except Exception as error:  # one learner's page never stops the others'
            if problems is None:
                raise
            problems.append(f"{learner}: no feedback page ({type(error).__name__}: {str(error)[:200]})")
            continue
        target = root / "feedback" / learner / exercise / f"{exercise}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        # nbgrader's exchange names a hub learner's feedback after the submission's secret and time.
        for name in ("timestamp.txt", "submission_secret.txt"):
            source = root / "submitted" / learner / exercise / name
            if source.is_file():
                shutil.copy2(source, target.parent / name)
        written.append(target)
    for reason_file in sorted((root / "autograded").glob(f"*/{exercise}/FAILED.txt")):
        learner = reason_file.parent.parent.name
        if (reason_file.parent / f"{exercise}.ipynb").is_file():
            continue
        reason = reason_file.read_text(encoding="utf-8", errors="replace").strip()
        target = root / "feedback" / learner / exercise / f"{exercise}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(failed_page(root, db_url, exercise, learner, reason), encoding="utf-8")
        for name in ("timestamp.txt", "submission_secret.txt"):  # so a hub learner can fetch it too
            source = root / "submitted" / learner / exercise / name
            if source.is_file():
                shutil.copy2(source, target.parent / name)
        written.append(target)
        if failed is not None:
            failed.append(learner)
    return written


class FeedbackExporter(Exporter):
    """nbgrader's ``GenerateFeedback`` exporter replaced by pmkit's pages (Formgrader's button included)."""

    output_mimetype = "text/html"
    export_from_notebook = "pmkit feedback"

    def _file_extension_default(self) -> str:
        return ".html"

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any) -> tuple[str, Any]:
        """Build the page from the gradebook and the course folder nbgrader is working in."""
        _nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        info = resources["nbgrader"]
        root = Path(self.parent.coursedir.root) if hasattr(self.parent, "coursedir") else Path.cwd()
        page = build(root, info["db_url"], info["assignment"], info["student"], info["notebook"])
        resources["output_extension"] = ".html"
        return page, resources


def configure(config: Any) -> Any:
    """Make nbgrader's ``generate_feedback`` (and Formgrader's button) write pmkit's pages."""
    config.GenerateFeedback.exporter_class = FeedbackExporter
    config.GenerateFeedback.preprocessors = []
    return config
