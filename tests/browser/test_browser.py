"""The course as a learner and an instructor see it: real JupyterLab, real kernels, Debian's Chromium.

Run these alone with ``pytest -m browser``. Each test saves a screenshot under
``test-artifacts/browser/``. Requests to anything but the loopback server are blocked and
recorded, so a chart that needed a CDN would fail here as it would offline.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from tests.conftest import CHROMIUM, COURSE, REPO, block_outside, free_port, start_server, stop_server

ARTIFACTS = REPO / "test-artifacts" / "browser"
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (.ci/run installs it)")]
RETRIES: list[str] = []  # every retry that fired, for the report at the end of a run


class Lab:
    """A JupyterLab server started with `make lab` or `make instructor`, in its own process group."""

    def __init__(self, mode: str, tmp: Path, root: Path | None = None, open_path: str | None = None,
                 extra_args: tuple[str, ...] = (), env: dict[str, str] | None = None, dark: bool = False) -> None:
        self.port, self.token = free_port(), "browser-test-token"
        settings = tmp / "user-settings" / "@jupyterlab"
        (settings / "docmanager-extension").mkdir(parents=True)
        (settings / "notebook-extension").mkdir(parents=True)
        # Never save over the course's files, and render every cell so off-screen ones can be found.
        (settings / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
        (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
            json.dumps({"windowingMode": "none"}))
        if dark:
            (settings / "apputils-extension").mkdir(parents=True)
            (settings / "apputils-extension" / "themes.jupyterlab-settings").write_text(
                json.dumps({"theme": "JupyterLab Dark"}))
        args = [f"--port={self.port}", "--no-browser", f"--IdentityProvider.token={self.token}",
                f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
                f"--LabApp.user_settings_dir={tmp / 'user-settings'}", *extra_args]
        target = "lab" if mode == "learner" else "instructor"
        make = ["make", "-s", "-C", str(REPO), target, f"LAB_ARGS={' '.join(args)}"]
        if root is not None:
            make.append(f"LAB_ROOT={root}")
        if open_path is not None:
            make.append(f"{'LAB_OPEN' if mode == 'learner' else 'INSTRUCTOR_OPEN'}={open_path}")
        self.log = tmp / f"{mode}-lab.log"
        # Kernels record learner progress in the test's own file, never in the developer's.
        self.progress = tmp / "progress.json"
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
               "PMKIT_PROGRESS": str(self.progress), **(env or {})}
        self.proc = start_server(make, port=self.port, token=self.token, log=self.log, env=env)
        self.base = f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path}?token={self.token}"

    def stop(self) -> None:
        stop_server(self.proc)


@pytest.fixture(scope="module")
def learner_lab(tmp_path_factory):
    lab = Lab("learner", tmp_path_factory.mktemp("learner"))
    yield lab
    lab.stop()


@pytest.fixture
def page(offline_page):
    """A tab that reaches only the loopback server (conftest's offline page)."""
    return offline_page


def _shot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path))
    return path


def _retry(what: str, action, attempts: int = 2):
    """Run ``action``; on a timeout try once more, and record that a retry fired."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        try:
            return action()
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            RETRIES.append(what)


def _panel(tab):
    """The visible notebook panel: every selector below is scoped to it."""
    return tab.locator(".jp-NotebookPanel:visible").last


#: A quiz a chapter's code cell builds: ``widgets.chapter_quiz("01")`` and the like.
QUIZ_CALL = re.compile(r"\bwidgets\.(role_quiz|chapter_quiz|task_sort|scenario_quiz)\(([^)]*)\)")


def chapter_quiz(notebook: str, number: int = 0):
    """The ``number``-th quiz a chapter's code builds, built here as its kernel builds it (same questions, order)."""
    from pmkit.teach import widgets

    calls = [m.groups() for cell in nbformat.read(COURSE / notebook, as_version=4).cells
             if cell.cell_type == "code" for m in QUIZ_CALL.finditer(cell.source)]
    assert len(calls) > number, f"{notebook} builds {len(calls)} quiz(zes): {calls}"
    name, args = calls[number]
    built, again = (eval(f"widgets.{name}({args})", {"widgets": widgets}) for _ in range(2))  # the course's own call
    assert [q.id for q in built.questions] == [q.id for q in again.questions], (
        f"{notebook}'s widgets.{name}({args}) draws its questions at random: the kernel's cannot be rebuilt here")
    return built


def _handle_kernel_dialog(tab) -> None:
    dialog = tab.locator(".jp-Dialog")
    if dialog.count() and "Select Kernel" in dialog.first.inner_text():
        dialog.locator("button.jp-mod-accept").click()


def _wait_idle(tab, timeout: float = 90_000) -> None:
    """Wait for the connected kernel to report idle in the status bar (Run All is unreliable before)."""
    _handle_kernel_dialog(tab)
    tab.wait_for_function(
        "() => [...document.querySelectorAll('.jp-StatusBar-TextItem, .jp-StatusBar-Component')]"
        ".some(e => /\\|\\s*Idle/.test(e.textContent))", timeout=timeout)


def _open(tab, lab: Lab, path: str) -> None:
    """Open a notebook in a fresh, uniquely named workspace (nothing restored from earlier tests)."""
    tab.goto(lab.url(f"lab/workspaces/w{time.monotonic_ns()}/tree/{path}"))
    tab.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
    _wait_idle(tab)


def _run_all(tab) -> None:
    def click_run_all():
        tab.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        tab.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click(timeout=5_000)

    _retry("open the Run menu", click_run_all)
    tab.wait_for_timeout(500)
    _wait_idle(tab, timeout=180_000)


def test_learner_opens_the_welcome_chapter_and_follows_its_first_link(learner_lab, page):
    started = time.perf_counter()
    _open(page, learner_lab, "course/00-welcome.ipynb")
    panel = _panel(page)
    assert panel.locator("h1").first.inner_text().startswith("Welcome: Associate or Junior Product Manager?")
    assert "01-at-a-glance.ipynb" in page.locator(".jp-DirListing-itemText").all_inner_texts()  # course/ is open
    page.locator(".jp-BreadCrumbs-home").first.click()  # the top of the course, as a learner sees it
    page.wait_for_function("() => [...document.querySelectorAll('.jp-DirListing-itemText')]"
                           ".some(e => e.textContent === 'exercises')", timeout=30_000)
    listing = page.locator(".jp-DirListing-itemText").all_inner_texts()
    assert {"course", "exercises"} <= set(listing)
    assert not {"solutions", "tests", "pmkit", "benchmarks", "__pycache__", ".venv"} & set(listing)
    _shot(page, "1-welcome")
    first = panel.locator(".jp-RenderedMarkdown a[href*='.ipynb']").first
    assert first.inner_text() == "01 At a glance"
    first.click()
    page.wait_for_function("() => [...document.querySelectorAll('.jp-NotebookPanel h1')]"
                           ".some(h => h.textContent.startsWith('APM and JPM at a glance'))", timeout=60_000)
    _shot(page, "1-followed-link")
    assert page.outside_requests == []
    print(f"\nbrowser test 1 took {time.perf_counter() - started:.1f} s")


def test_chapter_runs_offline_with_charts_widgets_and_feedback(learner_lab, page):
    started = time.perf_counter()
    _open(page, learner_lab, "course/01-at-a-glance.ipynb")
    _run_all(page)
    panel = _panel(page)
    charts = panel.locator(".vega-embed")
    charts.first.wait_for(timeout=60_000)
    charts.first.scroll_into_view_if_needed()
    marks = panel.locator(".vega-embed canvas, .vega-embed svg.marks")
    marks.first.wait_for(timeout=30_000)
    assert charts.count() == 1 and marks.count() >= 1
    questions = panel.locator(".widget-toggle-buttons")
    questions.first.wait_for(timeout=30_000)
    asked = chapter_quiz("01-at-a-glance.ipynb").questions  # the chapter's quiz, as the kernel builds it
    assert questions.count() == len(asked)
    errors = panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0
    first = questions.nth(0)
    first.scroll_into_view_if_needed()
    first.locator("button", has_text=asked[0].answer).click()
    # The widget replaces its HTML on every answer, so assert through locators that re-query, never
    # through an element handle that may already be detached.
    feedback = panel.locator(".pmkit-quiz .pmkit-feedback")  # the quiz's, not the "Your turn" cells'
    expect(feedback.nth(0)).to_contain_text("Correct", timeout=30_000)
    wrong = next(o for o in asked[1].options if o != asked[1].answer)
    questions.nth(1).locator("button", has_text=wrong).click()
    expect(feedback.nth(1)).to_contain_text(f"Not quite: you chose {wrong}", timeout=30_000)
    expect(panel.locator(".widget-html", has_text="Score:").first).to_contain_text(
        f"1 of {len(asked)} correct", timeout=30_000)
    from pmkit.teach import theme

    for index, status in ((0, "correct"), (1, "incorrect"), (2, "not_attempted")):  # light theme, as measured
        shown = _colours(feedback.nth(index))
        assert shown == theme.FEEDBACK[status]["light"] and theme.contrast(*shown) >= 4.5, (status, shown)
    _shot(page, "2-chapter-offline")
    # The clicks are remembered for the learner, under the chapter JupyterLab opened (the kernel's session).
    from pmkit.teach import progress

    page.wait_for_timeout(500)
    saved = json.loads(learner_lab.progress.read_text())
    (entry,) = [q for q in saved["quizzes"].values() if q["chapter"] == "01-at-a-glance"]
    assert {a["status"] for a in entry["answers"].values()} == {"correct", "incorrect"}
    row = progress.summary(saved).set_index("name").loc["01-at-a-glance"]
    assert (row.status, row.done, row.score) == ("started", 2, 1)
    assert page.outside_requests == [], page.outside_requests
    print(f"\nbrowser test 2 took {time.perf_counter() - started:.1f} s")


def _type_into_cell(tab, cell_index: int, text: str) -> None:
    cell = _panel(tab).locator(".jp-Cell").nth(cell_index)
    cell.scroll_into_view_if_needed()
    editor = cell.locator(".cm-content")
    editor.click()
    tab.keyboard.press("Control+A")
    tab.keyboard.type(text)


def _run_cell(tab, cell_index: int):
    """Run one cell and wait until its own prompt shows a new execution count; return the cell."""
    cell = _panel(tab).locator(".jp-Cell").nth(cell_index)
    prompt = cell.locator(".jp-InputPrompt")
    before = prompt.inner_text()
    cell.locator(".cm-content").click()
    tab.keyboard.press("Control+Enter")
    tab.wait_for_function("([el, old]) => el.textContent !== old && /\\[\\d+\\]/.test(el.textContent)",
                          arg=[prompt.element_handle(), before], timeout=60_000)
    return cell


@contextlib.contextmanager
def _learner_exercise(tmp_path, browser, notebook: str, folders=("exercises", "datasets")):
    """A learner-mode lab on a copy of ``folders``, ``notebook`` open in a fresh tab: yields the tab and cell ids."""
    root = tmp_path / "learner-home"
    for folder in folders:
        shutil.copytree(REPO / folder, root / folder)
    lab = Lab("learner", tmp_path, root=root, open_path=str(root / notebook))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    try:
        _open(tab, lab, notebook)
        yield tab, [cell.id for cell in nbformat.read(root / notebook, as_version=4).cells]  # the DOM's order
    finally:
        context.close()
        lab.stop()


def test_exercise_visible_tests_and_nbgrader_validate(tmp_path, browser):
    started = time.perf_counter()
    notebook = "exercises/beta-metrics/beta-metrics.ipynb"
    with _learner_exercise(tmp_path, browser, notebook, ("course", "exercises", "datasets")) as (tab, ids):
        setup, answer, test = ids.index("setup"), ids.index("answer-adoption"), ids.index("test-adoption")
        _run_cell(tab, setup)
        _type_into_cell(tab, answer, "adoption_rate = 1.5")
        _run_cell(tab, answer)
        output = _run_cell(tab, test).locator(".jp-OutputArea")
        expect(output).to_contain_text(
            "✘ Not yet — adoption_rate: got 1.5, more than 1, but an adoption rate is a fraction", timeout=30_000)
        expect(output).not_to_contain_text("Traceback")
        # One look: the feedback box alone; the error output Run All needs is not a second, red copy.
        wrong = _panel(tab).locator(".jp-Cell").nth(test)
        expect(wrong.locator(".pmkit-feedback.pmkit-incorrect")).to_be_visible()
        red = wrong.locator(".jp-OutputArea-output[data-mime-type*='stderr'], "
                            ".jp-OutputArea-output[data-mime-type*='jupyter.error']")
        assert red.count() == 1 and not red.first.is_visible()
        _element_shot(wrong, "3-exercise-wrong-answer")
        _type_into_cell(tab, answer, "adoption_rate = 0.97")
        _run_cell(tab, answer)
        # the visible check holds no key: it says the answer has the asked form; the verdict comes when graded
        expect(_run_cell(tab, test).locator(".jp-OutputArea")).to_contain_text(
            "✔ Answered — adoption_rate: 0.97 is a fraction between 0 and 1, as asked", timeout=30_000)
        _shot(tab, "3-exercise-tests")
        tab.keyboard.press("Control+S")
        tab.wait_for_timeout(1000)
        _retry("click Validate", lambda: _panel(tab).get_by_text("Validate", exact=True).first.click(timeout=30_000))
        dialog = tab.locator(".jp-Dialog")
        dialog.wait_for(timeout=120_000)
        tab.wait_for_function("() => !document.querySelector('.jp-Dialog').textContent.includes('Validating')",
                              timeout=120_000)
        text = dialog.inner_text()
        _shot(tab, "3-validate")
        # Question 1 now passes its visible test; questions 2 and 3 are blank, so nbgrader lists them, and only them.
        assert "Validation Results" in text and "Tests for question 1" not in text
        assert "Tests for question 2" in text and "error_rate is not answered yet" in text
        assert "Tests for question 3" in text and "Traceback" not in text
    print(f"\nbrowser test 3 took {time.perf_counter() - started:.1f} s")


def test_a_role_sort_group_is_checked_for_its_form_before_grading(tmp_path, browser):
    """The visible check holds no key (issue 23): it names unanswered and unknown labels, never a verdict."""
    with _learner_exercise(tmp_path, browser, "exercises/role-sort/role-sort.ipynb") as (tab, ids):
        setup, answer, test = ids.index("setup"), ids.index("answer-sort"), ids.index("test-tasks-1-4")
        _run_cell(tab, setup)
        _type_into_cell(tab, answer, "answers = dict(zip(range(1, 21), 'JAAAAJJAAJJAJJAJAJAJ'))\nanswers[2] = 'APM'\n"
                                     "answers[4] = '?'")
        _run_cell(tab, answer)
        cell = _run_cell(tab, test)
        output = cell.locator(".jp-OutputArea")
        expect(output).to_contain_text(
            "✘ Fix before you submit — answers (tasks 1-4): 1 still unanswered: 4; not A or J: 2='APM'", timeout=30_000)
        expect(output).not_to_contain_text("Traceback")
        assert cell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        cell.scroll_into_view_if_needed()
        _shot(tab, "3-role-sort-form")
        _type_into_cell(tab, answer, "answers = dict(zip(range(1, 21), 'JAAAAJJAAJJAJJAJAJAJ'))")
        _run_cell(tab, answer)
        expect(_run_cell(tab, test).locator(".jp-OutputArea")).to_contain_text(
            "✔ Answered — answers (tasks 1-4): all 4 tasks are labelled A or J; whether each label is right is "
            "checked when you are graded.", timeout=30_000)


def _menu_items(tab, menu: str) -> list[str]:
    bar = tab.locator(".lm-MenuBar-itemLabel", has_text=menu)
    if bar.count() == 0:
        return []
    bar.first.click()
    items = tab.locator(".lm-Menu:visible .lm-Menu-itemLabel").all_inner_texts()
    tab.keyboard.press("Escape")
    return items


def test_instructor_mode_shows_nbgrader_tools_and_learner_mode_hides_them(learner_lab, browser, tmp_path):
    started = time.perf_counter()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    instructor = Lab("instructor", tmp_path, open_path=str(REPO / "solutions" / "prd" / "prd.ipynb"))
    try:
        _open(tab, instructor, "solutions/prd/prd.ipynb")
        assert "Formgrader" in _menu_items(tab, "Nbgrader")
        assert "Create Assignment" in tab.locator(".jp-SideBar.jp-mod-right").first.inner_text()
        _shot(tab, "4-instructor")
        _open(tab, learner_lab, "course/00-welcome.ipynb")
        assert tab.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").count() == 0  # no empty menu
        assert "Create Assignment" not in tab.locator(".jp-SideBar.jp-mod-right").first.inner_text()
        tab.wait_for_timeout(1_000)
        assert not _panel(tab).locator(".validate-button").is_visible()  # chapters have nothing to validate
        _shot(tab, "4-learner")
        _open(tab, learner_lab, "exercises/prd/prd.ipynb")
        expect(_panel(tab).locator(".validate-button")).to_be_visible(timeout=30_000)  # exercises keep it
    finally:
        context.close()
        instructor.stop()
    print(f"\nbrowser test 4 took {time.perf_counter() - started:.1f} s")


def test_report_retries():
    """Not a check of the course: prints how many retries fired in this run (at most one is allowed)."""
    print(f"\nretries that fired: {len(RETRIES)} {RETRIES}")
    assert len(RETRIES) <= 1


def test_chapters_open_without_the_unsaved_marker(tmp_path, browser):
    """A chapter stored by `make notebooks` is what JupyterLab would write back: nothing to save, no dot."""
    from pmkit import notebooks

    root = tmp_path / "learner-home"
    shutil.copytree(REPO / "course", root / "course")
    for path in (root / "course").glob("*.ipynb"):
        path.write_text(notebooks.dumps(notebooks.clean(notebooks.read(path))), encoding="utf-8")
    lab = Lab("learner", tmp_path, root=root, open_path=str(root / "course" / "02-the-apm.ipynb"))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    try:
        for chapter in ("course/02-the-apm.ipynb", "course/07-a-day-in-the-life.ipynb"):
            _open(tab, lab, chapter)
            tab.wait_for_timeout(2_000)  # the kernel's info reply has arrived and been written into the model
            dirty = tab.locator(".lm-TabBar-tab.jp-mod-dirty")
            _shot(tab, f"5-opened-clean-{Path(chapter).stem}")
            assert dirty.count() == 0, f"{chapter} opens with unsaved changes"
    finally:
        context.close()
        lab.stop()


def _kernels(lab: Lab) -> list[dict]:
    with urllib.request.urlopen(lab.url("api/kernels"), timeout=10) as answer:
        return json.load(answer)


def test_learner_mode_culls_idle_kernels_even_with_their_tab_open(tmp_path, browser):
    """Following "Next" leaves earlier chapters open; their idle kernels are shut down, not kept forever.

    Learner mode culls after 30 idle minutes; here the same settings run with a 6-second timeout.
    """
    lab = Lab("learner", tmp_path, extra_args=("--MappingKernelManager.cull_idle_timeout=6",
                                                "--MappingKernelManager.cull_interval=2"))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    try:
        _open(tab, lab, "course/00-welcome.ipynb")
        assert len(_kernels(lab)) == 1
        deadline = time.monotonic() + 60
        while _kernels(lab) and time.monotonic() < deadline:
            time.sleep(1)
        assert _kernels(lab) == [], "an idle kernel with its tab still open was not culled"
        _shot(tab, "6-kernel-culled")
    finally:
        context.close()
        lab.stop()


def _rgb(css: str) -> str:
    """``rgb(r, g, b)`` as ``#RRGGBB``."""
    import re

    r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
    return f"#{r:02X}{g:02X}{b:02X}"


def _colours(locator) -> tuple[str, str]:
    text, background = locator.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    return _rgb(text), _rgb(background)


def _element_shot(locator, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(path))
    return path


def test_dark_theme_table_quiz_and_chart_are_readable(tmp_path, browser):
    """In JupyterLab Dark: a table, a quiz answered right and wrong, and charts that fit their cell."""
    from pmkit.teach import theme

    lab = Lab("learner", tmp_path, dark=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    block_outside(context)
    try:
        _open(tab, lab, "course/01-at-a-glance.ipynb")
        assert tab.evaluate("document.body.dataset.jpThemeLight") == "false"
        _run_all(tab)
        panel = _panel(tab)
        table = panel.locator(".jp-OutputArea-output table").first
        table.wait_for(timeout=60_000)
        _element_shot(table, "7-dark-table")
        text, background = _colours(table.locator("td").first)
        assert theme.contrast(text, theme.PAGE["dark"] if background == "#000000" else background) >= 4.5
        marks = panel.locator(".vega-embed canvas, .vega-embed svg.marks").first
        marks.wait_for(timeout=60_000)
        chart = panel.locator(".vega-embed").first
        _element_shot(chart.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')]").first,
                      "7-dark-chart")
        fits = chart.evaluate("e => [e.getBoundingClientRect().width,"
                              " e.closest('.jp-OutputArea-output').getBoundingClientRect().width]")
        assert fits[0] <= fits[1], f"chart {fits[0]} px wide in a {fits[1]} px cell"
        questions = panel.locator(".pmkit-quiz .widget-toggle-buttons")
        feedback = panel.locator(".pmkit-quiz .pmkit-feedback")
        neutral = _colours(feedback.nth(0))
        assert neutral == theme.FEEDBACK["not_attempted"]["dark"][0:2]  # neutral grey, not the error colours
        first, second = chapter_quiz("01-at-a-glance.ipynb").questions[:2]  # as the chapter's kernel builds it
        wrong = next(o for o in second.options if o != second.answer)
        questions.nth(0).locator("button", has_text=first.answer).click()
        expect(feedback.nth(0)).to_contain_text("Correct", timeout=30_000)
        questions.nth(1).locator("button", has_text=wrong).click()
        expect(feedback.nth(1)).to_contain_text("Not quite", timeout=30_000)
        for index, status in ((0, "correct"), (1, "incorrect"), (2, "not_attempted")):
            shown = _colours(feedback.nth(index))
            assert shown == theme.FEEDBACK[status]["dark"], (status, shown)
            assert theme.contrast(*shown) >= 4.5
        chosen = questions.nth(1).locator("button.mod-active")
        assert chosen.inner_text().strip().endswith(wrong) and _colours(chosen) == theme.CHOSEN
        line_height = feedback.nth(1).evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"
                                               " / parseFloat(getComputedStyle(e).fontSize)")
        assert line_height < 1.6  # not the 28 px widget line height that double-spaces wrapped text
        _element_shot(panel.locator(".pmkit-quiz").first, "7-dark-quiz-right-and-wrong")
        _shot(tab, "7-dark-chapter")
        _open(tab, lab, "course/02-the-apm.ipynb")  # long options: radio buttons, a short "not answered"
        _run_all(tab)
        radios = _panel(tab).locator(".pmkit-quiz .widget-radio-box").first
        radios.wait_for(timeout=60_000)
        radios.locator("label").nth(1).click()
        _element_shot(_panel(tab).locator(".pmkit-quiz").first, "7-dark-quiz-long-options")
        chosen = radios.locator("label:has(input:checked)")
        assert _colours(chosen) == theme.CHOSEN
    finally:
        context.close()
        lab.stop()


def test_a_glossary_link_opens_the_rendered_definition(tmp_path, browser):
    """The link that `python -m pmkit.teach.glossary link` puts in a chapter lands on the term in the glossary."""
    from pmkit.teach import glossary

    root = tmp_path / "learner-home"
    for folder in ("course", "datasets"):
        shutil.copytree(REPO / folder, root / folder)
    chapters = sorted((root / "course").glob("[0-9][0-9]-*.ipynb"))
    glossary.link_first_uses(chapters, glossary=root / "course" / "glossary.md")  # a no-op where already linked
    assert "(glossary.md#Sprint)" in (root / "course" / "00-welcome.ipynb").read_text(encoding="utf-8")
    lab = Lab("learner", tmp_path, root=root, open_path=str(root / "course" / "00-welcome.ipynb"))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    try:
        _open(tab, lab, "course/00-welcome.ipynb")
        link = _panel(tab).locator(".jp-RenderedMarkdown a[href*='glossary.md']", has_text="sprint").first
        link.scroll_into_view_if_needed()
        link.click()
        heading = tab.locator(".jp-MarkdownViewer:visible h2", has_text=re.compile(r"^Sprint")).first
        heading.wait_for(timeout=60_000)
        expect(tab.locator(".lm-TabBar-tab.jp-mod-current")).to_contain_text("glossary.md")
        assert tab.locator(".jp-MarkdownViewer:visible h1", has_text="Glossary").count() == 1  # rendered
        tab.wait_for_timeout(1_000)
        top = heading.evaluate("e => e.getBoundingClientRect().top")
        _shot(tab, "8-glossary-link")
        assert 0 <= top < 400, f"the term's definition is not in view (heading at {top} px)"
    finally:
        context.close()
        lab.stop()
