"""What a learner sees in JupyterLab at 1280 px, offline: money as money, readable lines, honest marks, one look.

One learner-mode lab (`make lab`) serves every test here; each test runs a chapter in a fresh tab that can
reach only the loopback server. Screenshots go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import nbformat
import pytest
from playwright.sync_api import expect

from tests.browser.test_browser import (
    ARTIFACTS,
    Lab,
    _element_shot,
    _open,
    _panel,
    _run_all,
    _run_cell,
    _type_into_cell,
    chapter_quiz,
    pytestmark,  # noqa: F401 - the browser tests' marks and Chromium skip
)
from tests.conftest import COURSE

#: The reading width asked for: about 80 characters a line; 92-116 was too long.
LINE_CHARS = (60, 90)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    served = Lab("learner", tmp_path_factory.mktemp("learner-view"))
    yield served
    served.stop()


@pytest.fixture(scope="module")
def chapter_01(lab, browser):
    """Chapter 01 after Run All, in a 1280 px tab that can reach only this machine."""
    from tests.conftest import offline_context

    context = offline_context(browser)
    tab = context.new_page()
    tab.outside_requests = context.outside_requests
    _open(tab, lab, "course/01-at-a-glance.ipynb")
    _run_all(tab)
    _panel(tab).locator(".pmkit-quiz").first.wait_for(timeout=60_000)
    yield tab
    context.close()


def test_dollar_amounts_read_as_money_not_as_a_formula(chapter_01):
    panel = _panel(chapter_01)
    line = panel.locator(".jp-OutputArea-output", has_text="Yearly ranges:").first
    line.wait_for(timeout=30_000)
    text = line.inner_text()
    assert "$70,000\u2013$110,000" in text and "$60,000" in text, text
    assert panel.locator("mjx-container").count() == 0  # nothing on the page was typeset as maths
    _element_shot(line, "learner-view-dollars")
    assert chapter_01.outside_requests == []


def _chars_per_line(locator) -> float:
    """A paragraph's characters per rendered line: its text over its height in lines."""
    chars, height, line_height = locator.evaluate(
        "e => [e.textContent.replace(/\\s+/g, ' ').trim().length, e.getBoundingClientRect().height,"
        " parseFloat(getComputedStyle(e).lineHeight)]")
    lines = round(height / line_height)
    assert lines >= 3, (chars, height, line_height)  # long enough to measure its full lines
    return chars / lines


def test_prose_lines_are_about_80_characters_at_1280_px(chapter_01):
    assert chapter_01.viewport_size["width"] == 1280
    panel = _panel(chapter_01)
    paragraphs = panel.locator(".jp-MarkdownCell .jp-RenderedMarkdown > p")
    longest = max(range(paragraphs.count()), key=lambda i: len(paragraphs.nth(i).inner_text()))
    measured = _chars_per_line(paragraphs.nth(longest))
    print(f"\nchapter 01's longest paragraph: {measured:.0f} characters a line at 1280 px")
    assert LINE_CHARS[0] <= measured <= LINE_CHARS[1], measured


def test_a_wrong_toggle_choice_is_marked_with_a_cross_and_a_right_one_with_a_tick(chapter_01):
    panel = _panel(chapter_01)
    questions = panel.locator(".pmkit-quiz .widget-toggle-buttons")
    feedback = panel.locator(".pmkit-quiz .pmkit-feedback")
    first, second = chapter_quiz("01-at-a-glance.ipynb").questions[:2]  # the chapter's quiz, as the kernel builds it
    wrong = next(o for o in second.options if o != second.answer)
    questions.nth(0).locator("button", has_text=first.answer).click()
    questions.nth(1).locator("button", has_text=wrong).click()
    expect(feedback.nth(1)).to_contain_text("Not quite", timeout=30_000)
    expect(feedback.nth(0)).to_contain_text("Correct", timeout=30_000)
    marks = [questions.nth(i).locator("button.mod-active").evaluate(
        "e => getComputedStyle(e, '::before').content") for i in (0, 1)]
    assert "\u2714" in marks[0] and "\u2718" not in marks[0], marks
    assert "\u2718" in marks[1] and "\u2714" not in marks[1], marks  # the wrong choice: never a tick
    assert feedback.nth(1).inner_text().startswith("\u2718")
    _element_shot(panel.locator(".pmkit-quiz").first, "learner-view-quiz-right-and-wrong")


def test_feedback_wraps_between_words_at_a_readable_width(chapter_01):
    box = _panel(chapter_01).locator(".pmkit-quiz .pmkit-feedback").first
    style = box.evaluate("e => [getComputedStyle(e).wordBreak, getComputedStyle(e).overflowWrap,"
                         " e.getBoundingClientRect().width, parseFloat(getComputedStyle(e).fontSize)]")
    assert style[:2] == ["normal", "break-word"], style
    assert style[2] <= 44 * style[3], style  # at most the 42em reading width plus its padding


def _cell_index(notebook: str, cell_id: str) -> int:
    return [c.id for c in nbformat.read(COURSE / notebook, as_version=4).cells].index(cell_id)


def test_chapter_10_try_wrong_then_right_and_where_you_are(lab, browser):
    """Chapter 10's first try answered wrongly, then rightly: one look of feedback; the screenshots for the note."""
    from tests.conftest import offline_context

    notebook = "10-pandas-for-product-work.ipynb"
    context = offline_context(browser, height=900)
    tab = context.new_page()
    try:
        _open(tab, lab, f"course/{notebook}")
        _run_all(tab)
        panel = _panel(tab)
        assert panel.locator(".jp-OutputArea-output", has_text="Hint for").count() == 0  # no hint on Run All
        printed = panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stdout'] > pre")
        style = printed.first.evaluate("e => [getComputedStyle(e).wordBreak, getComputedStyle(e).overflowWrap,"
                                       " getComputedStyle(e).maxWidth]")
        assert style[:2] == ["normal", "break-word"] and style[2].endswith("px"), style  # words stay whole
        where = panel.locator(".pmkit-here").first
        expect(where).to_contain_text("Chapter 10 (Pandas for product work), the 11th of 14", timeout=30_000)
        expect(where).to_contain_text("pmkit progress")
        expect(where).to_contain_text("Checks in this chapter: 0 of")
        quiz = panel.locator(".pmkit-quiz").first
        quiz.scroll_into_view_if_needed()
        quiz.locator(".widget-radio-box label, .widget-toggle-buttons button").first.click()
        expect(where).to_contain_text("Checks in this chapter: 1 of", timeout=30_000)  # it follows the answers
        index = _cell_index(notebook, "try-filter")
        _type_into_cell(tab, index, 'team_export = len(requests[requests["plan"] == "team"])\n'
                                    'tries.check("team_export", team_export)')
        cell = _run_cell(tab, index)
        box = cell.locator(".pmkit-feedback")
        expect(box).to_contain_text("\u2718 Not yet: team_export: that is every request from team-plan customers",
                                    timeout=30_000)
        assert "pmkit-incorrect" in box.get_attribute("class")
        _element_shot(cell, "ch10-try-wrong")
        _type_into_cell(tab, index, 'team_export = len(requests[(requests["plan"] == "team") & '
                                    '(requests["topic"] == "export")])\ntries.check("team_export", team_export)')
        cell = _run_cell(tab, index)
        expect(cell.locator(".pmkit-feedback")).to_contain_text("\u2714 Correct: team_export is right.",
                                                                timeout=30_000)
        _element_shot(cell, "ch10-try-right")
        hint = _cell_index(notebook, "hint-filter")
        _type_into_cell(tab, hint, 'tries.hint("team_export")')
        shown = _run_cell(tab, hint)
        expect(shown.locator(".jp-OutputArea")).to_contain_text("Hint for team_export", timeout=30_000)
        _element_shot(shown, "ch10-hint-on-request")
        assert context.outside_requests == []
    finally:
        context.close()
    assert (ARTIFACTS / "ch10-try-wrong.png").exists() and (ARTIFACTS / "ch10-try-right.png").exists()


# --- three worked cells, answered wrongly then rightly: the screenshots the issue asked for --------------------

@dataclass(frozen=True)
class WorkedCell:
    """A "# Your turn" cell, a wrong answer from its turn's own examples, and the words that name that mistake.

    ``wrong`` is ``(status, value, because)`` of an example in the turn's own list; ``*_code`` is what the
    learner types for the answer where it is not simply the example's value (pandas that computes it).
    """

    notebook: str
    cell: str
    turn: str
    wrong: tuple[str, Any, Any]
    names_mistake: str
    wrong_code: str | None = None
    right_code: str | None = None


WORKED = (
    # The right label with no reason: the partial answer the issue names.
    WorkedCell("01-at-a-glance.ipynb", "ad-try", "glance-ad", ("partial", "APM", None),
               "now write a sentence saying why on the because line"),
    WorkedCell("06-decision-making.ipynb", "who-try", "decide-who", ("incorrect", "JPM", "It is about capacity."),
               "no planned work is being reordered, dated or tested here"),
    # The rate over every payout-delay escalation, months with no churn figure included.
    WorkedCell("11-case-studies.ipynb", "try-churn", "case3-churn-rate", ("incorrect", 31.8, None),
               "you divided by all 330 escalations",
               wrong_code='payout["churned_sellers"].sum() / payout["escalations"].sum() * 100',
               right_code='known["churned_sellers"].sum() / known["escalations"].sum() * 100'),
)


def _example(turn, status: str, value: Any = None, because: Any = None):
    """The turn's own example with this status (and this value and reason, where given): the framework's list."""
    found = [e for e in turn.examples if e.status == status
             and (value is None or (e.value, e.because) == (value, because))]
    assert found, f"turn {turn.name} lists no {status} example {value!r} (because={because!r})"
    return found[0]


def _answered(source: str, code: dict[str, str]) -> str:
    """The cell's own source with each ``name = ...`` line's ``...`` replaced, as a learner fills it in."""
    lines = []
    for line in source.splitlines():
        name = re.match(r"(\w+) = \.\.\.", line)
        if name and name[1] in code:
            line = f"{name[1]} = {code[name[1]]}" + line[name.end():]
        lines.append(line)
    return "\n".join(lines)


def _typed(value: Any) -> str:
    """A value as a learner writes it in a cell ("APM", 31.8); None (no reason given) leaves the ``...``."""
    return "..." if value is None else json.dumps(value)


def _pandas_value(chapter: str, expression: str) -> float:
    """What ``expression`` gives on chapter 11's payout-delay rows, computed here as the kernel computes it."""
    from pmkit.teach import cases

    assert chapter == "11", chapter
    escalations = cases.table("escalations")
    payout = escalations[escalations["reason"] == "payout delay"]
    known = payout.dropna(subset=["churned_sellers"])
    return float(eval(expression, {}, {"payout": payout, "known": known}))  # the test's own expression


def _visible_feedback(cell, status: str, message: str) -> str:
    """Wait for the cell's feedback box to say ``message``; check it is alone, unclipped, with no error under it."""
    box = cell.locator(".pmkit-feedback")
    expect(box).to_contain_text(message, timeout=60_000)
    assert box.count() == 1 and f"pmkit-{status}" in box.get_attribute("class")
    assert cell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    whole = box.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight")
    assert whole, "the feedback box clips its text"
    return box.inner_text()


@pytest.mark.parametrize("worked", WORKED, ids=[w.turn for w in WORKED])
def test_a_worked_cell_answered_wrongly_then_rightly_shows_what_is_wrong_then_correct(lab, browser, worked):
    """In a learner's lab: a mistake a learner makes gets "Not yet" or "Partly right" naming it, then "Correct"."""
    from pmkit.teach import turns
    from tests.conftest import offline_context

    turn = turns.find(worked.turn)
    wrong = _example(turn, *worked.wrong)
    right = _example(turn, turns.CORRECT)
    if worked.wrong_code:  # the pandas the learner types gives the example's value, as the kernel will compute it
        assert math.isclose(_pandas_value(turn.chapter, worked.wrong_code), wrong.value, abs_tol=turn.tolerance)
        assert math.isclose(_pandas_value(turn.chapter, worked.right_code), right.value, abs_tol=turn.tolerance)
    source = _cell_source(worked.notebook, worked.cell)
    variable = re.search(rf'check\("{turn.name}", (\w+)', source)[1]  # the cell's answer variable
    index = _cell_index(worked.notebook, worked.cell)
    context = offline_context(browser, height=900)
    tab = context.new_page()
    try:
        _open(tab, lab, f"course/{worked.notebook}")
        _run_all(tab)
        for step, example, code in ((1, wrong, worked.wrong_code), (2, right, worked.right_code)):
            expected = turns.evaluate(turn.name, example.value, example.because)
            assert expected.status == example.status, (example, expected)
            _type_into_cell(tab, index, _answered(source, {variable: code or _typed(example.value),
                                                           "because": _typed(example.because)}))
            cell = _run_cell(tab, index)
            scroller = cell.locator(".cm-scroller")
            assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth"), "the typed answer runs off the cell"
            shown = _visible_feedback(cell, example.status, expected.message)
            if step == 1:
                look = "\u2718 Not yet: " if example.status == turns.INCORRECT else "\u25D1 Partly right: "
                assert shown.startswith(look), shown
                assert worked.names_mistake in shown, shown
            else:
                assert shown.startswith("\u2714 Correct. ") and turn.why in shown, shown
            _element_shot(cell, f"{turn.chapter}-{turn.name}-{step}-{'wrong' if step == 1 else 'right'}")
        assert context.outside_requests == []
    finally:
        context.close()
    for step in ("1-wrong", "2-right"):
        assert (ARTIFACTS / f"{turn.chapter}-{turn.name}-{step}.png").exists()


def _cell_source(notebook: str, cell_id: str) -> str:
    return next(c.source for c in nbformat.read(COURSE / notebook, as_version=4).cells if c.id == cell_id)
