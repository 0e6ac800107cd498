"""Learner HTML made inert: an allowlist of plain markup (text, lists, code, links, tables), everything else text.

Used wherever a page shows HTML a learner or a roster could have written (Formgrader's rendering of a
Markdown answer, for one). Tags outside the allowlist are escaped, so ``<script>`` or ``<svg onload=…>`` is
shown as the characters typed, never run; allowed tags keep only harmless attributes (no ``style``, no
``on*``, no ``id`` to clobber a page's names), and links and images only ``http``, ``https`` and ``mailto``
(images also inline ``data:``). Tables (``table``/``thead``/``tbody``/``tr``/``th``/``td``) pass as plain
table markup, so a pandas table a learner printed stays a table.
"""

from __future__ import annotations

import functools
from typing import Any

#: Tags that pass as markup; anything else is shown as text.
TAGS = frozenset({
    "p", "br", "hr", "div", "span", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "u", "s", "del",
    "ins", "mark", "small", "sub", "sup", "code", "pre", "kbd", "samp", "var", "blockquote", "q", "abbr", "cite",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
})
#: The only attributes kept, per tag ("*": any allowed tag).
ATTRIBUTES = {
    "*": ["class", "title"],
    "a": ["href", "class", "title"],
    "img": ["src", "alt", "class", "title", "width", "height"],
    "th": ["class", "title", "colspan", "rowspan", "align", "scope"],
    "td": ["class", "title", "colspan", "rowspan", "align"],
    "ol": ["start", "class"],
}
PROTOCOLS = frozenset({"http", "https", "mailto", "data"})


#: Tags a learner's HTML *output* keeps (Formgrader's rendering of code cells): no headings, so a displayed
#: "<h1>100/100</h1>" can never pose as the page's own, yet a pandas table stays a table.
OUTPUT_TAGS = TAGS - {"h1", "h2", "h3", "h4", "h5", "h6", "hr"}


@functools.cache
def _cleaner(tags: frozenset[str] = TAGS) -> Any:
    import bleach

    def attribute_ok(tag: str, name: str, value: str) -> bool:
        if name not in ATTRIBUTES.get(tag, ATTRIBUTES["*"]):
            return False
        lowered = value.strip().lower()
        if name in ("href", "src") and lowered.startswith("data:"):  # a data: link opens a page the learner wrote
            return name == "src" and lowered.startswith("data:image/") and not lowered.startswith("data:image/svg")
        return True

    return bleach.Cleaner(tags=tags, attributes=attribute_ok, protocols=PROTOCOLS, strip=False,
                          strip_comments=True)


def clean(html: str) -> str:
    """``html`` with only allowlisted, attribute-safe markup left; every other tag escaped into visible text."""
    return _cleaner().clean(str(html))


def clean_output(html: str) -> str:
    """A learner's HTML output made inert like :func:`clean`, with no headings either (:data:`OUTPUT_TAGS`)."""
    return _cleaner(OUTPUT_TAGS).clean(str(html))
