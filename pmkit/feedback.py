"""HTML feedback per learner that never shows hidden tests, in cell sources or in tracebacks.

nbgrader's own feedback shows hidden tests unless ``ClearHiddenTests`` runs, and even then a
traceback repeats the hidden lines it passed through. Here every test cell loses its hidden block,
every error output is reduced to its message, and each graded cell is followed by its score and
the check's feedback.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

from pmkit.grading import gradebook, graded_cell_outcome

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*\n?", re.M | re.S)


def scrub(nb: Any) -> Any:
    """Remove hidden test blocks from sources and tracebacks from error outputs (in place)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.source = HIDDEN.sub("", cell.source).rstrip("\n")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = output.get("evalue", "")
                if output.get("ename") not in ("Incorrect", "NotAttempted"):
                    message = f"{output.get('ename', 'Error')}: {message}"
                output["traceback"] = [message]
    return nb


def _score_cell(grade: Any, cell: Any) -> Any:
    import nbformat

    score = grade.score
    points = "not graded yet" if score is None else f"{score:g} / {grade.max_score:g}"
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if meta.get("solution") or meta.get("task"):
        comment = "Graded by your instructor."
    else:
        comment = graded_cell_outcome(cell)[1]
    body = html.escape(comment).replace("\n", "<br>")
    return nbformat.v4.new_markdown_cell(
        f'<div class="pmkit-score"><b>Score: {points}</b><br>{body}</div>')


def render(nb: Any, grades: dict[str, Any], title: str) -> str:
    """The feedback page of one graded notebook, with its score after every graded cell."""
    import nbformat
    from nbconvert import HTMLExporter

    scrub(nb)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in grades:
            cells.append(_score_cell(grades[grade_id], cell))
    total = sum(g.score or 0 for g in grades.values())
    maximum = sum(g.max_score for g in grades.values())
    header = nbformat.v4.new_markdown_cell(f"**{html.escape(title)}**: {total:g} of {maximum:g} points so far.")
    nb.cells = [header, *cells]
    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(nb)
    return body


def generate(root: Path, db_url: str, exercise: str) -> list[Path]:
    """Write ``feedback/<learner>/<exercise>/<exercise>.html`` for every graded submission."""
    import nbformat

    written = []
    with gradebook(db_url) as book:
        for path in sorted((root / "autograded").glob(f"*/{exercise}/{exercise}.ipynb")):
            learner = path.parent.parent.name
            notebook = book.find_submission_notebook(exercise, exercise, learner)
            grades = {g.name: g for g in notebook.grades}
            page = render(nbformat.read(path, as_version=4), grades, f"{exercise}, feedback for {learner}")
            target = root / "feedback" / learner / exercise / f"{exercise}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page, encoding="utf-8")
            # nbgrader's exchange names a hub learner's feedback after the submission's secret and time.
            for name in ("timestamp.txt", "submission_secret.txt"):
                source = root / "submitted" / learner / exercise / name
                if source.is_file():
                    shutil.copy2(source, target.parent / name)
            written.append(target)
    return written
