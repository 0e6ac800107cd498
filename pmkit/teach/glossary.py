"""The course's glossary: terms as data, a page learners open, and links where a term first appears.

``datasets/course/glossary.csv`` holds the terms; :func:`page` renders them as ``course/glossary.md``
(a test keeps that file up to date); :func:`link_first_uses` puts one link to the glossary at each
term's first appearance in the chapters, in chapter order, in Markdown text only (never in headings,
code or existing links). Both are run from the command line::

    python -m pmkit.teach.glossary page            # rewrite course/glossary.md from the data
    python -m pmkit.teach.glossary link [--check]  # link first uses in course/*.ipynb (or list them)
"""

from __future__ import annotations

import html
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pmkit.paths import REPO_ROOT, datasets_dir
from pmkit.tables import Column, Schema, choices, load
from pmkit.teach.roles import SOURCES

if TYPE_CHECKING:
    import pandas as pd

#: ``course`` marks a definition in the course's own words; the others name the article it follows.
SCHEMA = Schema("glossary.csv", (
    Column("term"), Column("aliases"), Column("definition"),
    Column("source", choices=choices([*SOURCES, "course"]))), key=("term",))
PAGE = REPO_ROOT / "course" / "glossary.md"
ARTICLES = {"000_90597afea951d368.txt": "the first article", "004_dbf6c9ef40c4bc2e.txt": "the second article"}


@dataclass(frozen=True)
class Term:
    """One glossary entry: its heading, the spellings found in text, its definition and its source."""

    term: str
    spellings: tuple[str, ...]
    definition: str
    source: str

    @property
    def anchor(self) -> str:
        """The id JupyterLab gives the term's heading on the glossary page (spaces become dashes)."""
        return self.term.replace(" ", "-")

    @property
    def fragment(self) -> str:
        """The anchor as a link fragment (parentheses encoded, or Markdown would end the link early)."""
        from urllib.parse import quote

        return quote(self.anchor, safe="-/")


def table() -> pd.DataFrame:
    """The glossary as validated rows, in file order."""
    return load(SCHEMA, datasets_dir() / "course")


def terms() -> list[Term]:
    """Every term, alphabetically, with its spellings longest first (so "backlog grooming" wins)."""
    rows = table().to_dict("records")
    found = [Term(r["term"], tuple(sorted({s.strip() for s in r["aliases"].split("|") if s.strip()},
                                          key=len, reverse=True)), r["definition"], r["source"]) for r in rows]
    return sorted(found, key=lambda t: t.term.lower())


def page() -> str:
    """The glossary page as Markdown: one heading and definition per term, its origin said plainly."""
    lines = ["# Glossary", "",
             "The words of product work this course uses, A to Z. Each chapter links a term where it first "
             "appears. Definitions are in the course's own words; where one follows an article, it says so.", ""]
    for term in terms():
        origin = (f"*Following {ARTICLES[term.source]}.*" if term.source in ARTICLES
                  else "*The course's own definition.*")
        definition = html.escape(term.definition, quote=False)  # "<user>" is text, not an HTML tag
        lines += [f"## {term.term}", "", f"{definition} {origin}", ""]
    lines += ["---", "", "Generated from `datasets/course/glossary.csv` by `python -m pmkit.teach.glossary page`; "
              "edit the data, not this page.", ""]
    return "\n".join(lines)


_SKIP = re.compile(r"(`[^`]*`|\[[^\]]*\]\([^)]*\)|<[^>]+>|https?://\S+)")  # code, links, HTML, URLs


def _pattern(term: Term) -> re.Pattern[str]:
    """Any spelling of the term as a whole word; acronyms match in capitals only."""
    parts = []
    for spelling in term.spellings:
        escaped = re.escape(spelling)
        parts.append(escaped if spelling.isupper() else f"(?i:{escaped})")
    return re.compile(rf"(?<![\w/-])({'|'.join(parts)})(?![\w/-])")


def _link_once(text: str, term: Term, target: str) -> tuple[str, bool]:
    """Link the first use of ``term`` in Markdown ``text`` outside headings, code and links."""
    pattern = _pattern(term)
    out, done, fenced = [], False, False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if done or fenced or line.lstrip().startswith("#"):
            out.append(line)
            continue
        pieces = _SKIP.split(line)
        for index in range(0, len(pieces), 2):  # even pieces are plain text, odd ones are skipped
            match = pattern.search(pieces[index])
            if match:
                word = match.group(1)
                pieces[index] = (pieces[index][:match.start(1)] + f"[{word}]({target}#{term.fragment})"
                                 + pieces[index][match.end(1):])
                done = True
                break
        out.append("".join(pieces))
    return "\n".join(out), done


def first_uses(paths: Sequence[Path]) -> dict[str, tuple[Path, int]]:
    """Each term's first appearance in these notebooks, in the order given: (notebook, cell index)."""
    import nbformat

    found: dict[str, tuple[Path, int]] = {}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "markdown":
                continue
            for term in terms():
                if term.term not in found and _link_once(cell.source, term, "x")[1]:
                    found[term.term] = (path, index)
    return found


def link_first_uses(paths: Sequence[Path], glossary: Path = PAGE) -> dict[str, tuple[Path, int]]:
    """Insert a link to the glossary at each term's first use across ``paths`` (chapter order); idempotent.

    Cells are read in order and longer terms tried first, so "groom the backlog" links to backlog
    grooming and "backlog" waits for its own next use. A term already linked to the glossary anywhere in
    these notebooks is left alone. Returns what it linked: term to (notebook, cell index).
    """
    import nbformat

    from pmkit import notebooks

    books = {path: nbformat.read(path, as_version=4) for path in paths}
    everything = "\n".join(c.source for nb in books.values() for c in nb.cells if c.cell_type == "markdown")
    waiting = sorted((t for t in terms() if f"{glossary.name}#{t.fragment})" not in everything),
                     key=lambda t: -len(t.spellings[0]))
    linked: dict[str, tuple[Path, int]] = {}
    for path, nb in books.items():
        target = Path(os.path.relpath(glossary.resolve(), path.resolve().parent)).as_posix()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "markdown":
                continue
            for term in [t for t in waiting if t.term not in linked]:
                cell.source, done = _link_once(cell.source, term, target)
                if done:
                    linked[term.term] = (path, index)
    for path in {p for p, _ in linked.values()}:
        path.write_text(notebooks.dumps(books[path]), encoding="utf-8")
    return linked


def _chapters() -> list[Path]:
    return sorted((REPO_ROOT / "course").glob("[0-9][0-9]-*.ipynb"))


def main(argv: Sequence[str] | None = None) -> int:
    """``page`` rewrites course/glossary.md; ``link`` links first uses in the chapters (``--check`` lists)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["page"]:
        PAGE.write_text(page(), encoding="utf-8")
        print(f"wrote {PAGE.relative_to(REPO_ROOT)} ({len(terms())} terms)")
        return 0
    if args[:1] == ["link"]:
        if "--check" in args:
            for term, (path, index) in first_uses(_chapters()).items():
                print(f"{term}: {path.name}, cell {index}")
            return 0
        for term, (path, index) in link_first_uses(_chapters()).items():
            print(f"linked {term} in {path.name}, cell {index}")
        return 0
    print(__doc__.split("::")[1].strip("\n"), file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
