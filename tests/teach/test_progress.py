"""A self-paced learner's progress: recorded by the real quiz widgets and `pmkit check`, shown back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from pmkit.teach import progress, turns, widgets
from tests.conftest import REPO


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "data" / "progress.json"
    monkeypatch.setenv("PMKIT_PROGRESS", str(path))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return path


def test_the_record_lives_outside_the_repository(monkeypatch, tmp_path):
    monkeypatch.delenv("PMKIT_PROGRESS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert progress.store_path() == tmp_path / "pmkit" / "progress.json"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert REPO not in progress.store_path().parents


def test_kernels_of_test_runs_record_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("PMKIT_PROGRESS", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    quiz = widgets.chapter_quiz("02")
    quiz.answer(quiz.questions[0].id, quiz.questions[0].answer)
    assert not (tmp_path / "pmkit").exists()


def test_quiz_answers_are_remembered_with_their_chapter(store):
    quiz = widgets.chapter_quiz("02")
    first, second = quiz.questions[:2]
    wrong = next(o for o in second.options if o != second.answer)
    quiz.answer(first.id, first.answer)
    quiz.answer(second.id, wrong)
    saved = json.loads(store.read_text())
    (entry,) = saved["quizzes"].values()
    assert entry["chapter"] == "02-the-apm" and entry["questions"] == [q.id for q in quiz.questions]
    assert entry["answers"][first.id]["status"] == "correct"
    assert entry["answers"][second.id] | {"at": 0} == {"choice": wrong, "status": "incorrect", "at": 0}
    total = len(quiz.questions) + len(turns.chapter_turns("02"))  # the chapter's turns are checks too
    row = progress.summary().set_index("name").loc["02-the-apm"]
    assert (row.status, row.done, row.out_of, row.score) == ("started", 2, total, 1)
    for question in quiz.questions:  # every question answered: the quiz's part is done, score as answered
        quiz.answer(question.id, question.answer)
    row = progress.summary().set_index("name").loc["02-the-apm"]
    assert (row.status, row.done, row.score) == ("started", len(quiz.questions), len(quiz.questions))
    for turn in turns.chapter_turns("02"):  # and every turn tried: the chapter is done
        turns.check(turn.name, next(e for e in turn.examples if e.status == "correct").value,
                    because=next(e for e in turn.examples if e.status == "correct").because)
    row = progress.summary().set_index("name").loc["02-the-apm"]
    assert row.status == "done" and row.score == total
    assert progress.summary().set_index("name").loc["03-the-jpm"].status == "not started"


def test_the_notebook_a_kernel_serves_names_the_chapter(store, monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", str(REPO / "course" / "08-influence-and-visibility.ipynb"))
    quiz = widgets.role_quiz("influence", per_topic=1)
    quiz.answer(quiz.questions[0].id, quiz.questions[0].answer)
    (entry,) = json.loads(store.read_text())["quizzes"].values()
    assert entry["chapter"] == "08-influence-and-visibility"


def test_a_broken_record_is_started_afresh_not_fatal(store):
    store.parent.mkdir(parents=True)
    store.write_text("{not json")
    assert progress.summary()["status"].eq("not started").all()
    progress.record_check("prd", 3, 10)
    assert json.loads(store.read_text())["checks"]["prd"]["best"] == 3


def test_checks_keep_the_latest_and_the_best(store):
    progress.record_check("prd", 6, 10)
    progress.record_check("prd", 4, 10)
    progress.record_check("role-sort", 8, 8)
    checks = json.loads(store.read_text())["checks"]
    assert (checks["prd"]["score"], checks["prd"]["best"], checks["prd"]["attempts"]) == (4, 6, 2)
    table = progress.summary().set_index("name")
    assert table.loc["prd", "status"] == "started" and table.loc["role-sort", "status"] == "done"
    assert table.loc["prd", "detail"] == "best 6 of 10 points in 2 check(s)"
    text = progress.text()
    assert "Exercises (pmkit check): 1 of 9 done" in text and "Left to do:" in text and "prd" in text


def test_progress_chart_is_titled_described_and_counts(store):
    progress.record_check("role-sort", 8, 8)
    spec = progress.chart().to_dict()
    total = len(progress.chapters()) + len(progress.exercises())
    assert spec["title"]["text"] == f"Your progress: 1 of {total} parts done"
    assert "1 done" in spec["description"]
    assert spec["encoding"]["color"]["scale"]["range"][0] == "#009E73"


def test_pmkit_check_records_its_result_and_pmkit_progress_shows_it(store, tmp_path):
    notebook = tmp_path / "beta-metrics.ipynb"
    notebook.write_bytes((REPO / "exercises" / "beta-metrics" / "beta-metrics.ipynb").read_bytes())
    env = {**os.environ, "PMKIT_PROGRESS": str(store)}
    pmkit = [sys.executable, "-m", "pmkit.cli"] if not (REPO / ".venv/bin/pmkit").exists() else [
        str(REPO / ".venv/bin/pmkit")]
    checked = subprocess.run([*pmkit, "check", str(notebook)], capture_output=True, text=True, env=env, timeout=300)
    assert checked.returncode == 1, checked.stdout + checked.stderr  # nothing answered: not all pass
    saved = json.loads(store.read_text())["checks"]["beta-metrics"]
    assert saved["attempts"] == 1 and saved["score"] == 0 and saved["max_score"] > 0
    shown = subprocess.run([*pmkit, "progress"], capture_output=True, text=True, env=env, timeout=60, check=True)
    assert f"beta-metrics                     started      best 0 of {saved['max_score']:g} points" in shown.stdout


def test_show_in_a_kernel_gives_words_a_table_and_a_chart(store, tmp_path, monkeypatch):
    import nbformat

    from pmkit import notebooks

    progress.record_check("role-sort", 8, 8)
    path = tmp_path / "mine.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from pmkit import progress\nprogress.show()")]), path)
    monkeypatch.setenv("PMKIT_PROGRESS", str(store))
    outputs = [o for _, o in notebooks.outputs(notebooks.execute(path))]
    assert "1 of" in outputs[0]["data"]["text/markdown"]
    assert "role-sort" in outputs[1]["data"]["text/html"] and "best 8 of 8 points" in outputs[1]["data"]["text/html"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs[2:])
    assert not any(o.get("output_type") == "error" or o.get("name") == "stderr" for o in outputs)


def test_each_chapter_ends_by_saying_where_the_learner_is(store):
    import nbformat

    chapters = sorted((REPO / "course").glob("[0-9][0-9]-*.ipynb"))
    assert len(chapters) == 14
    for path in chapters:
        code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        number = path.name[:2]
        if number == "00":  # the welcome ends with its own line, and says where the whole course's progress is
            assert f'progress.here("{number}")' in code[-1] and "pmkit progress" in code[-1], path.name
            continue
        # elsewhere the final check is the chapter quiz, whose foot holds the line: no check comes after it
        final = max(i for i, s in enumerate(code) if re.search(r"\bwidgets\.\w+\(|\b(turns|tries)\.check\(", s))
        assert f'widgets.chapter_quiz("{number}")' in code[final], path.name
        assert not any("progress.here(" in s for s in code), f"{path.name}: a separate 'where you are' cell"
    quiz = widgets.chapter_quiz("03")
    shown = quiz.widget.children[-1]
    total = len(quiz.questions) + len(turns.chapter_turns("03"))
    assert "Chapter 03 (The Junior Product Manager), the 4th of 14 chapters." in shown.value
    assert f"Checks in this chapter: 0 of {total} answered, 0 correct." in shown.value
    assert "<code>pmkit progress</code>" in shown.value
    wrong = next(o for o in quiz.questions[1].options if o != quiz.questions[1].answer)
    quiz.answer(quiz.questions[0].id, quiz.questions[0].answer)  # the line follows the learner's answers
    quiz.answer(quiz.questions[1].id, wrong)
    assert f"Checks in this chapter: 2 of {total} answered, 1 correct." in shown.value
    assert progress.where("00").startswith("Chapter 00 (Welcome")
    with pytest.raises(KeyError, match="no chapter '99'"):
        progress.where("99")


def _pmkit_progress(store) -> str:
    """What `pmkit progress` prints for this progress file (the real command, in its own process)."""
    env = {**os.environ, "PMKIT_PROGRESS": str(store)}
    pmkit = [sys.executable, "-m", "pmkit.cli"] if not (REPO / ".venv/bin/pmkit").exists() else [
        str(REPO / ".venv/bin/pmkit")]
    return subprocess.run([*pmkit, "progress"], capture_output=True, text=True, env=env, timeout=60,
                          check=True).stdout


def test_a_chapter_counts_all_its_checks_from_the_start(store, monkeypatch):
    """Chapter 03's total is its quiz questions and its turns before anything is answered, and never moves."""
    from pmkit.teach import content

    monkeypatch.setenv("JPY_SESSION_NAME", str(REPO / "course" / "03-the-jpm.ipynb"))
    total = len(content.questions("03")) + len(turns.chapter_turns("03"))
    assert total == 7  # 4 questions and 3 turns
    line = (f"Chapter 03 (The Junior Product Manager), the 4th of 14 chapters. Checks in this chapter: 0 of {total} "
            "answered, 0 correct.")
    assert progress.where("03") == line  # before the quiz is even made
    assert f"03-the-jpm                       not started  0 of {total} checks answered" in _pmkit_progress(store)
    quiz = widgets.chapter_quiz("03")
    assert f"0 of {total} answered" in quiz.widget.children[-1].value  # making the quiz changes nothing
    first = turns.chapter_turns("03")[0]
    turns.check(first.name, "Stay in customer success.")  # one turn, tried (wrong)
    assert f"1 of {total} answered, 0 correct" in progress.where("03")
    quiz.answer(quiz.questions[0].id, quiz.questions[0].answer)  # one quiz answer, right
    assert progress.where("03").endswith(f"2 of {total} answered, 1 correct.")
    assert f"2 of {total} answered, 1 correct" in quiz.widget.children[-1].value
    assert f"03-the-jpm                       started      2 of {total} checks answered, 1 correct" in (
        _pmkit_progress(store))
    quiz.answer(quiz.questions[0].id, quiz.questions[0].answer)  # the same answer again counts once
    widgets.chapter_quiz("03")  # and running the quiz cell again moves nothing
    assert progress.where("03").endswith(f"2 of {total} answered, 1 correct.")


def test_every_chapter_total_is_its_quizzes_and_its_worked_cells(store):
    from pmkit.teach import chapter_checks, pandas_tries

    frame = progress.summary().set_index("name")
    for chapter in progress.chapters():
        built = sum(len(eval(f"widgets.{call.source()}", {"widgets": widgets}).questions)  # our own calls
                    for call in chapter_checks.QUIZZES[chapter[:2]])
        worked = len(turns.chapter_turns(chapter[:2])) + (len(pandas_tries.TRIES) if chapter[:2] == "10" else 0)
        assert frame.loc[chapter, "out_of"] == built + worked > 0, chapter
        assert frame.loc[chapter, "detail"] == f"0 of {built + worked} checks answered, 0 correct"


def test_answers_that_are_not_the_chapters_never_count(store, monkeypatch):
    from pmkit.teach import pandas_tries

    monkeypatch.setenv("JPY_SESSION_NAME", str(REPO / "course" / "04-responsibilities.ipynb"))
    turns.check(turns.chapter_turns("03")[0].name, "Stay in customer success.")  # a chapter-03 turn, run in 04
    assert "Checks in this chapter: 0 of" in progress.where("04")
    monkeypatch.setenv("JPY_SESSION_NAME", str(REPO / "course" / "10-pandas-for-product-work.ipynb"))
    pandas_tries.check("team_export", 3)  # chapter 10's pandas tries count among its checks
    assert "Checks in this chapter: 1 of" in progress.where("10")
    store.write_text(json.dumps({"version": 1, "checks": {}, "quizzes": {"x": {
        "chapter": "02-the-apm", "title": "Check your understanding", "questions": ["old", "older"],
        "answers": {"old": {"status": "correct"}, "older": {"status": "correct"}}}}}))
    monkeypatch.delenv("JPY_SESSION_NAME")
    assert "Checks in this chapter: 0 of 6 answered" in progress.where("02")  # a question the data no longer has


def test_a_kernel_that_records_nothing_says_so_instead_of_zero(monkeypatch):
    monkeypatch.delenv("PMKIT_PROGRESS", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert progress.where("10").endswith("Your checks are recorded when JupyterLab runs this chapter.")


def test_the_line_reads_the_same_as_text_in_every_run(store):
    shown = progress.here("05")
    assert repr(shown) == progress.place("05") == shown._repr_mimebundle_()["text/plain"]
    assert progress.place("05").endswith("the 6th of 14 chapters.")
    assert "answered" not in repr(shown)
    assert "application/vnd.jupyter.widget-view+json" in shown._repr_mimebundle_()  # the live line
