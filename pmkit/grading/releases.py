"""Which exercise, and which release of it, a notebook belongs to: read from its cells' nbgrader grade ids.

``collect`` refuses another exercise's notebook by name, and a grading run explains a notebook whose
metadata nbgrader refused (another exercise's, or an older release's) with the same rule.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from pmkit.errors import PmkitError
from pmkit.notebooks import MAX_NOTEBOOK_BYTES, load_json


def exercise_grade_ids(solutions: Path) -> dict[str, set[str]]:
    """Each exercise's cell grade ids, read from its source notebook, to tell one exercise's notebook from another's."""
    found = {}
    for source in sorted(solutions.glob("*/*.ipynb")):
        if source.stem != source.parent.name:
            continue
        with contextlib.suppress(OSError, ValueError):
            cells = json.loads(source.read_text(encoding="utf-8")).get("cells", [])
            found[source.stem] = {c["metadata"]["nbgrader"]["grade_id"] for c in cells
                                  if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}
    return found


def other_exercise(path: Path, exercise: str, grade_ids: dict[str, set[str]] | None) -> str:
    """The exercise whose notebook ``path`` is when its test cells are another's than ``exercise``, else ''."""
    if not grade_ids or exercise not in grade_ids:
        return ""
    found = notebook_grade_ids(path)
    if found is None:
        return ""  # not readable as a notebook: its reader says why
    mine = len(found & grade_ids[exercise])
    best = max(grade_ids, key=lambda name: len(found & grade_ids[name]))
    return best if best != exercise and len(found & grade_ids[best]) > mine else ""


def unknown_cells(path: Path, exercise: str, grade_ids: dict[str, set[str]]) -> list[str]:
    """Graded cells of ``path`` the current release of ``exercise`` does not have (an older release's)."""
    found = notebook_grade_ids(path)
    return [] if found is None or exercise not in grade_ids else sorted(i for i in found - grade_ids[exercise] if i)


def wrong_exercise(path: Path, exercise: str, grade_ids: dict[str, set[str]] | None) -> str:
    """A notebook that answers another exercise (its test cells are that one's) is refused, saying which."""
    best = other_exercise(path, exercise, grade_ids)
    if best:
        return (f"is the {best!r} exercise's notebook, not {exercise!r}; collect it with --exercise {best} "
                "or ask the learner for the right file")
    return ""


def submission_problem(path: Path, exercise: str, grade_ids: dict[str, set[str]]) -> str:
    """Why a notebook cannot be graded as ``exercise`` when nbgrader refuses its metadata, in the grader's words."""
    problem = wrong_exercise(path, exercise, grade_ids)
    if problem or exercise not in grade_ids:
        return f"the notebook {problem}" if problem else ""
    unknown = unknown_cells(path, exercise, grade_ids)
    if unknown:
        return (f"graded cell(s) {', '.join(unknown)} are not in the current {exercise!r} release (an older "
                "release?); ask the learner to copy their answers into the current release and submit again")
    return ""


def notebook_grade_ids(path: Path) -> set[str] | None:
    """The grade ids of a learner's notebook's cells, or None when it is not a notebook (read safely: any file)."""
    try:  # its size was capped by the caller (collect, grade, check), so it is read whole, but always safely
        data: Any = load_json(path, max_bytes=max(MAX_NOTEBOOK_BYTES, path.stat().st_size))
    except (PmkitError, OSError):  # NotebookUnreadable is one
        return None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        return None
    found = set()
    for cell in cells:
        meta = cell.get("metadata") if isinstance(cell, dict) else None
        nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
        grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
        if isinstance(grade_id, str):
            found.add(grade_id)
    return found
