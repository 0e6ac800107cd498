"""Questions of an exercise: hints and model solutions on demand, as data on each question (as Kaggle Learn does).

Also the test-cell contract's first line, ``# answers: name, ...`` (:func:`answers_of`), and which
answers have been attempted in this kernel (:data:`ATTEMPTED`), so a model answer opens only after a try.
"""

from __future__ import annotations

# Builtins are bound here at import time, so a learner who later replaces ``builtins.len`` or
# ``builtins.sorted`` in their kernel does not change what these checks compute.
import json
import re
from builtins import (  # noqa: UP029
    any,
    bool,
    int,
    iter,
    len,
    list,
    map,
    next,
    print,
    set,
    str,
    tuple,
)
from collections.abc import Sequence
from typing import Any

#: The answer variables whose checks have run to a verdict (correct or incorrect) in this kernel:
#: :meth:`Question.solution` shows a model answer only after an attempt.
ATTEMPTED: set[str] = set()


def answers_of(source: str) -> list[str]:
    """The learner variables a test cell reads, from its first line ``# answers: a, b``."""
    first = str.strip(next(iter(str.splitlines(source)), ""))
    if not str.startswith(first, "# answers:"):
        return []
    return [n for n in map(str.strip, str.split(first[len("# answers:"):], ",")) if n]


class Question:
    """One autograded question of an exercise: its answers, a hint, and the model solution after an attempt."""

    def __init__(self, exercise: str, number: int, answers: Sequence[str], hint: str, cells: Sequence[str],
                 items: Sequence[Any] = ()) -> None:
        """Question ``number`` of ``exercise``, answered in the notebook cells ``cells`` (their ids).

        ``items`` (task numbers, say) narrow a model answer shared by several questions to this
        question's lines, so solving one group of tasks does not show the others.
        """
        self.exercise, self.number, self.answers = exercise, number, tuple(answers)
        self._hint, self.cells, self.items = hint, tuple(cells), tuple(items)

    def __repr__(self) -> str:
        """How the question shows itself: what it offers."""
        return f"Question {self.number} of {self.exercise}: call .hint() or, after an attempt, .solution()"

    def hint(self) -> None:
        """Print the hint."""
        print(f"Hint for question {self.number}: {self._hint}")

    def attempted(self) -> bool:
        """True once a check of this question's answers gave a verdict (right or wrong) in this kernel."""
        return any(a in ATTEMPTED for a in self.answers)

    def solution(self) -> None:
        """Print the model solution: only after an attempt, and only where ``solutions/`` is present."""
        if not self.attempted():
            print(f"Try question {self.number} first: write your answer and run its test cell. Stuck? "
                  f"Call .hint(). The model solution opens after your first attempt.")
            return
        code = model_solution(self.exercise, self.cells)
        if code is not None and self.items:
            code = _only_items(code, self.items)
        if code is None:
            print(f"The model solution of question {self.number} is shared by your instructor after the deadline.")
            return
        print(f"Model solution for question {self.number}:\n\n{code}")


def _only_items(code: str, items: Sequence[Any]) -> str:
    """The lines of a model answer's dict that are about ``items`` (lines of other keys are left out)."""
    wanted = {str(item) for item in items}
    keep = []
    for line in str.splitlines(code):
        key = re.match(r"\s*['\"]?([\w-]+)['\"]?\s*:", line)
        if key is None or key.group(1) in wanted:
            keep.append(line)
    return "\n".join(keep)


def model_solution(exercise: str, cells: Sequence[str]) -> str | None:
    """The solution part of the named answer cells, read from ``solutions/`` (None where it is absent)."""
    from pmkit.paths import REPO_ROOT

    path = REPO_ROOT / "solutions" / exercise / f"{exercise}.ipynb"
    if not path.is_file():
        return None
    notebook = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in notebook.get("cells", []):
        if cell.get("id") in cells:
            source = "".join(cell.get("source", ""))
            inside = source.partition("### BEGIN SOLUTION\n")[2].partition("### END SOLUTION")[0]
            parts.append(str.strip(inside or source))
    return "\n\n".join(parts) if parts else None
