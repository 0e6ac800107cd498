"""What an instructor and a learner see after grading: dashboard, feedback, Formgrader (in real Chromium), exports.

The cohort (tests/cohort/instructor_cohort.py) is graded by real kernels and nbgrader; the pages are opened
from disk with every request off the machine blocked, as an offline instructor would open them.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from playwright.sync_api import expect

from pmkit.cohort import feedback, report
from pmkit.errors import PmkitError
from pmkit.grading.gradebook import gradebook
from tests.cohort import instructor_cohort as ic
from tests.conftest import (
    CHROMIUM,
    REPO,
    copy_cohort,
    free_port,
    hidden_lines,
    serve_until_ready,
)

ARTIFACTS = REPO / "test-artifacts" / "instructor"
pytestmark = pytest.mark.slow
#: Tests that open a page in Chromium (run alone with ``-m browser``).
in_browser = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (.ci/run installs it)")]


def browser_test(function):
    for mark in in_browser:
        function = mark(function)
    return function


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    return ic.build(tmp_path_factory.mktemp("instructor"))


@pytest.fixture(scope="module")
def written(cohort):
    csv_path, html_path = report.write(cohort.root, cohort.db_url)
    pages = feedback.generate(cohort.root, cohort.db_url, "beta-metrics")
    return csv_path, html_path, {p.parent.parent.name: p for p in pages}


@pytest.fixture
def tab(offline_page):
    """A tab that reaches only files and this machine (conftest's offline page)."""
    return offline_page


def _shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@browser_test
def test_dashboard_shows_its_heading_at_risk_table_and_three_charts_offline(written, tab):
    _, html_path, _ = written
    tab.goto(html_path.as_uri())
    expect(tab.locator("h1.page-title")).to_have_text("Cohort dashboard")
    expect(tab.locator("h1.page-title")).to_be_visible()
    heading = tab.locator("h2#at-risk")
    expect(heading).to_be_visible()
    expect(heading).to_have_text("Learners at risk (1)")
    rows = tab.locator("table.at-risk tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_be_visible()
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[0] == "dee" and "missing after the due date" in cells[3] and "beta-metrics" in cells[3]
    # Drawn, not just present: each figure holds vega's canvas or SVG marks.
    for name in ("distribution", "questions"):
        expect(tab.locator(f"#chart-{name} svg, #chart-{name} canvas").first).to_be_visible(timeout=30_000)
    # This cohort has APM work (beta-metrics) and work of both roles (role-sort), but no JPM exercise graded:
    # an empty profile chart would say nothing, so the page says what it waits for.
    expect(tab.locator("#note-profile")).to_contain_text("once a learner has due or graded work on both")
    assert tab.locator("#chart-profile").count() == 0
    _shot(tab, "dashboard")
    assert tab.outside_requests == []


@browser_test
def test_the_dashboard_is_readable_in_jupyterlabs_untrusted_html_viewer(cohort, written, tab, tmp_path):
    """JupyterLab shows an HTML file from its file browser in a sandboxed frame where no script runs until the
    file is trusted: the charts must be there without their script."""
    import os

    port, token = free_port(), "dashboard-viewer-test"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(REPO / "deploy" / "lab" / "instructor"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    command = [sys.executable, "-m", "jupyter", "lab", f"--port={port}", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={cohort.root}", "--allow-root"]
    with serve_until_ready(command, port=port, token=token, log=tmp_path / "lab.log", env=env, cwd=cohort.root):
        tab.goto(f"http://127.0.0.1:{port}/lab/tree/reports/dashboard.html?token={token}")
        frame = tab.frame_locator("iframe").first
        expect(frame.locator("h1.page-title")).to_have_text("Cohort dashboard", timeout=60_000)
        for name in ("distribution", "questions"):  # the static drawing, since the viewer runs no script
            expect(frame.locator(f"#chart-{name} .chart-static svg").first).to_be_visible(timeout=30_000)
        assert tab.locator("iframe").first.get_attribute("sandbox") is not None  # untrusted: scripts are off
        _shot(tab, "dashboard-in-jupyterlab")


def test_at_risk_counts_only_due_or_graded_work_and_says_why(cohort, written):
    frame = report.scores(cohort.root, cohort.db_url)
    status = frame.set_index(["learner", "exercise"])["status"]
    assert status["cy", "role-sort"] == report.NOT_DUE  # released, not collected, not due: not a zero
    assert status["ana", "prd"] == report.NOT_DUE
    assert status["dee", "beta-metrics"] == report.MISSING
    assert status["dee", "role-sort"] == report.NOT_DUE  # due in a week, and extended by two days
    people = report.profiles(frame).set_index("learner")
    assert not people.loc["ana", "at_risk"] and not people.loc["cy", "at_risk"] and not people.loc["eve", "at_risk"]
    assert people.loc["dee", "at_risk"] and "beta-metrics" in people.loc["dee", "reasons"]
    due = frame.set_index(["learner", "exercise"])["effective_due"]
    assert (due["dee", "role-sort"] - due["ana", "role-sort"]).total_seconds() == 48 * 3600


def test_the_profile_chart_waits_for_work_of_both_kinds(cohort):
    frame = report.scores(cohort.root, cohort.db_url)
    assert not report.profile_ready(report.profiles(frame))  # APM and "both" work only
    jpm = frame[frame["exercise"] == "beta-metrics"].assign(exercise="backlog-capacity", skill="JPM")
    people = report.profiles(pd.concat([frame, jpm], ignore_index=True))
    assert report.profile_ready(people)
    assert any(report.profile_chart(people).to_dict()["datasets"].values())  # points to draw


def test_each_chart_has_its_own_colour_scale(cohort):
    frame = report.scores(cohort.root, cohort.db_url)
    people = report.profiles(frame)
    distribution = report.distribution_chart(frame).to_dict()
    profile = report.profile_chart(people).to_dict()
    assert distribution["encoding"]["color"]["scale"]["domain"] == ["APM", "JPM", "both"]
    assert profile["encoding"]["color"]["scale"]["domain"] == ["on track", "at risk"]
    for spec in (distribution, profile):
        assert spec["title"]["text"] and spec["description"]


def test_late_submission_penalised_by_nbgraders_plugin_and_shown(cohort, written):
    with gradebook(cohort.db_url) as book:
        ana = book.find_submission_notebook("beta-metrics", "beta-metrics", "ana")
        assert ana.late_submission_penalty == pytest.approx(1.4)  # 7 points, 2 started days late at 10% a day
        assert book.find_submission_notebook("beta-metrics", "beta-metrics", "eve").late_submission_penalty is None
    frame = report.scores(cohort.root, cohort.db_url).set_index(["learner", "exercise"])
    assert frame.loc[("ana", "beta-metrics"), "late"] and frame.loc[("ana", "beta-metrics"), "score"] == 5.6
    assert not frame.loc[("eve", "beta-metrics"), "late"]
    text = written[2]["ana"].read_text(encoding="utf-8")
    assert "Late by 30 hours" in text and "Penalty: 1.4 points" in text


def _hidden_lines():
    lines = hidden_lines(ic.source("beta-metrics"))
    assert len(lines) >= 3
    return lines


@browser_test
def test_feedback_shows_manual_scores_comments_and_awaiting_grading(written, tab):
    pages = written[2]
    tab.goto(pages["eve"].as_uri())
    expect(tab.locator("h1.page-title")).to_have_text("Feedback on beta-metrics")
    written_grade = tab.locator(".grade").last
    expect(written_grade).to_be_visible()
    expect(written_grade).to_contain_text("Score: 2.5 / 3")
    expect(written_grade).to_contain_text(f"Instructor's comment: {ic.COMMENT}")
    expect(tab.locator(".summary")).to_contain_text("9.5 of 10 points")
    _shot(tab, "feedback-eve")
    tab.goto(pages["cy"].as_uri())
    expect(tab.locator(".grade.awaiting")).to_contain_text("Score: awaiting grading")
    expect(tab.locator(".grade.awaiting")).not_to_contain_text("0 / 3")
    tab.goto(pages["ben"].as_uri())  # a blank written answer is 0, and says it was blank
    expect(tab.locator(".grade").last).to_contain_text("Not answered")
    assert tab.outside_requests == []


@browser_test
def test_learner_script_and_style_are_shown_as_text_never_run(written, tab):
    tab.goto(written[2]["cy"].as_uri())
    heading = tab.locator("h1.page-title")
    expect(heading).to_have_text("Feedback on beta-metrics")
    expect(heading).to_be_visible()  # the learner's <style>body{display:none}</style> did not apply
    assert tab.title() == "Feedback: beta-metrics"  # their <script> did not run
    expect(tab.locator("pre.answer").last).to_contain_text("<script>window.__pwned=2</script>")  # as typed
    tab.wait_for_timeout(300)
    assert tab.evaluate("window.__pwned") is None and tab.locator("img, svg").count() == 0
    expect(tab.locator(".summary")).to_contain_text("5 of 10 points")
    expect(tab.locator("pre.output").first).to_contain_text("<script>document.title=")
    assert tab.locator("script").count() == 0 and tab.locator("body style").count() == 0
    _shot(tab, "feedback-hostile")


def test_no_feedback_page_shows_hidden_tests(written):
    for page in written[2].values():
        text = page.read_text(encoding="utf-8")
        for line in _hidden_lines():
            assert line not in text, (page, line)
        assert "Traceback" not in text and "mathjax" not in text.lower() and "require.js" not in text


def test_clean_text_caps_what_a_learner_printed():
    assert feedback.clean_text("ok\nbye") == "ok\nbye"
    assert "cut" in feedback.clean_text("x" * (feedback.MAX_TEXT + 10))


def test_formgraders_generate_feedback_writes_pmkit_pages(cohort, written):
    """Formgrader's button runs nbgrader's generate_feedback with the cohort's config: the same safe page."""
    target = cohort.root / "feedback" / "cy" / "beta-metrics" / "beta-metrics.html"
    target.unlink()
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", "beta-metrics", "--student", "cy",
                           "--force"], cwd=cohort.root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    text = target.read_text(encoding="utf-8")
    assert "Hidden tests ran when your work was graded" in text
    for line in _hidden_lines():
        assert line not in text
    assert "<script>document.title" not in text and "&lt;script&gt;document.title" in text


def test_grading_kernels_print_no_tcp_encryption_warning(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "check", str(ic.source("beta-metrics"))],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert "Autograded: 7 of 7 points" in done.stdout, done.stdout + done.stderr
    assert "without encryption" not in done.stdout + done.stderr


def test_report_csv_has_every_learner_and_exercise(written):
    import pandas as pd

    frame = pd.read_csv(written[0])
    assert len(frame) == len(ic.LEARNERS) * 3
    assert json.loads(frame.set_index(["learner", "exercise"]).loc[("ana", "beta-metrics")].to_json())["penalty"] == 1.4


@browser_test
def test_formgrader_grades_offline_with_no_mathjax_error(cohort, written, tab, tmp_path):
    """An instructor's server as the hub starts it, opened with no network: Formgrader's page works."""
    import os
    import time

    port, token = free_port(), "formgrader-offline-test"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(REPO / "deploy" / "jupyterhub" / "singleuser" / "instructor"),
           "PMKIT_COHORT": str(cohort.root), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    command = [sys.executable, "-m", "jupyter", "server", f"--port={port}", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={cohort.root}", "--allow-root"]
    log = tmp_path / "server.log"
    saved = _written_grade(cohort, "cy")
    try:
        with serve_until_ready(command, port=port, token=token, log=log, env=env, cwd=cohort.root):
            with gradebook(cohort.db_url) as book:
                notebook_id = book.find_submission_notebook("beta-metrics", "beta-metrics", "cy").id
            _set_name(cohort, "cy", NAME_ATTACK, "Learner")  # a name with markup (an older roster, Formgrader's form)
            errors: list[str] = []
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            # The page's own AJAX calls need the token too (a URL token authenticates only the page itself).
            tab.set_extra_http_headers({"Authorization": f"token {token}"})
            tab.goto(f"http://127.0.0.1:{port}/formgrader/submissions/{notebook_id}/?token={token}")
            tab.wait_for_load_state("networkidle")
            expect(tab.locator("#notebook").first).to_contain_text("Question 4", timeout=30_000)
            assert tab.title() != "PWNED"  # cy's displayed <script> did not run in the instructor's page
            expect(tab.locator("h1", has_text="100/100")).to_have_count(0)  # shown as text, never as markup
            # cy's Markdown answer and name: shown as the characters typed, nothing of them run
            expect(tab.locator("#notebook").first).to_contain_text("cy-markdown-marker")
            expect(tab.locator("#notebook").first).to_contain_text("<script>window.__pwned=2</script>")
            expect(tab.locator("#notebook").first).to_contain_text('<svg onload="window.__pwned=3">')
            assert NAME_ATTACK in (tab.locator("a.name-shown").first.text_content() or "")
            tab.wait_for_timeout(500)  # an image's onerror fires once its (failed) load ends
            assert tab.evaluate("window.__pwned") is None
            assert tab.locator("#notebook svg, #notebook script, #notebook img[onerror]").count() == 0
            # a data exercise's pandas output reads as a table, not as its HTML source and CSS
            expect(tab.locator("#notebook table.dataframe").first).to_be_visible()
            assert ".dataframe tbody" not in tab.locator("#notebook").first.inner_text()
            expect(tab.locator("input.score").last).to_be_visible()  # the grading form is there, ready to use
            assert _manual_score(cohort, "cy") is None
            # Formgrader shows each autograded score as a placeholder once the page has loaded the grades.
            expect(tab.locator("input.score").first).to_have_attribute("placeholder", re.compile(r"\d"), timeout=30_000)
            tab.locator("input.score").last.fill("2")  # manual grading through the page reaches the gradebook
            tab.locator("input.score").last.press("Tab")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and _manual_score(cohort, "cy") != 2:
                time.sleep(0.5)
            assert _manual_score(cohort, "cy") == 2
            _shot(tab, "formgrader-offline")
            for page in ("manage_students", "gradebook/beta-metrics/beta-metrics", "manage_students/cy"):
                tab.goto(f"http://127.0.0.1:{port}/formgrader/{page}?token={token}")  # Formgrader's own list pages
                tab.wait_for_load_state("networkidle")
                if page == "manage_students":
                    expect(tab.locator("body")).to_contain_text(NAME_ATTACK, timeout=30_000)  # the name, as typed
                if page == "manage_students/cy":  # nbgrader's score is before the late penalty, and says so
                    before_penalty = tab.locator("th", has_text="Overall score before late penalty")
                    expect(before_penalty).to_be_visible(timeout=30_000)
                assert tab.evaluate("window.__pwned") is None, page
            text = "\n".join(errors)
            assert "MathJax is not defined" not in text, text
            assert not [url for url in tab.outside_requests if "127.0.0.1" not in url], tab.outside_requests
            assert "pmkit.cohort.formgrader" in log.read_text()
    finally:
        _set_name(cohort, "cy", "Cy", "Learner")
        # The module's cohort is shared: leave cy's written grade as it was, once the page can save no more
        # (leaving the page saves its score fields again, and marks the answer graded).
        _set_written_grade(cohort, "cy", *saved)


#: A roster name that runs script wherever a page prints it as markup.
NAME_ATTACK = '<img src="x" onerror="window.__pwned=4">'


def _set_name(cohort, learner: str, first: str, last: str) -> None:
    with gradebook(cohort.db_url) as book:
        book.update_or_create_student(learner, first_name=first, last_name=last)


def _manual_score(cohort, learner: str) -> float | None:
    """The manual score of beta-metrics' written answer, read from the gradebook."""
    with gradebook(cohort.db_url) as book:
        notebook = book.find_submission_notebook("beta-metrics", "beta-metrics", learner)
        return next((g.manual_score for g in notebook.grades if g.name == "answer-call"), None)


def _written_grade(cohort, learner: str) -> tuple[float | None, bool]:
    with gradebook(cohort.db_url) as book:
        notebook = book.find_submission_notebook("beta-metrics", "beta-metrics", learner)
        grade = next(g for g in notebook.grades if g.name == "answer-call")
        return grade.manual_score, grade.needs_manual_grade


def _set_written_grade(cohort, learner: str, score: float | None, needs_manual_grade: bool) -> None:
    with gradebook(cohort.db_url) as book:
        notebook = book.find_submission_notebook("beta-metrics", "beta-metrics", learner)
        grade = next(g for g in notebook.grades if g.name == "answer-call")
        grade.manual_score, grade.needs_manual_grade = score, needs_manual_grade
        book.db.commit()


def _canvas_import(path):
    """Canvas's documented gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then assignments;
    an optional Points Possible row; each learner found by ID, SIS User ID or SIS Login ID; scores numeric or blank."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as source:
        table = list(csv.reader(source))
    header, body = table[0], table[1:]
    assert tuple(header[:5]) == ("Student", "ID", "SIS User ID", "SIS Login ID", "Section"), header
    assignments = header[5:]
    assert len(set(assignments)) == len(assignments) and all(assignments)
    possible = {}
    if body and body[0][0].strip() == "Points Possible":
        possible = dict(zip(assignments, map(float, body[0][5:]), strict=True))
        body = body[1:]
    grades = {}
    for row in body:
        assert len(row) == len(header)
        key = row[1] or row[2] or row[3]
        assert key, f"{row}: Canvas cannot match a row without ID, SIS User ID or SIS Login ID"
        scores = {}
        for name, cell in zip(assignments, row[5:], strict=True):
            if cell == "EX":  # Canvas's "excused"
                scores[name] = "EX"
            elif cell != "":
                scores[name] = float(cell)
                assert 0 <= scores[name] <= possible.get(name, float("inf")), (row, name)
        grades[key] = scores
    return possible, grades


def _moodle_import(path):
    """Moodle's documented CSV grade import: a header row, users mapped by "Email address" (useremail) or
    "ID number" (useridnumber), every other column a grade item; grades numeric or blank; UTF-8, commas."""
    import csv

    with path.open(encoding="utf-8", newline="") as source:
        table = list(csv.reader(source))
    header, body = table[0], table[1:]
    assert "Email address" in header and "ID number" in header, header
    email = header.index("Email address")
    items = [i for i, name in enumerate(header) if name.endswith("(Real)")]
    emails = [row[email] for row in body]
    assert len(set(emails)) == len(emails) and all("@" in e for e in emails)
    return {row[email]: {header[i].removesuffix(" (Real)"): float(row[i]) for i in items if row[i] != ""}
            for row in body}


def test_canvas_export_imports_final_totals_only_and_keeps_questions_out_of_the_gradebook(cohort, written, tmp_path):
    out = tmp_path / "canvas.csv"
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "export", "--lms", "canvas", "--questions", "--out",
                           str(out), "--cohort", str(cohort.root)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    possible, grades = _canvas_import(out)
    # one gradebook item per exercise: no per-question column would become a Canvas assignment
    assert possible == {"beta-metrics": 10, "prd": possible["prd"], "role-sort": 12}
    assert set(grades) == set(ic.LEARNERS)
    assert grades["eve"]["beta-metrics"] == 9.5  # her written answer is graded: a final total
    # ana's and cy's written answers await Formgrader: their beta-metrics totals are partial, so blank
    assert "beta-metrics" not in grades["ana"] and "beta-metrics" not in grades["cy"]
    assert "total(s) with points awaiting manual grading" in done.stdout and "ana: beta-metrics" in done.stdout
    assert grades["dee"] == {"beta-metrics": 0.0}  # missing after the due date; role-sort not due: blank
    assert "role-sort" not in grades["cy"] and "prd" not in grades["ana"]
    questions = out.with_name("canvas-questions-not-for-import.csv")
    assert "do NOT import" in done.stdout and questions.is_file()
    rows = {(r[0], r[2]): r for r in csv.reader(questions.open(encoding="utf-8"))}
    assert rows[("eve", "answer-call")][3] == "2.5" and rows[("cy", "answer-call")][5] == "yes"


def test_partial_totals_only_with_allow_partial(cohort, written, tmp_path):
    from pmkit.cohort import lms_export as export

    _, grades = _canvas_import(export.write(cohort.root, cohort.db_url, "canvas", tmp_path / "a.csv",
                                            allow_partial=True)[0])
    assert grades["ana"]["beta-metrics"] == 5.6  # the autograded part after the late penalty, as asked


def test_excused_learners_export_as_canvas_ex_and_moodle_blank(cohort, written, tmp_path):
    from pmkit.cohort import lms_export as export

    copy = copy_cohort(cohort.root, tmp_path / "c")
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "deadline", "beta-metrics", "--excuse", "DEE",
                           "--cohort", str(copy.root)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "excused: dee" in done.stdout, done.stderr
    frame = report.scores(copy.root, copy.db_url).set_index(["learner", "exercise"])
    assert frame.loc[("dee", "beta-metrics"), "status"] == report.EXCUSED
    assert not frame.loc[("dee", "beta-metrics"), "counted"]
    people = report.profiles(report.scores(copy.root, copy.db_url)).set_index("learner")
    assert "beta-metrics" not in people.loc["dee", "reasons"]  # not at risk for work he was excused from
    table = export.rows(copy.root, copy.db_url, "canvas")
    dee = next(r for r in table if r[2] == "dee")
    assert dee[5 + table[0][5:].index("beta-metrics")] == "EX"
    moodle = export.rows(copy.root, copy.db_url, "moodle")
    dee = next(r for r in moodle if r[2] == "dee")
    assert dee[4 + [h.removesuffix(" (Real)") for h in moodle[0][4:]].index("beta-metrics")] == ""


def test_export_matches_learners_on_the_lms_own_ids(cohort, written, tmp_path):
    from pmkit.cohort import lms_export as export

    lms = tmp_path / "canvas-export.csv"
    lms.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1\n"
                   "    Points Possible,,,,,10\n"
                   + "".join(f"\"Learner, {x.title()}\",{1000 + i},{x},{x.upper()}@EXAMPLE.ORG,A,5\n"
                             for i, x in enumerate(ic.LEARNERS) if x != "cy"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "export", "--lms", "canvas", "--match", str(lms),
                           "--out", str(tmp_path / "out.csv"), "--cohort", str(cohort.root)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "not in the LMS's export, left out: cy" in done.stderr
    rows = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    by_id = {r[2]: r for r in rows[2:]}
    assert by_id["ana"][1] == "1000" and by_id["ana"][3] == "ANA@EXAMPLE.ORG" and "cy" not in by_id
    bad = tmp_path / "moodle.csv"
    bad.write_text("First name,Surname\nA,B\n", encoding="utf-8")
    with pytest.raises(PmkitError, match="Email address"):
        export.write(cohort.root, cohort.db_url, "moodle", tmp_path / "m.csv", match=bad)


def test_moodle_export_imports_by_email(cohort, written, tmp_path):
    out = tmp_path / "moodle.csv"
    from pmkit.cohort import lms_export as export

    export.write(cohort.root, cohort.db_url, "moodle", out)
    grades = _moodle_import(out)
    assert grades["ana@example.org"] == {}  # both her exercises have a written answer awaiting Formgrader: blank
    assert grades["eve@example.org"]["beta-metrics"] == 9.5
    assert grades["ben@example.org"]["beta-metrics"] == 0.0 and "role-sort" not in grades["cy@example.org"]


def test_deadline_command_sets_nbgraders_due_date_and_extensions_with_clear_errors(cohort, written):
    def pmkit(*args):
        return subprocess.run([sys.executable, "-m", "pmkit.cli", *args, "--cohort", str(cohort.root)],
                              capture_output=True, text=True, timeout=120)

    done = pmkit("deadline", "prd", "--due", "2030-01-10T17:00+01:00", "--extend", "ben=36h")
    assert done.returncode == 0 and "prd: due 2030-01-10 16:00 UTC" in done.stdout, done.stderr
    assert "extension for ben: 36 hours" in done.stdout
    with gradebook(cohort.db_url) as book:
        assert str(book.find_assignment("prd").duedate) == "2030-01-10 16:00:00"
    bad = pmkit("deadline", "prd", "--due", "next friday")
    assert bad.returncode == 2 and "2026-12-01T17:00" in bad.stderr and "Traceback" not in bad.stderr
    bad = pmkit("deadline", "prd", "--extend", "nobody=2d")
    assert bad.returncode == 2 and "no learner with that id or name" in bad.stderr
    assert pmkit("deadline", "nope", "--due", "2030-01-01").returncode == 2


def test_the_late_policy_is_set_once_for_the_cohort_and_retakes_graded_work(cohort, written, tmp_path):
    copy = copy_cohort(cohort.root, tmp_path / "c")
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "late-policy", "zero", "--cohort", str(copy.root)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "late policy of the whole cohort: a late submission scores 0" in done.stdout
    assert "beta-metrics: penalty of ana's graded submission: 1.4 -> 7 points" in done.stdout
    moodle = subprocess.run([sys.executable, "-m", "pmkit.cli", "export", "--lms", "moodle", "--out",
                             str(tmp_path / "m.csv"), "--cohort", str(copy.root)], capture_output=True, text=True,
                            timeout=120)
    assert "create each item first with its own maximum (beta-metrics 10" in moodle.stdout


def test_a_last_name_with_a_comma_is_not_split_in_canvas(cohort, written, tmp_path):
    from pmkit.cohort import lms_export as export
    from pmkit.grading.gradebook import gradebook as book_at

    copy = copy_cohort(cohort.root, tmp_path / "c")
    with book_at(copy.db_url) as book:
        book.update_or_create_student("ben", first_name="Ben", last_name="Smith, Jr.")
    ben = next(r for r in export.rows(copy.root, copy.db_url, "canvas") if r[2] == "ben")
    assert ben[0] == "Ben Smith, Jr."
    ana = next(r for r in export.rows(copy.root, copy.db_url, "canvas") if r[2] == "ana")
    assert ana[0] == "Learner, Ana"


def test_an_extension_given_after_grading_takes_without_grading_again(cohort, written, tmp_path):
    copy = copy_cohort(cohort.root, tmp_path / "c")
    before = report.scores(copy.root, copy.db_url).set_index(["learner", "exercise"]).loc[("ana", "beta-metrics")]
    assert before["late"] and before["penalty"] == 1.4

    def pmkit(*args):
        return subprocess.run([sys.executable, "-m", "pmkit.cli", *args, "--cohort", str(copy.root)],
                              capture_output=True, text=True, timeout=300)

    done = pmkit("deadline", "beta-metrics", "--extend", "ANA=2d")  # the roster id is "ana"
    assert done.returncode == 0, done.stderr
    assert "extension for ana: 48 hours" in done.stdout
    assert "penalty of ana's graded submission: 1.4 -> 0" in done.stdout
    after = report.scores(copy.root, copy.db_url).set_index(["learner", "exercise"]).loc[("ana", "beta-metrics")]
    assert not after["late"] and after["penalty"] == 0 and after["raw_score"] == before["raw_score"]
    regrade = pmkit("grade", "beta-metrics", "--workers", "1")
    assert "unchanged submission(s) skipped" in regrade.stderr
    again = report.scores(copy.root, copy.db_url).set_index(["learner", "exercise"]).loc[("ana", "beta-metrics")]
    assert again["penalty"] == 0  # grading again does not bring the old penalty back
    typo = pmkit("deadline", "beta-metrics", "--extend", "aan=1d")
    assert typo.returncode == 2 and "did you mean ana" in typo.stderr
    by_name = pmkit("deadline", "beta-metrics", "--extend", "Eve Learner=1d")
    assert by_name.returncode == 0 and "extension for eve: 24 hours" in by_name.stdout


def test_the_questions_missed_most_rank_only_fully_graded_questions(cohort, written):
    table = report.questions(report._query(cohort.db_url)["grades"])
    call = table[(table["exercise"] == "beta-metrics") & (table["question"] == "answer-call")]
    assert call["awaiting"].iloc[0] == 2 and not call["ranked"].iloc[0]  # ana's and cy's await Formgrader
    assert call.index[0] > table[table["ranked"]].index.max()  # listed after every ranked question
    page = written[1].read_text(encoding="utf-8")
    assert "(not ranked yet)" in page and "question(s) with answers awaiting manual grading are not ranked" in page


def test_failed_and_missing_work_are_named_as_reasons():
    import pandas as pd

    rows = [("kim", "prd", report.FAILED, None), ("kim", "beta-metrics", report.MISSING, 0.0),
            ("kim", "role-sort", report.GRADED, 100.0), ("lee", "prd", report.GRADED, 90.0),
            ("lee", "beta-metrics", report.NOT_DUE, None), ("lee", "role-sort", report.SUBMITTED, None)]
    frame = pd.DataFrame(rows, columns=["learner", "exercise", "status", "pct"]).assign(
        counted=lambda f: f["status"].isin([report.GRADED, report.MISSING]), late=False,
        skill=lambda f: f["exercise"].map(report.SKILL))
    people = report.profiles(frame).set_index("learner")
    assert people.loc["kim", "at_risk"] and not people.loc["lee", "at_risk"]
    assert "missing after the due date: beta-metrics" in people.loc["kim", "reasons"]
    assert "grading failed: prd" in people.loc["kim", "reasons"]
    assert people.loc["lee", "counted"] == 1 and people.loc["lee", "overall_pct"] == 90
