"""A chapter's checks, as progress counts them, are exactly the quizzes its cells make and the turns it asks for."""

from __future__ import annotations

import ast
import pytest

from pmkit import notebooks
from pmkit.teach import chapter_checks, pandas_tries, turns, widgets
from tests.conftest import COURSE
from tests.course.test_course_quizzes import CALL
from tests.course.test_worked_cells import _worked

CHAPTERS = sorted(COURSE.glob("[0-9][0-9]-*.ipynb"))


def _calls(path) -> list[str]:
    """The quiz calls in a chapter's code cells, as written ('chapter_quiz("03")'), in order."""
    found = []
    for cell in notebooks.read(path).cells:
        if cell.cell_type == "code":
            found += [f"{name}({args})" for name, args in CALL.findall(cell.source)]
    return found


def _normal(call: str) -> str:
    """A call in one spelling (quotes, spaces), read as a Python expression, never run."""
    return ast.unparse(ast.parse(call, mode="eval"))


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_the_declared_quizzes_are_the_ones_the_chapter_makes(path):
    declared = [_normal(c.source()) for c in chapter_checks.QUIZZES[path.name[:2]]]
    assert declared == [_normal(c) for c in _calls(path)], path.name


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_a_chapter_total_is_what_its_widgets_and_worked_cells_ask(path):
    number = path.name[:2]
    built = [eval(f"widgets.{c.source()}", {"widgets": widgets}) for c in chapter_checks.QUIZZES[number]]
    groups = chapter_checks.groups(number)
    for quiz, group in zip(built, groups, strict=False):
        assert (quiz.title, len(quiz.questions)) == (group.title, group.size), path.name
        assert {q.id for q in quiz.questions} <= group.ids, path.name
    names = set(_worked(path))  # the turns and tries its "# Your turn" cells check
    worked = {t.name for t in turns.chapter_turns(number)} | (set(pandas_tries.TRIES)
                                                             if number == pandas_tries.CHAPTER else set())
    assert names == worked, f"{path.name}: its cells check {sorted(names)}; its turns and tries are {sorted(worked)}"
    worked = len(worked)
    assert chapter_checks.total(number) == sum(len(q.questions) for q in built) + worked


def test_the_declaration_check_can_fail():
    assert _normal('role_quiz("responsibilities", per_topic=1)') == _normal("role_quiz('responsibilities',per_topic=1)")
    assert _normal("chapter_quiz('03')") != _normal("chapter_quiz('04')")
    with pytest.raises(KeyError, match="no chapter '99'"):
        chapter_checks.groups("99")
