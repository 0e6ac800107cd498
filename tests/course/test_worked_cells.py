"""Every chapter is worked, not watched: "# Your turn" cells with checks, and few "Just run" cells."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pmkit.paths import REPO_ROOT
from pmkit.teach import turns

CHAPTERS = sorted((REPO_ROOT / "course").glob("[0-9][0-9]-*.ipynb"))
WORKED = [p for p in CHAPTERS if "01" <= p.name[:2] <= "12"]
CHECK_CALL = re.compile(r"""\b(turns|tries)\.check\(\s*["']([\w-]+)["']""")


def _code(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def _worked(path: Path) -> list[str]:
    """The names checked by the chapter's "# Your turn" cells."""
    names = []
    for source in _code(path):
        if source.lstrip().lower().startswith("# your turn"):
            names += [m.group(2) for m in CHECK_CALL.finditer(source)]
    return names


@pytest.mark.parametrize("path", WORKED, ids=[p.stem for p in WORKED])
def test_three_worked_cells_per_chapter(path: Path) -> None:
    names = _worked(path)
    assert len(set(names)) >= 3, f"{path.name}: {len(set(names))} checked '# Your turn' cells ({names}); at least 3"


@pytest.mark.parametrize("path", WORKED, ids=[p.stem for p in WORKED])
def test_a_worked_cell_asks_for_a_reason(path: Path) -> None:
    chapter = path.name[:2]
    reasoned = [t for t in turns.chapter_turns(chapter) if t.kind == "text" or t.ideas]
    assert reasoned, f"{path.name}: no turn asks for a sentence of reasoning that a check reads"


def test_every_turn_has_its_cell() -> None:
    worked = {name for path in CHAPTERS for name in _worked(path)}
    missing = [t.name for t in turns.all_turns() if t.name not in worked]
    assert not missing, f"turns with no '# Your turn' cell in their chapter: {missing}"


#: A cell that makes a check the learner clicks (a quiz, the career explorer, the self-assessment).
WIDGET_CALL = re.compile(r"\bwidgets\.\w+\(")
#: A first line that asks the learner to change the cell and run it again ("Then try capacity=9").
INVITES_A_CHANGE = re.compile(r"\bthen (try|edit|write)\b", re.IGNORECASE)


def kind(source: str) -> str:
    """What a code cell asks of the learner, read from the cell itself, not only from its first comment.

    "help" (a commented-out "# Stuck?" cell), "worked" (a "# Your turn" cell), "check" (a widget to answer),
    "try" (run, then change something and run again) or "run-only" (everything else: "# Just run",
    "# Where you are", "Read it, then run it", ...).
    """
    first = source.lstrip().splitlines()[0].lower() if source.strip() else ""
    if first.startswith("# stuck?"):
        return "help"
    if first.startswith("# your turn"):
        return "worked"
    if WIDGET_CALL.search(source):
        return "check"
    if not first.startswith("# just run") and INVITES_A_CHANGE.search(first):
        return "try"
    return "run-only"


def run_only_share(paths: list[Path]) -> tuple[int, int]:
    """(run-only cells, code cells that are not help cells): help cells are hints the learner may open."""
    kinds = [kind(s) for p in paths for s in _code(p)]
    return kinds.count("run-only"), len(kinds) - kinds.count("help")


def test_cells_are_classified_by_what_they_ask() -> None:
    assert kind("# Stuck? Remove the # in front of one line and run the cell.\n# turns.hint('x')") == "help"
    assert kind("# Your turn: replace ... and run the cell.\nx = ...\nturns.check('x', x)") == "worked"
    assert kind("# Run this cell, then answer each question.\nwidgets.chapter_quiz('10')") == "check"
    assert kind("# Just run this cell, then answer each question.\nwidgets.chapter_quiz('10')") == "check"
    assert kind("# Run this cell: the plan. Then try capacity=9 and see what waits.\nplan(13)") == "try"
    assert kind("# Where you are in the course.\nprogress.here('00')") == "run-only"
    assert kind("# Read it, then run it: tickets per week.\nper_week = ...") == "run-only"
    assert kind("# Just run this cell: then try nothing.\ndisplay.table(x)") == "run-only"
    assert kind("# Run this cell: who an APM is.\ndisplay.table(x)") == "run-only"  # rewording is no escape


def test_few_cells_are_only_run() -> None:
    """At most 40 % of the cells a learner meets only ask to be run (help cells left out, 'where you are' in)."""
    run_only, cells = run_only_share(CHAPTERS)
    per_chapter = {p.stem[:2]: "{}/{}".format(*run_only_share([p])) for p in CHAPTERS}
    assert run_only <= 0.40 * cells, f"{run_only} of {cells} code cells only ask to be run: {per_chapter}"
