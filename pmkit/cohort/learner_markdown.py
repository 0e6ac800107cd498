"""A learner's Markdown made safe to show another learner: inert, anonymous, bounded.

Used where one learner reads what another wrote (the PRDs in a peer-review notebook). The text is capped
in length before it is parsed; the author's roster id, names and e-mail are replaced; then it is parsed
with mistune and written back as plain Markdown from its tree: raw HTML becomes visible text (entities,
so no ``<script>`` survives even in the source), images become a note, links keep their words but lose
their address, bare addresses and e-mails are written so no renderer turns them into links, and headings
move down under the notebook's own (a notebook keeps exactly one H1). Anything the writer does not know
is kept as escaped text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: The most characters of one learner's Markdown shown; a one-page PRD is about 3,000.
MAX_CHARS = 20_000
REMOVED_NAME = "[name removed]"
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_",
            "[": "\\[", "]": "\\]", "|": "\\|", "~": "\\~", "$": "<span>&#36;</span>", "@": "&#64;"}
_SPECIAL = re.compile(r"[&<>\\`*_\[\]|~$@]")
_URLISH = re.compile(r"(?i)\b(https?|ftp|file|javascript|data)(:)|\b(www)(\.)")
_LINE_START = re.compile(r"(?m)^(\s*)([#+\-=]|\d+[.)])")


def _escape(text: str) -> str:
    """Plain text as Markdown that shows exactly it: no markup, no HTML, no autolinks."""
    text = _SPECIAL.sub(lambda m: _ESCAPES[m.group()], text)
    text = _URLISH.sub(lambda m: f"{m.group(1)}&#58;" if m.group(1) else f"{m.group(3)}&#46;", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if not m.group(2)[0].isdigit()
                           else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def redact(text: str, names: Iterable[str], exact: Iterable[str] = ()) -> str:
    """``text`` with each of ``names`` (whole words, any case) and ``exact`` (whole words, as written) replaced.

    Ids, full names and e-mails go in ``names``; a first or last name alone goes in ``exact``, so that an
    author called Will or Page does not lose every "will" and "page" of their PRD.
    """
    found = [(n.strip(), re.I) for n in names if n and len(n.strip()) >= 2]
    found += [(n.strip(), 0) for n in exact if n and len(n.strip()) >= 2]
    for name, flags in sorted(set(found), key=lambda pair: len(pair[0]), reverse=True):
        text = re.sub(rf"(?<![\w]){re.escape(name)}(?![\w])", REMOVED_NAME, text, flags=flags)
    return text


def _fence(text: str) -> str:
    run = max((len(m) for m in re.findall(r"`+|~+", text)), default=0)
    return "`" * max(3, run + 1)


class _Writer:
    """Writes a mistune 3 tree back as Markdown, keeping only inert markup."""

    def __init__(self, shift: int) -> None:
        self.shift = shift

    def inline(self, nodes: list[dict[str, Any]]) -> str:
        out = []
        for node in nodes:
            kind = node.get("type")
            children = node.get("children") or []
            if kind == "text":
                out.append(_escape(node.get("raw", "")))
            elif kind in ("emphasis", "strong", "strikethrough"):
                mark = {"emphasis": "*", "strong": "**", "strikethrough": "~~"}[kind]
                inner = self.inline(children).strip()
                out.append(f"{mark}{inner}{mark}" if inner else "")
            elif kind == "codespan":
                code = node.get("raw", "").replace("\n", " ")
                ticks = "`" * (max((len(m) for m in re.findall(r"`+", code)), default=0) + 1)
                out.append(f"{ticks} {code} {ticks}" if code.strip() else "")
            elif kind == "linebreak":
                out.append("  \n")
            elif kind == "softbreak":
                out.append("\n")
            elif kind == "image":
                out.append("*[image removed]*")
            elif kind == "link":
                words = self.inline(children)
                out.append(f"{words} *(link removed)*" if words.strip() else "*(link removed)*")
            elif kind == "inline_html":
                out.append(_escape(node.get("raw", "")))
            else:
                out.append(self.inline(children) if children else _escape(node.get("raw", "")))
        return "".join(out)

    def blocks(self, nodes: list[dict[str, Any]]) -> list[str]:
        return [block for node in nodes if (block := self.block(node))]

    def block(self, node: dict[str, Any]) -> str:
        kind = node.get("type")
        children = node.get("children") or []
        if kind == "blank_line":
            return ""
        if kind == "heading":
            level = min(6, int(node.get("attrs", {}).get("level", 1)) + self.shift)
            return "#" * level + " " + self.inline(children).replace("\n", " ")
        if kind in ("paragraph", "block_text"):
            return self.inline(children)
        if kind == "block_code":
            code = node.get("raw", "")
            fence = _fence(code)
            return f"{fence}text\n{code.rstrip()}\n{fence}"
        if kind == "block_html":
            return _escape(node.get("raw", "").rstrip())
        if kind == "thematic_break":
            return "---"
        if kind == "block_quote":
            inner = "\n\n".join(self.blocks(children))
            return "\n".join(f"> {line}" if line else ">" for line in inner.splitlines())
        if kind == "list":
            ordered = node.get("attrs", {}).get("ordered")
            start = int(node.get("attrs", {}).get("start") or 1)
            items = []
            for number, item in enumerate(children, start=start):
                marker = f"{number}. " if ordered else "- "
                inner = ("\n" if node.get("tight") else "\n\n").join(self.blocks(item.get("children") or []))
                lines = inner.splitlines() or [""]
                items.append(marker + lines[0] + "".join(f"\n{' ' * len(marker)}{line}" if line else "\n"
                                                         for line in lines[1:]))
            return "\n".join(items) if node.get("tight") else "\n\n".join(items)
        if kind == "table":
            rows: list[list[str]] = []
            for part in children:
                for row in ([part] if part.get("type") == "table_head" else part.get("children") or []):
                    rows.append([self.inline(cell.get("children") or []).replace("\n", " ")
                                 for cell in row.get("children") or []])
            if not rows:
                return ""
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
            return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows[1:]])
        if children:
            return "\n\n".join(self.blocks(children)) if any("type" in c and c["type"] in _BLOCKS for c in children) \
                else self.inline(children)
        return _escape(str(node.get("raw", "")))


_BLOCKS = {"paragraph", "block_text", "heading", "block_code", "block_html", "list", "block_quote", "table",
           "thematic_break", "blank_line"}


def inert(markdown: str, *, redacted: Iterable[str] = (), exact: Iterable[str] = (), shift: int = 2,
          limit: int = MAX_CHARS) -> str:
    """A learner's Markdown made safe to show another learner (see the module's docstring)."""
    import mistune

    text = str(markdown).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    cut = len(text) > limit
    text = redact(text[:limit], redacted, exact)
    try:
        tree = mistune.create_markdown(renderer=None, plugins=["table", "strikethrough"])(text)
        shown = "\n\n".join(_Writer(shift).blocks(tree if isinstance(tree, list) else []))
    except RecursionError:  # nested beyond reason: show it as plain text instead
        shown = _escape(text)
    if cut:
        shown += (f"\n\n*[The rest was cut: only the first {limit:,} characters are shown; the author's full text "
                  "is with the instructor.]*")
    return shown.strip() + "\n"
