"""What a learner sees: dollar amounts stay money, one look for every kind of feedback, honest toggle marks."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from pmkit.exercises import checks, outcomes
from pmkit.teach import display, pandas_tries, quiz, roles, theme, widgets
from tests.conftest import COURSE

#: A "$" the maths renderer can pair with another into a formula: any "$" not in pmkit's dollar element.
BARE_DOLLAR = re.compile(r"\$")


def _bare_dollars(html_or_markdown: str) -> list[str]:
    """The "$" signs MathJax would see outside inline code (pmkit's dollar element is an entity, not a "$")."""
    outside_code = re.sub(r"(`+).*?\1", "", html_or_markdown, flags=re.S)
    return BARE_DOLLAR.findall(outside_code)


def test_dollar_amounts_in_markdown_tables_and_feedback_are_never_a_formula():
    pay = f"Yearly ranges: **APM** {roles.pay_range('APM')}; **JPM** {roles.pay_range('JPM')}."
    assert pay.count("$") == 4  # the words as pmkit builds them: $70,000–$110,000 and the JPM range
    shown = display.markdown(pay).data
    assert _bare_dollars(shown) == [] and shown.count(display.DOLLAR) == 4
    assert "70,000" in shown and "110,000" in shown
    table = display.table(pd.DataFrame({"range": [roles.pay_range("APM")]}), caption="Pay in $")._repr_html_()
    assert _bare_dollars(table) == [] and table.count(display.DOLLAR) == 3
    box = theme.feedback_box("incorrect", "the APM range is $70,000–$110,000, not $60,000")
    assert _bare_dollars(box) == [] and box.count(display.DOLLAR) == 3
    assert display.dollars("run `x = '$5'` for $5") == f"run `x = '$5'` for {display.DOLLAR}5"  # code stays code


def test_chapter_markdown_writes_dollar_amounts_so_jupyterlab_shows_them():
    """JupyterLab's MathJax eats "$70,000–$110,000", and "\\$70,000" too (measured in JupyterLab 4.6)."""
    wrong = []
    for path in sorted(COURSE.glob("[0-9][0-9]-*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                wrong += [f"{path.name} cell {cell.id}: …{m.group()}…" for m in re.finditer(r".{0,20}\$\d.{0,10}",
                                                                                             cell.source)]
    assert not wrong, ("write a dollar amount in Markdown as <span>&#36;</span>70,000 (MathJax pairs any two "
                       f"'$', escaped or not): {wrong}")


def test_a_wrong_toggle_choice_is_never_marked_with_a_tick():
    quiz_widget = widgets.role_quiz("influence", per_topic=1)
    question = quiz_widget.questions[0]
    buttons = quiz_widget.choices[question.id]
    wrong = next(o for o in question.options if o != question.answer)
    quiz_widget.answer(question.id, wrong)
    assert "pmkit-chose-incorrect" in buttons._dom_classes and "pmkit-chose-correct" not in buttons._dom_classes
    quiz_widget.answer(question.id, question.answer)
    assert "pmkit-chose-correct" in buttons._dom_classes and "pmkit-chose-incorrect" not in buttons._dom_classes
    quiz_widget.answer(question.id, None)
    assert not {"pmkit-chose-correct", "pmkit-chose-incorrect"} & set(buttons._dom_classes)
    sheet = theme.style_sheet()
    ticks = [line for line in sheet.splitlines() if "mod-active::before" in line]
    assert ticks and all(("2714" in line) == ("pmkit-chose-correct" in line) for line in ticks), ticks
    assert any("pmkit-chose-incorrect" in line and "2718" in line for line in ticks)


def _parts(box: str) -> tuple[str, str, str]:
    """(status class, symbol, text) of a feedback box."""
    found = re.search(r'class="pmkit-feedback pmkit-(\w+)".*?<span class="pmkit-mark"[^>]*>(.)</span> (.*)</div>',
                      box, re.S)
    assert found, box
    return found.group(1), found.group(2), re.sub("<[^>]+>", "", found.group(3))


@pytest.mark.parametrize(("status", "symbol", "word"), [
    ("correct", "\u2714", "Correct"), ("incorrect", "\u2718", "Not yet"), ("partial", "\u25D1", "Partly right"),
    ("not attempted", "\u2026", "Not answered yet")])
def test_every_status_has_a_symbol_a_word_and_a_colour_of_its_own(status, symbol, word):
    key, shown_symbol, text = _parts(theme.feedback_box(status, "x: the message"))
    assert (shown_symbol, text) == (symbol, f"{word} \u2014 x: the message")
    for mode in ("light", "dark"):
        assert theme.contrast(*theme.FEEDBACK[key][mode]) >= 4.5
    colours = {theme.FEEDBACK[s]["light"] for s in theme.FEEDBACK}
    assert len(colours) == len(theme.FEEDBACK) == len(theme.MARKS)


def test_quizzes_tries_and_exercise_checks_share_the_one_feedback_look():
    q = quiz.Question("q", "?", ("APM", "JPM"), "APM", "APMs own it.", {"JPM": "JPMs deliver it."})
    quiz_box = widgets.feedback_html(quiz.grade(q, "JPM"))
    try_box = pandas_tries.check("team_export", 3)._repr_html_()
    partial = outcomes.partial_bundle(1.5, "\u2718 answers: incorrect for 1 of 4. Partial credit: 1.5 of 2 points.")
    assert _parts(quiz_box)[:2] == ("incorrect", "\u2718") and "Not quite: you chose JPM" in quiz_box
    assert _parts(try_box)[:2] == ("incorrect", "\u2718") and "Not yet: team_export" in try_box
    assert _parts(partial["text/html"]) == ("partial", "\u25D1", "Partly right \u2014 answers: incorrect for 1 of 4. "
                                                                 "Partial credit: 1.5 of 2 points.")
    assert partial["text/plain"] == "1.5"  # what nbgrader reads as the cell's points


def test_exercise_checks_in_a_learners_kernel_show_the_same_boxes(tmp_path):
    """In a real kernel (no nbgrader): right, wrong and unanswered are boxes; a wrong one is still an error."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in (
        "from pmkit import checks",
        'checks.check_number("rate", 0.97, 0.97)',
        'checks.check_number("rate", None, 0.97)',
        'checks.check_number("rate", 1.5, 0.97, hint="divide adopters by active users, a share between 0 and 1")',
    )]
    from nbclient import NotebookClient

    executed = NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}})
    executed.execute()
    executed = executed.nb
    right, blank, wrong = (c.outputs for c in executed.cells[1:])
    shown = [[o for o in outs if o.output_type == "display_data"] for outs in (right, blank, wrong)]
    assert [_parts(s[0].data["text/html"])[:2] for s in shown] == [
        ("correct", "\u2714"), ("not_attempted", "\u2026"), ("incorrect", "\u2718")]
    assert shown[0][0].data["text/plain"] == "\u2714 rate: 0.97 is right."
    assert "Hint: divide adopters by active users, a share between 0 and 1" in shown[2][0].data["text/html"]
    errors = [o for o in wrong if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "Incorrect" and errors[0].traceback == []  # no second box
    assert not any(o.output_type == "error" for o in right + blank)
    assert not any(o.output_type == "stream" for o in right + blank + wrong)  # no plain-text look beside it
    assert checks.MESSAGE_MIME  # the partial-credit message still travels beside nbgrader's number


def test_feedback_wraps_between_words_only():
    sheet = theme.style_sheet()
    rule = next(line for line in sheet.split("}") if ".pmkit-feedback {" in line)
    assert "word-break: normal" in rule and "overflow-wrap: break-word" in rule and "hyphens: none" in rule
    hint = "Hint: divide adopters_in_the_beta by active_users_in_the_beta, then multiply by 100 for per cent"
    box = theme.feedback_box("incorrect", f"\u2718 rate: got 1.5\n{hint}")
    assert hint in box and "&shy;" not in box and "<wbr" not in box


#: The marks of a verdict: shown by a feedback box's symbol, never typed into Markdown or printed text.
VERDICT_MARKS = re.compile("[\u2714\u2718]")
FEEDBACK_BOX = re.compile(r'<div class="pmkit-feedback pmkit-(\w+)".*?</div>', re.S)


def _verdicts_outside_the_look(nb) -> list[str]:
    """Each ✔/✘ a notebook's outputs show outside a feedback box: in Markdown, printed text or bare HTML."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            shown = {"markdown": data.get("text/markdown", ""), "printed text": output.get("text", ""),
                     "HTML": FEEDBACK_BOX.sub("", re.sub(r"<style>.*?</style>", "", data.get("text/html", ""),
                                                        flags=re.S))}
            if not (data.keys() & {"text/markdown", "text/html"}):
                shown["plain text"] = data.get("text/plain", "")
            found += [f"cell {cell.get('id')}: {kind}: {line.strip()[:100]}" for kind, text in shown.items()
                      for line in text.splitlines() if VERDICT_MARKS.search(line)]
    return found


def _boxes(cell) -> list[str]:
    """The statuses of the feedback boxes a cell's outputs show, in order."""
    return [status for o in cell.outputs for status in FEEDBACK_BOX.findall(o.get("data", {}).get("text/html", ""))]


@pytest.mark.slow
def test_chapter_05_shows_its_reviews_verdicts_in_the_one_look():
    """Chapter 05's worked examples, run in a real kernel: every ✔/✘ is a feedback box, none is Markdown."""
    from pmkit import notebooks

    nb = notebooks.execute(COURSE / "05-prd-and-user-stories.ipynb", timeout=180)
    problems = _verdicts_outside_the_look(nb)
    assert not problems, "a verdict outside pmkit.teach.theme.feedback_box:\n" + "\n".join(problems)
    cells = {c.id: c for c in nb.cells}
    assert _boxes(cells["prd-review"]) == ["correct"] and _boxes(cells["draft-show"]) == ["incorrect"]
    assert _boxes(cells["backlog"]) == ["correct"] and _boxes(cells["story-try"]) == ["incorrect"]
    assert sorted(_boxes(cells["qus-table"])) == ["correct"] * 6 + ["incorrect"] * 6
    document = cells["draft-show"].outputs[0]["data"]["text/markdown"]
    assert document.startswith(">") and document.endswith("**What the review finds:**")  # the box comes under it


def test_a_verdict_in_markdown_or_print_is_caught():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("review()", id="shown")])
    nb.cells[0].outputs = [
        nbformat.v4.new_output("display_data", {"text/markdown": "**1 finding:**\n\n- \u2718 **atomic**: split it"}),
        nbformat.v4.new_output("stream", name="stdout", text="\u2714 no problem found\n"),
        nbformat.v4.new_output("display_data", {"text/html": "<p>\u2714 fine</p>"}),
        nbformat.v4.new_output("display_data", {"text/html": theme.style_sheet() + theme.feedback_box(
            "incorrect", "\u2718 atomic: split it")}),
    ]
    assert _verdicts_outside_the_look(nb) == ["cell shown: markdown: - \u2718 **atomic**: split it",
                                              "cell shown: printed text: \u2714 no problem found",
                                              "cell shown: HTML: <p>\u2714 fine</p>"]
    assert _boxes(nb.cells[0]) == ["incorrect"]
