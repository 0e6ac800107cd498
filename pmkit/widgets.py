"""Interactive pieces of the course, built on ipywidgets; all scoring lives in :mod:`pmkit.quiz`.

ipywidgets is imported only when a widget is made, to keep ``import pmkit`` cheap.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pmkit import quiz

if TYPE_CHECKING:
    import ipywidgets

_STYLE = {
    quiz.CORRECT: ("\u2714", "#009E73"),
    quiz.INCORRECT: ("\u2718", "#D55E00"),
    quiz.NOT_ATTEMPTED: ("\u2026", "#555555"),
}


def feedback_html(feedback: quiz.Feedback) -> str:
    """Feedback as HTML: an icon and a word as well as a colour, so colour is never the only cue."""
    icon, colour = _STYLE[feedback.status]
    return (f'<div class="pmkit-feedback pmkit-{feedback.status}" style="color:{colour}">'
            f"{icon} {html.escape(feedback.message)}</div>")


class Quiz:
    """A set of questions answered by clicking; each answer gets feedback at once, plus a tally."""

    def __init__(self, questions: Sequence[quiz.Question], title: str = "Check your understanding") -> None:
        import ipywidgets as w

        self.questions = list(questions)
        self.title = title
        self.choices: dict[str, ipywidgets.ToggleButtons] = {}
        self.feedback: dict[str, ipywidgets.HTML] = {}
        rows = []
        for number, question in enumerate(self.questions, start=1):
            prompt = w.HTML(f"<b>{number}.</b> {html.escape(question.prompt)}")
            buttons = w.ToggleButtons(options=list(question.options), value=None,
                                      description="", style={"button_width": "80px"})
            note = w.HTML(feedback_html(quiz.grade(question, None)))
            buttons.observe(self._on_change, names="value")
            self.choices[question.id] = buttons
            self.feedback[question.id] = note
            rows.append(w.VBox([prompt, buttons, note], layout=w.Layout(margin="0 0 10px 0")))
        self.tally = w.HTML()
        self._update_tally()
        self.widget = w.VBox([w.HTML(f"<h4>{html.escape(title)}</h4>"), *rows, self.tally])

    def answer(self, question_id: str, choice: str | None) -> quiz.Feedback:
        """Choose an option as if clicked (used by tests and by learners who prefer code)."""
        self.choices[question_id].value = choice
        return self.result(question_id)

    def result(self, question_id: str) -> quiz.Feedback:
        """The current feedback for one question."""
        question = next(q for q in self.questions if q.id == question_id)
        return quiz.grade(question, self.choices[question_id].value)

    @property
    def score(self) -> quiz.Score:
        """The current tally."""
        return quiz.score(self.questions, {k: b.value for k, b in self.choices.items()})

    def _on_change(self, change: dict) -> None:
        for question in self.questions:
            if self.choices[question.id] is change["owner"]:
                self.feedback[question.id].value = feedback_html(quiz.grade(question, change["new"]))
        self._update_tally()

    def _update_tally(self) -> None:
        self.tally.value = f"<p><b>Score:</b> {html.escape(self.score.message)}</p>"

    def _repr_mimebundle_(self, **kwargs):  # noqa: ANN003, ANN202 - IPython's display protocol
        return self.widget._repr_mimebundle_(**kwargs)


def role_quiz(topic: str | None = None, per_topic: int = 2) -> Quiz:
    """A "which role?" quiz drawn from the comparison tables: ``per_topic`` rows of each topic."""
    from pmkit import roles

    frame = roles.comparison(topic)
    rows = frame.groupby("topic", sort=False).head(per_topic).to_dict("records")
    return Quiz(quiz.role_questions(rows), title="Check your understanding: which role is it?")
