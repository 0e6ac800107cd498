"""What every stored notebook must satisfy; shared by the course and (later) exercise style tests."""

from __future__ import annotations

import re
from pathlib import Path

from pmkit import notebooks

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
TIME = re.compile(r"\*\*Estimated time:\*\*\s*(\d+)\s*minutes")
MAX_CODE_LINES = 12


def markdown_lines(nb):
    """Markdown lines outside fenced code blocks, with the index of their cell."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.strip().startswith("```"):
                fenced = not fenced
            elif not fenced:
                yield index, line


def h1_cells(nb) -> list[int]:
    return [i for i, line in markdown_lines(nb) if re.match(r"^#\s", line) or "<h1" in line.lower()]


def broken_links(nb, path: Path) -> list[str]:
    broken = []
    for index, line in markdown_lines(nb):
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue  # absolute URLs and in-page anchors
            file_part = target.split("#", 1)[0].split("?", 1)[0]
            if not (path.parent / file_part).exists():
                broken.append(f"cell {index}: {target}")
    return broken


def problems(path: Path, exercise: bool = False) -> list[str]:
    """Everything wrong with one stored notebook, as learner-readable lines.

    Exercises state one learning objective and carry nbgrader metadata (kept by cleaning);
    their answer and test cells may run longer than a chapter's cells.
    """
    nb = notebooks.read(path)
    found = []
    h1 = h1_cells(nb)
    if len(h1) != 1:
        found.append(f"needs exactly one H1 heading, has {len(h1)} (cells {h1})")
    elif h1[0] != 0:
        found.append(f"the H1 heading must be in the first cell, not cell {h1[0]}")
    text = "\n".join(line for _, line in markdown_lines(nb))
    if not re.search(r"Learning objectives?\b", text):
        found.append("no 'Learning objectives' section")
    if not TIME.search(text):
        found.append("no '**Estimated time:** N minutes' line")
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        found.append("kernel is not python3")
    if notebooks.bad_cell_ids(nb):
        found.append(f"bad cell ids: {notebooks.bad_cell_ids(nb)}")
    if path.read_text(encoding="utf-8") != notebooks.dumps(notebooks.clean(nb)):
        found.append("not stored clean (outputs, counts or stray metadata); run `make notebooks`")
    found += [f"broken link in {b}" for b in broken_links(nb, path)]
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if re.search(r"\balt\.(Chart|LayerChart|layer)\b", cell.source):
            found.append(f"cell {index} builds an altair chart directly; add it to pmkit.teach.charts so it is titled")
        if not exercise and len(cell.source.splitlines()) > MAX_CODE_LINES:
            found.append(f"cell {index} has more than {MAX_CODE_LINES} lines; move machinery into pmkit")
    return found
