"""The one grading engine: learner code sandboxed, hidden tests run apart, scores from trusted data only.

`pmkit check` (a learner checking their own notebook) and cohort grading both go through
:class:`GradingCourse`, so there is one way to execute and score a notebook:

1. nbgrader's own sanitising preprocessors restore every read-only cell, test cell and metadata
   field from the gradebook (notebook-JSON tampering changes nothing);
2. the learner's notebook runs in a sandboxed kernel (:mod:`pmkit.grading.sandbox`) with each autograded
   test cell replaced by an export step that sends only the answers that test reads, as plain data
   (:mod:`pmkit.grading.answers`); hidden tests never enter the learner's kernel;
3. the test cells' trusted source runs in a separate interpreter that never ran learner code
   (:mod:`pmkit.grading.trusted`), against those plain values and the exercise's own setup;
4. the graded notebook is assembled here from the trusted outcomes, and nbgrader's
   ``SaveAutoGrades`` records the scores, each clamped to its cell's maximum.
"""

from __future__ import annotations

import copy
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmkit.errors import NbgraderFailed, PmkitError
from pmkit.grading.gradebook import (
    clamp,
    gradebook,
    probe,
    put_interpreter_scripts_on_path,
    resources,
    sanitise,
    save_autogrades,
)
from pmkit.notebooks import is_test_cell
from pmkit.paths import REPO_ROOT

COURSE_ID = "apm-vs-jpm"
SOURCE_DIR, RELEASE_DIR = "solutions", "exercises"
#: Solution regions become this stub: no ``raise NotImplementedError``, so a released notebook runs clean.
CODE_STUB = "# YOUR CODE HERE\n"
TEXT_STUB = "YOUR ANSWER HERE"
CELL_TIMEOUT = 60
_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)


def apply_course_settings(config: Any) -> Any:
    """Put the course's nbgrader settings on a traitlets Config (used by nbgrader_config.py too)."""
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.source_directory = SOURCE_DIR
    config.CourseDirectory.release_directory = RELEASE_DIR
    config.ClearSolutions.code_stub = {"python": CODE_STUB}
    config.ClearSolutions.text_stub = TEXT_STUB
    config.ExecutePreprocessor.timeout = CELL_TIMEOUT
    config.Execute.timeout = CELL_TIMEOUT
    config.Execute.interrupt_on_timeout = True
    return config


def exercise_ids(solutions: Path = REPO_ROOT / SOURCE_DIR) -> list[str]:
    """Every exercise with a source notebook, ``solutions/<id>/<id>.ipynb``."""
    return sorted(p.name for p in solutions.iterdir() if (p / f"{p.name}.ipynb").is_file())


@dataclass(frozen=True)
class CellResult:
    """One graded cell: its grade id, points, and what the learner should read about it."""

    grade_id: str
    score: float | None
    max_score: float
    status: str  # correct, partial, incorrect, not_attempted, manual
    message: str

    @property
    def autograded(self) -> bool:
        """True for test cells nbgrader scores itself."""
        return self.status != "manual"


@dataclass
class SubmissionResult:
    """Everything graded in one learner's notebook."""

    exercise: str
    learner: str
    cells: list[CellResult] = field(default_factory=list)

    @property
    def auto_score(self) -> float:
        """Points earned on autograded cells."""
        return sum(c.score or 0 for c in self.cells if c.autograded)

    @property
    def auto_max(self) -> float:
        """Points available on autograded cells."""
        return sum(c.max_score for c in self.cells if c.autograded)

    @property
    def manual_max(self) -> float:
        """Points left for a human grader."""
        return sum(c.max_score for c in self.cells if not c.autograded)

    def scores(self) -> dict[str, float | None]:
        """Score per grade id (None for manually graded cells not yet graded)."""
        return {c.grade_id: c.score for c in self.cells}


def graded_cell_outcome(cell: Any) -> tuple[str, str]:
    """Read a test cell's outputs: our checks' messages, or the error's last line for anything else."""
    from pmkit.exercises.checks import MESSAGE_MIME, PARTIAL

    printed = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    for output in cell.get("outputs", []):
        if output.get("output_type") == "execute_result":  # partial credit, as nbgrader reads it
            data = output.get("data", {})
            maximum = cell.get("metadata", {}).get("nbgrader", {}).get("points", 0)
            try:
                partial = float("".join(data.get("text/plain", "")))
            except ValueError:
                continue
            if partial < float(maximum):
                message = "".join(data.get(MESSAGE_MIME, "")) or f"\u2718 {partial:g} of {maximum:g} points."
                return (PARTIAL if partial > 0 else "incorrect"), message
        if output.get("output_type") == "error":
            ename, evalue = output.get("ename", ""), output.get("evalue", "")
            if ename == "NotAttempted":
                return "not_attempted", evalue
            if ename == "Incorrect":
                return "incorrect", evalue
            return "incorrect", f"\u2718 the test stopped with {ename}: {evalue}".strip()
    return "correct", printed.strip() or "\u2714 passed."


def _once(printed: str) -> str:
    """Printed check lines with repeats dropped: a hidden test that repeats a visible check says it once."""
    return "".join(dict.fromkeys(printed.splitlines(keepends=True)))


@dataclass(frozen=True)
class TestCell:
    """One autograded test cell as the trusted side knows it."""

    grade_id: str
    source: str  # from the source notebook, hidden tests included
    names: tuple[str, ...]  # the learner's values it reads
    markdown: tuple[tuple[str, str], ...] = ()  # (name, cell id): read from the submitted notebook, not the kernel

    @property
    def kernel_names(self) -> list[str]:
        """The names the learner's kernel hands over: all but those read from Markdown answer cells."""
        from_markdown = {name for name, _ in self.markdown}
        return [name for name in self.names if name not in from_markdown]


@dataclass(frozen=True)
class ExerciseSpec:
    """What the trusted runner needs: the exercise's read-only setup cells and its test cells."""

    setup: tuple[str, ...]
    tests: tuple[TestCell, ...]

    @classmethod
    def from_notebook(cls, path: Path) -> ExerciseSpec:
        """Read setup and test cells from a trusted notebook (the source, or a release when that is all there is)."""
        import nbformat

        from pmkit.grading import answers

        nb = nbformat.read(path, as_version=4)
        setup, tests, known = [], [], set()
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code" or not meta:
                continue
            if is_test_cell(cell):
                try:
                    names = answers.answer_names(cell.source, known)
                    known |= answers.defined_names(cell.source)
                except SyntaxError as error:
                    raise PmkitError(f"{path}: test cell {meta.get('grade_id')}: not valid Python: {error}") from None
                markdown = tuple(answers.markdown_names(cell.source).items())
                tests.append(TestCell(meta["grade_id"], cell.source, tuple(names), markdown))
            elif not meta.get("solution") and not meta.get("grade") and not meta.get("task"):
                setup.append(cell.source)
                known |= answers.defined_names(cell.source)
        return cls(tuple(setup), tuple(tests))


def visible_source(source: str) -> str:
    """A test cell's source without its hidden tests (what a learner may read)."""
    return _HIDDEN.sub("", source).rstrip("\n")


def _test_outputs(outcome: dict[str, Any], points: float) -> list[Any]:
    """A test cell's outputs (worth ``points``), built from the trusted run's outcome, never the learner's kernel."""
    import math

    from nbformat.v4 import new_output

    from pmkit.exercises.checks import partial_bundle

    outputs = []
    if outcome.get("printed"):
        outputs.append(new_output("stream", name="stdout", text=_once(outcome["printed"])))
    score = float(outcome.get("score", 0)) if outcome["status"] == "partial" else 0.0
    if outcome["status"] == "partial" and not math.isfinite(score):
        outcome = {**outcome, "status": "incorrect",
                   "message": f"\u2718 the test's partial credit was not a number ({score}); tell your instructor"}
    if outcome["status"] == "partial":  # nbgrader reads the number as the cell's points: keep it within them
        score = clamp(score, points)
        outputs.append(new_output("execute_result", data=partial_bundle(score, outcome["message"]),
                                  execution_count=None))
    elif outcome["status"] != "correct":
        ename = {"not_attempted": "NotAttempted", "incorrect": "Incorrect"}.get(outcome["status"], "Incorrect")
        outputs.append(new_output("error", ename=ename, evalue=outcome["message"], traceback=[outcome["message"]]))
    return outputs


class GradingCourse:
    """A private nbgrader course folder with its own gradebook, sourced from ``solutions/``.

    Use as a context manager; the folder is deleted on exit unless it was given by the caller.
    """

    def __init__(self, root: Path | None = None, solutions: Path = REPO_ROOT / SOURCE_DIR,
                 db_url: str | None = None, *, sandboxed: bool = True, cell_timeout: int = CELL_TIMEOUT,
                 submission_timeout: float | None = None, exchange: Path | None = None) -> None:
        self._owned = root is None
        self.root = Path(tempfile.mkdtemp(prefix="pmkit-course-")) if root is None else Path(root)
        self.solutions = solutions
        self.db_url = db_url or f"sqlite:///{self.root / 'gradebook.db'}"
        self.exchange = exchange or self.root / "exchange"
        self.sandboxed = sandboxed
        self.cell_timeout = cell_timeout
        self.submission_timeout = submission_timeout or max(120, cell_timeout * 4)
        self.timings: dict[str, float] = {}
        #: The largest submitted notebook read (None: :data:`pmkit.notebooks.MAX_NOTEBOOK_BYTES`).
        self.max_bytes: int | None = None
        self._api: Any = None
        self._generated: set[str] = set()
        self._runners: dict[str, Any] = {}
        self._specs: dict[str, ExerciseSpec] = {}

    def __enter__(self) -> GradingCourse:
        return self

    def __exit__(self, *exc: object) -> None:
        for runner in self._runners.values():
            runner.close()
        self._runners.clear()
        if self._owned:
            shutil.rmtree(self.root, ignore_errors=True)

    @property
    def api(self) -> Any:
        """Nbgrader's API object for this course folder (made on first use)."""
        if self._api is None:
            put_interpreter_scripts_on_path()
            from nbgrader.apps import NbGraderAPI
            from nbgrader.coursedir import CourseDirectory
            from traitlets.config import Config

            config = apply_course_settings(Config())
            config.CourseDirectory.root = str(self.root)
            config.CourseDirectory.db_url = self.db_url
            config.Exchange.root = str(self.exchange)
            # Releasing again replaces the earlier release (after a fix); learners' fetched copies stay theirs.
            config.ExchangeReleaseAssignment.force = True
            self._api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        return self._api

    def generate(self, exercise: str) -> None:
        """Copy an exercise's source into the course and run nbgrader's generate_assignment on it."""
        if exercise in self._generated:
            return
        source = self.solutions / exercise / f"{exercise}.ipynb"
        if not source.is_file():
            known = ", ".join(exercise_ids(self.solutions))
            raise PmkitError(f"no exercise named {exercise!r}; the course's exercises are: {known}")
        target = self.root / SOURCE_DIR / exercise
        if not (target / source.name).exists() or not (target / source.name).samefile(source):
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / source.name)
        result = self.api.generate_assignment(exercise, force=True, create=True)
        if not result["success"]:
            raise NbgraderFailed(f"generate {exercise}", result.get("error") or result.get("log") or "")
        self._generated.add(exercise)

    def prepare(self, exercise: str) -> None:
        """Generate ``exercise`` into the gradebook; a damaged gradebook or nbgrader's failure is one sentence."""
        from pmkit.operator_errors import nbgrader_failure

        probe(self.db_url)
        try:
            self.generate(exercise)
        except NbgraderFailed as error:
            raise PmkitError(f"nbgrader could not generate {exercise}: {nbgrader_failure(error.log, self.db_url)}"
                             ) from None

    def forget(self, exercise: str) -> None:
        """Generate ``exercise`` again on next use (after its source changed, or to release it again)."""
        self._generated.discard(exercise)

    def spec(self, exercise: str) -> ExerciseSpec:
        """The exercise's trusted setup and test cells, read from its source notebook."""
        if exercise not in self._specs:
            self._specs[exercise] = ExerciseSpec.from_notebook(self.solutions / exercise / f"{exercise}.ipynb")
        return self._specs[exercise]

    def runner(self, exercise: str) -> Any:
        """The trusted test runner of an exercise, its setup done (started on first use, kept for the next)."""
        from pmkit.grading.trusted import TrustedRunner

        if exercise in self._runners and self._runners[exercise].process.poll() is not None:
            self._runners.pop(exercise).close()  # it died (killed, out of memory): start a fresh one
        if exercise not in self._runners:
            spec = self.spec(exercise)
            tests = [{"grade_id": t.grade_id, "source": t.source, "names": list(t.names)} for t in spec.tests]
            self._runners[exercise] = TrustedRunner(list(spec.setup), tests, cwd=str(self.root))
        return self._runners[exercise]

    def _sanitised(self, exercise: str, learner: str, notebook: Path) -> Any:
        """The submission with nbgrader's read-only cells, test cells and metadata restored from the gradebook."""
        from pmkit import notebooks

        return sanitise(notebooks.read(notebook, max_bytes=self.max_bytes), resources(exercise, learner, self.db_url),
                        notebook)

    def autograde(self, exercise: str, learner: str, notebook: Path) -> Any:
        """Grade one notebook and return the graded notebook, built from trusted data only.

        The learner's code runs in the sandbox with test cells replaced by export steps; the tests
        run in the trusted runner; no file the sandbox could write is read.
        """
        import time

        from pmkit import notebooks
        from pmkit.grading import answers, sandbox

        started = time.perf_counter()
        self.generate(exercise)
        nb = self._sanitised(exercise, learner, notebook)
        tests = {t.grade_id: t for t in self.spec(exercise).tests}
        run_nb = copy.deepcopy(nb)
        exports: dict[int, str] = {}
        for index, cell in enumerate(run_nb.cells):
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if is_test_cell(cell) and grade_id in tests:
                cell.source = answers.export_source(grade_id, tests[grade_id].kernel_names)
                exports[index] = grade_id
        runner = self.runner(exercise)  # before the kernel: the runner never shares a moment with learner code
        prepared = time.perf_counter()

        # The kernel reads its Markdown answer from the notebook as submitted: ``nb`` has the hidden tests back.
        sandbox.run(run_nb, export_cells=set(exports), cell_timeout=self.cell_timeout,
                    deadline=self.submission_timeout, sandboxed=self.sandboxed,
                    saved=(f"{exercise}.ipynb", Path(notebook).read_text(encoding="utf-8", errors="replace")))
        executed = time.perf_counter()
        sent: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for index, grade_id in exports.items():
            payloads = [o.get("data", {}).get(answers.MIME) for o in run_nb.cells[index].get("outputs", [])
                        if o.get("output_type") == "display_data" and answers.MIME in o.get("data", {})]
            written = {name: notebooks.markdown_answer(nb.cells, cell_id) for name, cell_id in tests[grade_id].markdown}
            if any(text is not None and len(text) > answers.MAX_WRITTEN for text in written.values()):
                problems[grade_id] = (f"\u2718 your written answer is too long to grade (over {answers.MAX_WRITTEN:,} "
                                      "characters); shorten it and save the notebook again")
                continue
            if written and not tests[grade_id].kernel_names:  # nothing to take from the kernel: it need not answer
                sent[grade_id] = written
                continue
            if not payloads:
                problems[grade_id] = ("\u2718 your notebook did not hand over its answers for this question "
                                      "(something in it stopped the grader's step from running)")
                continue
            try:
                sent[grade_id] = {**answers.parse_payload(payloads[-1], tests[grade_id].kernel_names), **written}
            except answers.AnswerError as error:
                problems[grade_id] = f"\u2718 {error}"
        outcomes = {r["grade_id"]: r for r in runner.run(sent, timeout=self.submission_timeout)}
        for grade_id, message in problems.items():
            outcomes[grade_id] = {"grade_id": grade_id, "status": "incorrect", "printed": "", "message": message}
        for index, cell in enumerate(nb.cells):
            if index in exports:
                cell.source = visible_source(cell.source)
                cell.outputs = _test_outputs(outcomes[exports[index]], cell.metadata["nbgrader"].get("points", 0))
                cell.execution_count = None
            elif cell.cell_type == "code":
                cell.outputs = run_nb.cells[index].get("outputs", [])
                cell.execution_count = run_nb.cells[index].get("execution_count")
        self.timings = {"prepare": prepared - started, "kernel": executed - prepared,
                        "tests": time.perf_counter() - executed}
        return nb

    def grade(self, exercise: str, learner: str, notebook: Path, *, read_results: bool = True
              ) -> SubmissionResult | None:
        """Autograde one learner's notebook and return the per-cell results from the gradebook.

        With ``read_results=False`` only the graded notebook and the private gradebook are written.
        """
        import nbformat

        if not re.fullmatch(r"[A-Za-z0-9_.-]+", learner):
            raise PmkitError(f"learner id {learner!r} may use only letters, digits, '.', '_' and '-'")
        graded = self.autograde(exercise, learner, notebook)
        folder = self.root / "autograded" / learner / exercise
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(graded, folder / f"{exercise}.ipynb")
        with gradebook(self.db_url) as book:
            book.update_or_create_student(learner)
        save_autogrades(self.db_url, exercise, learner, graded)
        return self.results(exercise, learner) if read_results else None

    def results(self, exercise: str, learner: str) -> SubmissionResult:
        """Scores from the gradebook, with messages from the autograded notebook's test cells."""
        import nbformat

        graded = nbformat.read(self.root / "autograded" / learner / exercise / f"{exercise}.ipynb", as_version=4)
        cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.cells}
        outcome = SubmissionResult(exercise, learner)
        with gradebook(self.db_url) as book:
            notebook = book.find_submission_notebook(exercise, exercise, learner)
            order = {grade_id: i for i, grade_id in enumerate(cells)}
            for grade in sorted(notebook.grades, key=lambda g: order.get(g.name, 0)):
                meta = cells.get(grade.name, {}).get("metadata", {}).get("nbgrader", {})
                if meta.get("solution") or meta.get("task"):  # a written answer or task: a human grades it
                    blank = grade.auto_score == 0 and grade.manual_score is None
                    outcome.cells.append(CellResult(
                        grade.name, grade.score if grade.manual_score is not None or blank else None,
                        grade.max_score, "manual",
                        "not answered yet" if blank else "graded by your instructor"))
                    continue
                status, message = graded_cell_outcome(cells.get(grade.name, {}))
                outcome.cells.append(CellResult(grade.name, grade.score, grade.max_score, status, message))
        return outcome


#: What a grading worker calls for each submission: its graded payload and the seconds per stage (None: all kernel).
GradeOne = Callable[[str, Path], tuple[str, "dict[str, float] | None"]]


def exercise_worker(solutions: Path, exercise: str, *, cell_timeout: int, sandboxed: bool,
                    submission_timeout: float | None, max_bytes: int | None = None
                    ) -> tuple[GradeOne, Callable[[], None]]:
    """Inside a grading worker: a private course that grades ``exercise``; returns ``grade_one`` and ``close``.

    The worker itself never runs learner code: each notebook runs in a sandboxed kernel and its
    answers come back as data (:meth:`GradingCourse.autograde`); the payload is the graded notebook.
    """
    import nbformat

    from pmkit.grading.sandbox import local_kernels

    inner = max(10.0, submission_timeout - 3) if submission_timeout else None  # report it before the kill
    course = GradingCourse(solutions=Path(solutions), sandboxed=sandboxed, cell_timeout=cell_timeout,
                           submission_timeout=inner)
    course.max_bytes = max_bytes
    local_kernels(course.api.config)  # Unix sockets: no TCP warnings, nothing on the network

    def grade_one(learner: str, path: Path) -> tuple[str, dict[str, float] | None]:
        graded = course.autograde(exercise, learner, path)
        return nbformat.writes(graded), course.timings

    try:
        course.generate(exercise)
        course.runner(exercise)
    except BaseException:
        course.__exit__(None, None, None)
        raise
    return grade_one, lambda: course.__exit__(None, None, None)  # removes the private course folder
