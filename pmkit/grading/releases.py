"""Which exercise, and which release of it, a notebook belongs to: read from its cells' nbgrader grade ids.

``collect`` refuses another exercise's notebook by name, and a grading run explains a notebook whose
metadata nbgrader refused (another exercise's, or an older release's) with the same rule.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path


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


def wrong_exercise(path: Path, exercise: str, grade_ids: dict[str, set[str]] | None) -> str:
    """A notebook that answers another exercise (its test cells are that one's) is refused, saying which."""
    if not grade_ids or exercise not in grade_ids:
        return ""
    try:
        with open(path, encoding="utf-8") as stream:
            cells = json.load(stream).get("cells", [])
        found = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells if isinstance(c, dict)}
    except (ValueError, AttributeError, TypeError, UnicodeDecodeError):
        return ""  # not readable as a notebook: filed, and grading records why it fails
    mine = len(found & grade_ids[exercise])
    best = max(grade_ids, key=lambda name: len(found & grade_ids[name]))
    if best != exercise and len(found & grade_ids[best]) > mine:
        return (f"is the {best!r} exercise's notebook, not {exercise!r}; collect it with --exercise {best} "
                "or ask the learner for the right file")
    return ""


def submission_problem(path: Path, exercise: str, grade_ids: dict[str, set[str]]) -> str:
    """Why a notebook cannot be graded as ``exercise`` when nbgrader refuses its metadata, in the grader's words."""
    problem = wrong_exercise(path, exercise, grade_ids)
    if problem or exercise not in grade_ids:
        return f"the notebook {problem}" if problem else ""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        found = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells if isinstance(c, dict)}
    except (ValueError, OSError, AttributeError, TypeError):
        return ""
    unknown = sorted(i for i in found - grade_ids[exercise] if i)
    if unknown:
        return (f"graded cell(s) {', '.join(unknown)} are not in the current {exercise!r} release (an older "
                "release?); ask the learner to copy their answers into the current release and submit again")
    return ""
