"""A worked cell's solution fits its cell: pasted in place of the ``...``, it runs and its check says correct.

A solution that names a variable the chapter never makes (``per_week["after"]`` where the cell builds
``category_after``) gives a learner who copies it a NameError. Here every chapter is run from the
top, in order, with each ``...`` line of a "# Your turn" cell replaced by the solution's line for that
variable, and each check must then say correct; the names a hint's code uses must exist by then too.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest

from pmkit import notebooks
from pmkit.teach import pandas_tries, quiz, turns
from tests.conftest import COURSE

CHAPTERS = sorted(p.name for p in COURSE.glob("[0-9][0-9]-*.ipynb"))
CHECK_CALL = re.compile(r"""\b(turns|tries)\.check\(\s*["']([\w-]+)["']""")
#: A starter line the learner completes: ``name = ...`` (with an optional comment).
STARTER = re.compile(r"^(?P<lhs>[^=\n#]+?)\s*=\s*\.\.\.\s*(#.*)?$", re.MULTILINE)
#: An assignment in a solution's code span: ``name = ...`` or ``frame["column"] = ...``.
ASSIGNMENT = re.compile(r"^\s*(?P<lhs>[A-Za-z_]\w*(?:\[[^\]]+\])?)\s*=(?!=)\s*(?P<rhs>.+)$", re.DOTALL)


def _help_for(system: str, name: str) -> tuple[str, str]:
    """A worked cell's (hint, solution) text, from the checks that cell calls."""
    if system == "tries":
        attempt = pandas_tries.TRIES[name]
        return attempt.hint, f"`{attempt.solution}`"
    turn = turns.find(name)
    return turn.hint, turn.solution


def _solution_lines(system: str, name: str) -> dict[str, str]:
    """The solution's lines by the variable they set; a text turn's prose solution is its sentence (``*``)."""
    if system == "turns" and turns.find(name).kind == "text":
        return {"*": repr(turns.find(name).solution.strip("*"))}
    lines = {}
    for span in re.findall(r"`([^`]+)`", _help_for(system, name)[1]):
        match = ASSIGNMENT.match(span)
        if match:
            lines[match["lhs"].replace(" ", "")] = span
    return lines


def _names_read(code: str) -> set[str]:
    """The variables a hint's code span reads (not the functions it calls, nor what it assigns)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a fragment such as `.idxmax()` names nothing of its own
        return set()
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            and id(n) not in called} - assigned


def _run(source: str, namespace: dict[str, Any]) -> Any:
    """Run a cell as a notebook does and return its last expression's value (None if it ends otherwise)."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(tree, "<cell>", "exec"), namespace)  # the course's own cells, not a learner's
        return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None


def _worked_with_solutions(path: Path) -> list[tuple[str, Any, list[str]]]:
    """Run a chapter with its solutions in place: (check name, its feedback, hint names not defined) per cell."""
    namespace: dict[str, Any] = {}
    results = []
    for cell in notebooks.read(path).cells:
        source = cell.source
        first = source.lstrip().splitlines()[0].lower() if source.strip() else ""
        if cell.cell_type != "code" or first.startswith("# stuck?") or "widgets." in source:
            continue
        checks = CHECK_CALL.findall(source)
        if not first.startswith("# your turn") or not checks:  # a turn with no check (a review) only runs
            _run(source, namespace)
            continue
        (system, name), = checks
        lines = _solution_lines(system, name)

        def fill(match: re.Match[str], lines: dict[str, str] = lines, name: str = name) -> str:
            lhs = match["lhs"].strip().replace(" ", "")
            if "*" in lines:  # a text turn: its one sentence, whatever the cell calls it
                return f"{match['lhs'].strip()} = {lines['*']}"
            assert lhs in lines, f"{path.name}: the solution of {name!r} does not say how to make {lhs}"
            return lines[lhs]

        try:
            feedback = _run(STARTER.sub(fill, source), namespace)
        except NameError as error:
            raise AssertionError(f"{path.name}: the solution of {name!r}, pasted in its cell: {error}") from error
        hint = _help_for(system, name)[0]
        unknown = sorted({n for span in re.findall(r"`([^`]+)`", hint) for n in _names_read(span)}
                         - set(namespace) - set(dir(builtins)))
        results.append((name, feedback, unknown))
    return results


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c[:2] for c in CHAPTERS])
def test_solutions_run_in_their_cells_and_are_correct(chapter: str) -> None:
    turns._attempted.clear()
    results = _worked_with_solutions(COURSE / chapter)
    checked = {name for name, _, _ in results}
    expected = {t.name for t in turns.chapter_turns(chapter[:2])}
    assert expected <= checked, f"turns with no worked cell run here: {expected - checked}"
    for name, feedback, unknown in results:
        assert feedback.status == quiz.CORRECT, f"{chapter}: the solution of {name!r} gets: {feedback.message}"
        assert not unknown, f"{chapter}: the hint of {name!r} names {unknown}, which the chapter never makes"


def test_a_solution_that_names_a_missing_variable_fails_here() -> None:
    """The check above can fail: the old case 1 solution's ``per_week`` is not in the chapter."""
    namespace: dict[str, Any] = {}
    with pytest.raises(NameError, match="per_week"):
        _run('category_change = (per_week["after"] - per_week["before"]) / per_week["before"] * 100', namespace)
    assert _names_read('(per_week["after"] - category_before) / category_before') == {"per_week", "category_before"}
