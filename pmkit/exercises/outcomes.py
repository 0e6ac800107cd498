"""The outcomes of a check: correct, incorrect, not attempted, or partial credit, and how a kernel shows them.

A passing check prints a ``✔`` line (:func:`passed`). A failing one raises :class:`Incorrect` or
:class:`NotAttempted`, both AssertionErrors, so nbgrader scores the cell as failed. A check with
credit per item returns a :class:`Partial` when only some items are right: left as the cell's last
value, nbgrader reads its number as the cell's points. Inside a kernel, importing this module
installs a display hook that shows a failed check as its message alone, without a traceback (which
would otherwise print the test code, hidden tests included), while still producing the error output
nbgrader looks for. While a learner works (outside nbgrader), "not attempted" is shown as a plain
note rather than an error box, and a test cell run before its answer cell says so instead of
showing a ``NameError``.
"""

from __future__ import annotations

# Builtins are bound here at import time, so a learner who later replaces ``builtins.len`` or
# ``builtins.sorted`` in their kernel does not change what these checks compute.
import os
import re
import sys
from builtins import (  # noqa: UP029
    bool,
    dict,
    float,
    getattr,
    int,
    isinstance,
    list,
    print,
    str,
    type,
)
from typing import Any

from pmkit.exercises.hints import ATTEMPTED, answers_of

CORRECT, INCORRECT, NOT_ATTEMPTED = "correct", "incorrect", "not_attempted"
#: A test cell whose answer is partly right: some of its points, and a message saying which items are wrong.
PARTIAL = "partial"


class CheckFailed(AssertionError):
    """A check that did not pass; ``status`` is incorrect or not_attempted and the message is for learners."""

    status = INCORRECT


class Incorrect(CheckFailed):
    """The answer is there but wrong."""


class NotAttempted(CheckFailed):
    """The starter is unchanged: the learner has not answered yet."""

    status = NOT_ATTEMPTED


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def _record(name: str) -> None:
    """Note the answer variable a check's name starts with ("funnel" for "funnel's steps", "scored.rice")."""
    found = _IDENTIFIER.match(name)
    if found:
        ATTEMPTED.update((found.group(), name))  # "answers" and "answers (tasks 1-4)": a question may name either


def passed(name: str, message: str) -> None:
    """Show the success line of a check (in a learner's kernel, in the course's one look of feedback)."""
    _record(name)
    line = f"\u2714 {name}: {message}"
    if not _show("correct", line):
        print(line)


def _incorrect(name: str, problem: str, hint: str | None = None) -> Incorrect:
    _record(name)
    return Incorrect(f"\u2718 {name}: {problem}" + (f"\nHint: {hint}" if hint else ""))


def _not_attempted(name: str, what_to_do: str) -> NotAttempted:
    return NotAttempted(f"\u2026 {name} is not answered yet: {what_to_do}")


#: The MIME type that carries a partial-credit message beside nbgrader's number (its ``text/plain``).
MESSAGE_MIME = "text/x-pmkit-message"


def partial_bundle(points: float, message: str) -> dict[str, str]:
    """The output data of a partly right test cell: nbgrader reads ``text/plain`` as the cell's points."""
    return {"text/plain": f"{points:g}", MESSAGE_MIME: message, "text/html": feedback_html("partial", message)}


class Partial:
    """Partial credit left as a test cell's last value: nbgrader scores the cell with ``points``.

    It is returned, never raised, because nbgrader gives 0 to a cell with an error output. A
    learner reads the message (HTML in JupyterLab); nbgrader reads the number (``text/plain``).
    """

    status = PARTIAL

    def __init__(self, points: float, out_of: float, message: str) -> None:
        """``points`` of ``out_of`` earned; ``message`` says what is wrong and where."""
        self.points, self.out_of, self.message = float(points), float(out_of), message

    def __repr__(self) -> str:
        """The points alone: what nbgrader reads as the cell's partial credit."""
        return f"{self.points:g}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return partial_bundle(self.points, self.message)


def _test_cell_answers(tb: Any) -> list[str]:
    """The ``# answers:`` of the notebook cell a traceback ran through, if it is a test cell."""
    import linecache

    while tb is not None:
        lines = linecache.getlines(tb.tb_frame.f_code.co_filename)
        if lines and answers_of(lines[0]):
            return answers_of(lines[0])
        tb = tb.tb_next
    return []


def missing_answer(name: str) -> NotAttempted:
    """The friendly outcome of a test cell run before the cell that defines ``name``."""
    return _not_attempted(name, "run the answer cell above first (and every cell before it), then this test "
                                "cell again")


def _grading() -> bool:
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _show_check_failure(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> Any:
    """IPython exception hook: a failed check is shown as its message, never as test code.

    A NameError for one of a test cell's ``# answers:`` becomes "not attempted: run the cell above
    first". While a learner works, "not attempted" is a plain note, not an error box; under nbgrader
    (``NBGRADER_EXECUTION`` set) it stays an error, so the grader still scores it 0.
    """
    if isinstance(value, NameError) and not isinstance(value, CheckFailed):
        missing = getattr(value, "name", None)
        if missing is None or missing not in _test_cell_answers(tb):
            shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
            return None
        value = missing_answer(missing)
        etype = NotAttempted
    if isinstance(value, NotAttempted) and not _grading():
        if not _show(NOT_ATTEMPTED, str(value)):
            print(str(value))
        return None
    if not _grading() and _show(INCORRECT, str(value)):
        shell._showtraceback(etype, value, [])  # the error output nbgrader and Run All need, shown above
        return None
    shell._showtraceback(etype, value, [str(value)])  # an error output with our message as its "traceback"
    return None


def feedback_html(status: str, message: str, title: str | None = None) -> str:
    """A check's outcome in the course's one look of feedback (symbol, word, colour), with its style sheet."""
    from pmkit.teach import theme

    return theme.style_sheet() + theme.feedback_box(status, message, title)


def noted(name: str, message: str, *, ok: bool) -> None:
    """A visible check's note on an answer's form, which is no verdict (a release holds no key).

    ``ok``: the answer has the form asked for ("Answered", judged when graded); otherwise something to
    fix before submitting that does not fail the cell (the graded check gives credit per item).
    """
    _record(name)
    line = f"{chr(0x2714) if ok else chr(0x2718)} {name}: {message}"
    if not _show(CORRECT if ok else INCORRECT, line, "Answered" if ok else "Fix before you submit"):
        print(line)


def _show(status: str, message: str, title: str | None = None) -> bool:
    """Display a check's outcome in a learner's kernel (HTML, and the same words as text); False elsewhere."""
    if _grading():
        return False
    ipython_module = sys.modules.get("IPython")
    if ipython_module is None or ipython_module.get_ipython() is None:
        return False
    from IPython.display import display

    display({"text/plain": message, "text/html": feedback_html(status, message, title)}, raw=True)
    return True


def install_display_hook() -> bool:
    """Show failed checks without a traceback in the running IPython kernel; False outside one."""
    ipython_module = sys.modules.get("IPython")
    shell = ipython_module.get_ipython() if ipython_module else None
    if shell is None:
        return False
    shell.set_custom_exc((CheckFailed, NameError), _show_check_failure)
    return True


install_display_hook()
