"""pmkit.safe_html: learner markup is inert (shown as text or stripped of what runs); plain tables stay tables."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest

from pmkit.safe_html import TAGS, clean

RUNS = ['<script>window.__pwned=1</script>', '<svg onload="window.__pwned=1"></svg>',
        '<img src="x" onerror="window.__pwned=1">', '<iframe srcdoc="<script>x</script>"></iframe>',
        '<a href="javascript:window.__pwned=1">x</a>', '<a href="data:text/html,<script>x</script>">x</a>',
        '<style>body{display:none}</style>', '<td style="background:url(javascript:1)" onclick="x">a</td>',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">', '<math><mi xlink:href="javascript:1">x</mi></math>',
        '<object data="x.swf"></object>', '<form action="/formgrader/api"><input name="score"></form>']


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from some HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.mark.parametrize("markup", RUNS)
def test_nothing_that_runs_or_restyles_survives(markup):
    for tag, attrs in _Elements(clean(markup)).found:
        assert tag in TAGS, (markup, tag)
        for name, value in attrs:
            assert not name.startswith("on") and name not in ("style", "id", "srcdoc"), (markup, name)
            lowered = (value or "").strip().lower()
            assert not lowered.startswith(("javascript:", "data:text", "data:image/svg")), (markup, value)


def test_disallowed_tags_are_shown_as_the_characters_typed():
    assert clean("<script>x()</script>") == "&lt;script&gt;x()&lt;/script&gt;"
    assert clean('<img src="x" onerror="y">') == '<img src="x">'


def test_a_pandas_table_stays_a_plain_table():
    out = clean(pd.DataFrame({"role": ["APM", "JPM"], "years": [0, 1]}).to_html())
    assert out.count("<tr>") == 3 and "<th>role</th>" in out and "<td>APM</td>" in out
    assert "style" not in out and "border" not in out

def test_an_output_keeps_its_table_but_no_heading_posing_as_the_page():
    from pmkit.safe_html import clean_output

    pandas = '<table class="dataframe"><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>'
    assert clean_output(pandas) == pandas
    fake = '<script>document.body.innerHTML="<h1>100/100</h1>"</script>'
    assert "<h1>" not in clean_output(fake) and "&lt;h1&gt;100/100" in clean_output(fake)
