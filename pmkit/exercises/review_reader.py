"""Reading a review notebook's ``scores_X`` / ``comment_X`` the way the instructor does: without running it.

One reader for both sides: ``pmkit cohort peer-review collect`` stores what it finds, and
``peer_review.check`` in the reviewer's kernel reads the saved notebook with it, so a review the kernel
calls ready is the review the instructor reads. Values are found with :mod:`ast` and read with
``ast.literal_eval`` only; anything else that changes a review name (``scores_A["users"] = 1``,
``scores_A.update(...)``, ``scores_A, comment_A = ...``, an assignment inside a block) is reported by cell and
line, never run and never silently skipped.
"""

from __future__ import annotations

import ast
from typing import Any

#: The most characters of one code cell read for a review; a review cell is a few hundred.
MAX_CELL_CHARS = 100_000
#: The hint given wherever a review is changed in a way that is not read.
WRITE_INSIDE = ("write each score inside the dictionary and the comment in quotes, as `scores_A = {...}` and "
                "`comment_A = \"...\"` lines")

#: The dictionary methods that change it in place (``scores_A.get(...)`` only reads it).
_CHANGING = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__", "__init__", "__ior__"}


class NotLiteral:
    """A review value that pmkit does not read: said why and where, never run."""

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"NotLiteral({self.why!r})"


def cell_source(cell: dict[str, Any]) -> str:
    """A notebook cell's source as one string (nbformat stores it as a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _root_name(node: ast.AST) -> str | None:
    """The variable at the root of ``x``, ``x[...]``, ``x.attr`` (or None)."""
    while isinstance(node, ast.Subscript | ast.Attribute | ast.Starred):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _writes(node: ast.AST) -> list[str]:
    """The names ``node`` (one AST node) assigns or changes in place, if it does."""
    targets: list[ast.AST] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        targets = [node.target]
    elif isinstance(node, ast.For | ast.AsyncFor):
        targets = [node.target]
    elif isinstance(node, ast.withitem) and node.optional_vars is not None:
        targets = [node.optional_vars]
    elif isinstance(node, ast.NamedExpr | ast.Delete):
        targets = [node.target] if isinstance(node, ast.NamedExpr) else list(node.targets)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CHANGING:
        return [name] if (name := _root_name(node.func.value)) else []  # scores_A.update(...)
    elif isinstance(node, ast.Global | ast.Nonlocal):
        return list(node.names)
    names = []
    for target in targets:
        for part in ast.walk(target):
            if isinstance(part, ast.Name):
                names.append(part.id)
        if (name := _root_name(target)) and name not in names:
            names.append(name)
    return names


def review_values(data: Any, names: set[str]) -> tuple[dict[str, Any], list[str]]:
    """The values of ``names`` in the notebook's code cells, read without running them; and cells not read.

    A top-level ``name = literal`` sets a value; the last one wins, as running the cells in order would. Any
    other change to a name after it (item assignment, ``.update``, tuple unpacking, a block) makes its value a
    :class:`NotLiteral` saying which cell and line, since only running the code would say what it holds.
    """
    values: dict[str, Any] = {}
    unreadable: list[str] = []
    for index, cell in enumerate(data.get("cells", []) if isinstance(data, dict) else []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell_source(cell)
        where = f"cell {index + 1}" + (f" ({str(cell.get('id'))[:40]!r})" if cell.get("id") else "")
        if not any(name in source for name in names):
            continue
        if len(source) > MAX_CELL_CHARS:
            unreadable.append(f"{where} has {len(source):,} characters (a review cell has a few hundred); not read")
            continue
        text = "\n".join("# " + line if line.lstrip().startswith(("%", "!")) else line
                         for line in source.splitlines())
        try:
            tree = ast.parse(text)
        except Exception as error:  # SyntaxError, ValueError, RecursionError, MemoryError: the learner's text
            line = getattr(error, "lineno", None)
            unreadable.append(f"{where} is not valid Python{f' (line {line})' if line else ''}: "
                              f"{type(error).__name__}: {str(getattr(error, 'msg', error))[:120]}")
            continue
        for statement in tree.body:
            target = value = None
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                target, value = statement.target, statement.value
            if isinstance(target, ast.Name) and target.id in names and value is not None:
                try:
                    values[target.id] = ast.literal_eval(value)
                except Exception:  # ValueError, TypeError, RecursionError, MemoryError: never run, only reported
                    segment = (ast.get_source_segment(text, value) or "")[:60].replace("\n", " ")
                    values[target.id] = NotLiteral(
                        f"{target.id} in {where}, line {statement.lineno}, is `{segment}`, which is not written "
                        "out as plain values; pmkit reads reviews without running them, so write the numbers and "
                        "the comment themselves")
                continue
            try:
                changed = sorted({n for node in ast.walk(statement) for n in _writes(node) if n in names})
            except RecursionError:
                changed = sorted(n for n in names if n in (ast.get_source_segment(text, statement) or ""))
            for name in changed:
                segment = (ast.get_source_segment(text, statement) or "").split("\n")[0][:60]
                values[name] = NotLiteral(
                    f"{name} is changed in {where}, line {statement.lineno} (`{segment}`), in a way pmkit does not "
                    f"read (it reads reviews without running them); {WRITE_INSIDE.replace('_A', name[-2:])}")
    return values, unreadable
