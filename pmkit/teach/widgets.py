"""Interactive pieces of the course, built on ipywidgets; all scoring lives in :mod:`pmkit.teach.quiz`.

ipywidgets is imported only when a widget is made, to keep ``import pmkit`` cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pmkit.teach import display, quiz

if TYPE_CHECKING:
    import ipywidgets

#: Above this many characters of options, "not answered" says where to look instead of listing them all.
_LIST_OPTIONS_UP_TO = 40


def _message(feedback: quiz.Feedback, options: Sequence[str] = ()) -> str:
    """The feedback's words; a long "not answered yet" list of options becomes a pointer to them."""
    if feedback.status == quiz.NOT_ATTEMPTED and sum(len(o) for o in options) > _LIST_OPTIONS_UP_TO:
        return f"Not answered yet: choose one of the {len(options)} answers above."
    return feedback.message


def feedback_html(feedback: quiz.Feedback, options: Sequence[str] = ()) -> str:
    """A quiz's or a try's feedback in the course's one look (:func:`pmkit.teach.theme.feedback_box`).

    A symbol and words as well as a colour, so colour is never the only cue; the message starts with
    its own word ("Correct:", "Not quite:"). Colours come from the style sheet every quiz carries.
    """
    from pmkit.teach import theme

    return theme.feedback_box(feedback.status, _message(feedback, options), title="")


class Quiz:
    """A set of questions answered by clicking; each answer gets feedback at once, plus a tally (and ``foot`` below)."""

    def __init__(self, questions: Sequence[quiz.Question], title: str = "Check your understanding",
                 chapter: str | None = None, foot: ipywidgets.Widget | None = None) -> None:
        import ipywidgets as w

        from pmkit.teach import theme

        self.questions = list(questions)
        self.title = title
        self.chapter = chapter
        self.choices: dict[str, ipywidgets.ToggleButtons | ipywidgets.RadioButtons] = {}
        self.feedback: dict[str, ipywidgets.HTML] = {}
        rows = []
        for number, question in enumerate(self.questions, start=1):
            prompt = w.HTML(f"<b>{number}.</b> {display.html_text(question.prompt)}")
            if max(len(o) for o in question.options) <= 6:
                buttons = w.ToggleButtons(options=list(question.options), value=None,
                                          style={"button_width": "80px"})
            else:  # long answers read better as a list than squeezed into buttons
                buttons = w.RadioButtons(options=list(question.options), value=None,
                                         layout=w.Layout(width="auto"))
            note = w.HTML(feedback_html(quiz.grade(question, None), question.options))
            buttons.observe(self._on_change, names="value")
            self.choices[question.id] = buttons
            self.feedback[question.id] = note
            rows.append(w.VBox([prompt, buttons, note], layout=w.Layout(margin="0 0 10px 0")))
        self.tally = w.HTML()
        self._update_tally()
        heading = w.HTML(f"{theme.style_sheet()}<h4>{display.html_text(title)}</h4>")
        self.widget = w.VBox([heading, *rows, self.tally, *([foot] if foot is not None else [])])
        self.widget.add_class("pmkit-quiz")
        self._progress_key = _record_quiz(self)

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
                result = quiz.grade(question, change["new"])
                _mark_choice(change["owner"], result.status)
                self.feedback[question.id].value = feedback_html(result, question.options)
                _record_answer(self, question.id, change["new"], result.status)
        self._update_tally()

    def _update_tally(self) -> None:
        self.tally.value = f"<p><b>Score:</b> {display.html_text(self.score.message)}</p>"

    def _repr_mimebundle_(self, **kwargs):  # noqa: ANN003, ANN202 - IPython's display protocol
        return self.widget._repr_mimebundle_(**kwargs)


def _mark_choice(buttons: ipywidgets.DOMWidget, status: str) -> None:
    """Tell the style sheet whether the chosen button is right, so it shows ✔ or ✘ (never ✔ for a wrong one)."""
    for name in ("pmkit-chose-correct", "pmkit-chose-incorrect"):
        buttons.remove_class(name)
    if status in (quiz.CORRECT, quiz.INCORRECT):
        buttons.add_class(f"pmkit-chose-{status}")


def role_quiz(topic: str | None = None, per_topic: int = 2, seed: int | str | None = None) -> Quiz:
    """A "which role?" quiz: ``per_topic`` rows of each topic's comparison table, drawn at random from all rows.

    Rows this learner has not been asked yet (per the progress file, when it records) come first, so
    running the cell again asks other rows; ``seed`` makes the draw repeatable (tests).
    """
    import random

    from pmkit.teach import roles

    if isinstance(per_topic, bool) or not isinstance(per_topic, int) or per_topic < 1:
        raise ValueError(f"per_topic must be a whole number of at least 1; got {per_topic!r}")
    frame = roles.comparison(topic)
    draw = random.Random(seed)
    asked = _asked()
    rows = []
    for _, table in frame.groupby("topic", sort=False):
        records = table.to_dict("records")
        draw.shuffle(records)
        records.sort(key=lambda row: any(quiz.role_question_id(row, r) in asked for r in roles.ROLES))
        rows += sorted(records[:per_topic], key=lambda row: row["position"])  # the table's order
    return Quiz(quiz.role_questions(rows), title="Check your understanding: which role is it?")


def _asked() -> set[str]:
    """The question ids the learner's progress file says were asked already (none when it is off or unreadable)."""
    from pmkit.teach import progress

    try:
        return progress.asked()
    except OSError:
        return set()


def chapter_quiz(chapter: str) -> Quiz:
    """A chapter's "check your understanding" questions from ``datasets/course/questions.csv``.

    It is the chapter's final check, so its foot says where the learner is in the course and how many
    of the chapter's checks are done, updating as they answer (:func:`pmkit.teach.progress.line`).
    """
    from pmkit.teach import content as course
    from pmkit.teach import progress

    questions = course.questions(chapter)
    return Quiz(questions, chapter=chapter, foot=progress.line(chapter))


def task_sort() -> Quiz:
    """Sort all sixteen responsibilities of both roles into APM or JPM work, with feedback on each."""
    from pmkit.teach import content as course

    return Quiz(course.task_questions(), title="Check your understanding: sort the tasks into APM or JPM work")


def scenario_quiz() -> Quiz:
    """Who decides? Eight workplace scenarios, each explained by the decision it illustrates."""
    from pmkit.teach import content as course

    return Quiz(course.scenario_questions(), title="Check your understanding: who makes the call?")


def _record_quiz(quiz_: Quiz) -> str | None:
    """Tell the learner's progress file that this quiz exists; its key, or None if not recorded."""
    from pmkit.teach import progress

    if not progress.enabled():
        return None
    try:
        return progress.record_quiz(quiz_.chapter, quiz_.title, [q.id for q in quiz_.questions])
    except OSError:
        return None  # progress is a convenience: an unwritable home never breaks a chapter


def _record_answer(quiz_: Quiz, question_id: str, choice: str | None, status: str) -> None:
    """Remember one answer in the learner's progress file (best effort)."""
    from pmkit.teach import progress

    if quiz_._progress_key is None:
        return
    try:
        progress.record_answer(quiz_._progress_key, question_id, choice, status)
    except OSError:
        pass


class CareerExplorer:
    """Pick a starting role; see its career map and every route with timing and branch type."""

    def __init__(self, start: str = "Junior Product Manager") -> None:
        import ipywidgets as w

        from pmkit.teach import roles

        self.picker = w.Dropdown(options=roles.starting_roles(), value=start, description="Start as",
                                 layout=w.Layout(width="420px"))
        from pmkit.teach import charts

        self.routes = w.HTML(self._routes_html(start))
        self.chart = charts.as_widget(charts.career_map(start))
        self.picker.observe(lambda change: self.show(change["new"]), names="value")
        self.widget = w.VBox([self.picker, self.chart, self.routes])

    def show(self, start: str) -> None:
        """Redraw the map and the list of routes for ``start``."""
        from pmkit.teach import charts

        self.routes.value = self._routes_html(start)
        self.chart.chart = charts.career_map(start)

    @staticmethod
    def _routes_html(start: str) -> str:
        from pmkit.teach import roles

        lines = [f"<li>{display.html_text(roles.route_summary(r))}</li>" for r in roles.paths_from(start)]
        routes = "route" if len(lines) == 1 else "routes"
        return f"<p><b>{len(lines)} {routes} from {display.html_text(start)}</b></p><ol>{''.join(lines)}</ol>"

    def _repr_mimebundle_(self, **kwargs):  # noqa: ANN003, ANN202 - IPython's display protocol
        return self.widget._repr_mimebundle_(**kwargs)


def career_explorer(start: str = "Junior Product Manager") -> CareerExplorer:
    """The interactive career ladder explorer of chapter 09."""
    return CareerExplorer(start)


class SelfAssessment:
    """Chapter 12's questionnaire: one choice per item, and a result that explains itself."""

    def __init__(self) -> None:
        import ipywidgets as w

        from pmkit.teach import self_assessment as assessment

        self.items = assessment.items()
        self.choices = {}
        rows = []
        for number, item in enumerate(self.items, start=1):
            choice = w.RadioButtons(options=[item.apm_option, item.jpm_option], value=None,
                                    layout=w.Layout(width="auto"))
            choice.observe(lambda _change: self._update(), names="value")
            self.choices[item.id] = choice
            rows.append(w.VBox([w.HTML(f"<b>{number}.</b> {display.html_text(item.prompt)}"), choice]))
        self.result_html = w.HTML()
        self._update()
        from pmkit.teach import theme

        self.widget = w.VBox([w.HTML(f"{theme.style_sheet()}<h4>Which profile do you match?</h4>"), *rows,
                              self.result_html])
        self.widget.add_class("pmkit-quiz")

    def answer(self, item_id: str, option: str | None) -> None:
        """Choose an answer as if clicked."""
        self.choices[item_id].value = option

    @property
    def result(self):  # noqa: ANN201 - pmkit.teach.self_assessment.Result, imported lazily
        """The current result."""
        from pmkit.teach import self_assessment as assessment

        return assessment.score({k: c.value for k, c in self.choices.items()}, self.items)

    def _update(self) -> None:
        first, *rest = self.result.explanation.splitlines()
        items = "".join(f"<li>{display.html_text(line)}</li>" for line in rest)
        self.result_html.value = f"<p><b>{display.html_text(first)}</b></p><ul>{items}</ul>"

    def _repr_mimebundle_(self, **kwargs):  # noqa: ANN003, ANN202 - IPython's display protocol
        return self.widget._repr_mimebundle_(**kwargs)


def self_assessment() -> SelfAssessment:
    """The self-assessment questionnaire of chapter 12."""
    return SelfAssessment()
