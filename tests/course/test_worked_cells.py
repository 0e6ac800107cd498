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


def test_few_cells_are_only_run() -> None:
    code = [s for p in CHAPTERS for s in _code(p)]
    just_run = [s for s in code if s.lstrip().lower().startswith("# just run")]
    assert len(just_run) <= 0.40 * len(code), f"{len(just_run)} of {len(code)} code cells are 'Just run' cells"
