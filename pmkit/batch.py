"""Grading a whole cohort: parallel workers, hard time limits, resumable, one broken notebook never stops the rest.

Each worker is a long-lived process in its own process group with a private nbgrader course
(:class:`pmkit.grading.GradingCourse`, the same engine ``pmkit check`` uses), so kernels run in
parallel without sharing a SQLite gradebook. The parent alone writes to the cohort's gradebook,
through nbgrader's own ``SaveAutoGrades``, one submission at a time, and records each outcome in
``.pmkit/grading-<exercise>.json`` right away: a run killed midway resumes where it stopped, and
nothing is counted twice. A worker that overruns its deadline (an infinite loop that swallows
KeyboardInterrupt, say) is killed with its kernel and replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import json
import multiprocessing as mp
import os
import signal
import sys
import time
import warnings
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TextIO

from pmkit.cohort import Cohort, digest, write_json_atomic
from pmkit.grading import gradebook

GRADED, FAILED = "graded", "failed"


@dataclass
class Outcome:
    """How one submission fared."""

    learner: str
    status: str  # graded or failed
    score: float | None
    max_score: float | None
    seconds: float
    reason: str = ""
    skipped: bool = False


def _die_with_parent() -> None:
    """Ask Linux to kill this worker if the grading run dies (its kernel then exits on its own)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _short_reason(error: BaseException) -> str:
    text = str(error)
    if "not a readable notebook" in text or "not a valid notebook" in text:
        return text.split(": ", 1)[-1].strip()[:300]
    for marker in ("NotJSONError", "JSONDecodeError", "DeadKernelError", "CellTimeoutError", "Timeout"):
        if marker in text:
            line = next((x for x in text.splitlines() if marker in x), marker)
            return line.strip()[-300:]
    errors = [x.strip() for x in text.splitlines() if "[ERROR]" in x or "Error" in x]
    return (errors[-1] if errors else text.strip().splitlines()[-1] if text.strip() else repr(error))[-300:]


def _worker(conn: Connection, solutions: str, exercise: str, cell_timeout: int) -> None:
    """Grade submissions sent over ``conn`` until told to stop."""
    os.setsid()
    _die_with_parent()
    from pmkit.grading import GradingCourse
    from pmkit.instructor_settings import local_kernels

    course = GradingCourse(solutions=Path(solutions))
    course.api.config.Execute.timeout = cell_timeout
    course.api.config.ExecutePreprocessor.timeout = cell_timeout
    local_kernels(course.api.config)
    try:
        course.generate(exercise)
        conn.send(("ready",))
        while True:
            task = conn.recv()
            if task is None:
                break
            learner, path = task
            start = time.perf_counter()
            try:
                course.grade(exercise, learner, Path(path), read_results=False)
                graded = course.root / "autograded" / learner / exercise / f"{exercise}.ipynb"
                conn.send(("ok", learner, graded.read_text(encoding="utf-8"), time.perf_counter() - start))
            except Exception as error:  # any failure is this submission's, never the run's
                conn.send(("failed", learner, _short_reason(error), time.perf_counter() - start))
    except (EOFError, BrokenPipeError):
        pass
    finally:
        course.__exit__(None, None, None)  # removes the private course folder


class _Worker:
    def __init__(self, context: Any, solutions: Path, exercise: str, cell_timeout: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, str(solutions), exercise, cell_timeout),
                                       daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.task: tuple[str, Path, str] | None = None
        self.deadline = 0.0
        self.started = 0.0

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.join(5)


class Grader:
    """Grade every new or changed submission of one exercise in a cohort."""

    def __init__(self, cohort: Cohort, exercise: str, *, workers: int = 2, cell_timeout: int = 30,
                 submission_timeout: int | None = None, force: bool = False, out: TextIO = sys.stderr) -> None:
        self.cohort, self.exercise, self.force, self.out = cohort, exercise, force, out
        self.workers = max(1, workers)
        self.cell_timeout = cell_timeout
        self.submission_timeout = submission_timeout or max(60, cell_timeout * 4)
        self.state_path = cohort.root / ".pmkit" / f"grading-{exercise}.json"
        self.state: dict[str, dict[str, Any]] = {}
        if self.state_path.is_file():
            self.state = json.loads(self.state_path.read_text(encoding="utf-8"))

    # --- bookkeeping in the parent -------------------------------------------------------------

    def _record(self, outcome: Outcome, sha: str) -> None:
        self.state[outcome.learner] = {"hash": sha, "status": outcome.status, "score": outcome.score,
                                       "max_score": outcome.max_score, "seconds": round(outcome.seconds, 2),
                                       "reason": outcome.reason}
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.state_path, self.state)

    @functools.cached_property
    def test_cells(self) -> frozenset[str]:
        """Grade ids of the exercise's autograder test cells, read from its source once per run."""
        import nbformat

        source = nbformat.read(self.cohort.solutions / self.exercise / f"{self.exercise}.ipynb", as_version=4)
        return frozenset(c.metadata["nbgrader"]["grade_id"] for c in source.cells if _is_test_cell(c))

    def _save_graded(self, learner: str, notebook_json: str) -> tuple[float, float, str]:
        """Write an autograded notebook into the cohort and its scores into the gradebook.

        Returns the autograded score, the maximum (from the source, so a deleted test cell still
        counts) and a note naming any test cell missing from the submission.
        """
        import nbformat
        from nbgrader.preprocessors import SaveAutoGrades

        from pmkit import deadlines

        folder = self.cohort.root / "autograded" / learner / self.exercise
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "FAILED.txt").unlink(missing_ok=True)
        (folder / f"{self.exercise}.ipynb").write_text(notebook_json, encoding="utf-8")
        nb = nbformat.reads(notebook_json, as_version=4)
        resources = {"nbgrader": {"notebook": self.exercise, "assignment": self.exercise, "student": learner,
                                  "db_url": self.cohort.db_url}}
        tests = self.test_cells
        missing = sorted(tests - {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells})
        notes = [f"test cell(s) missing from the submission, scored 0: {', '.join(missing)}"] if missing else []
        notes += _execution_problems(nb)
        note = "; ".join(notes)
        with warnings.catch_warnings(), gradebook(self.cohort.db_url) as book:
            warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader code vs SQLAlchemy 2.0
            book.update_or_create_submission(self.exercise, learner,
                                             **deadlines.submission_fields(self.cohort.root, self.exercise, learner))
            SaveAutoGrades().preprocess(nb, resources)
            deadlines.assign_penalty(self.cohort.root, nb, resources)  # nbgrader's late policy, as configured
            book.db.expire_all()  # read back what SaveAutoGrades committed in its own session
            notebook = book.find_submission_notebook(self.exercise, self.exercise, learner)
            grades = [g for g in notebook.grades if g.name in tests]
            return float(sum(g.auto_score or 0 for g in grades)), float(sum(g.max_score for g in grades)), note

    def _save_failed(self, learner: str, reason: str) -> None:
        """No stale grades: drop this learner's old scores, keep the evidence beside the submission."""
        from nbgrader.api import MissingEntry

        with gradebook(self.cohort.db_url) as book, contextlib.suppress(MissingEntry):
            book.remove_submission(self.exercise, learner)
        folder = self.cohort.root / "autograded" / learner / self.exercise
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{self.exercise}.ipynb").unlink(missing_ok=True)
        (folder / "FAILED.txt").write_text(f"Grading failed: {reason}\nThe submission is kept in submitted/.\n",
                                           encoding="utf-8")

    # --- the run ---------------------------------------------------------------------------------

    def pending(self) -> tuple[list[tuple[str, Path, str]], list[Outcome]]:
        """Submissions to grade now, and the unchanged ones skipped."""
        todo, skipped = [], []
        for learner, path in self.cohort.submissions(self.exercise).items():
            sha = digest(path)
            previous = self.state.get(learner)
            if previous and previous["hash"] == sha and not self.force:
                skipped.append(Outcome(learner, previous["status"], previous["score"], previous["max_score"],
                                       0.0, previous.get("reason", ""), skipped=True))
            else:
                todo.append((learner, path, sha))
        return todo, skipped

    def run(self) -> list[Outcome]:
        """Grade, print progress and return every submission's outcome (skipped ones included)."""
        self.cohort.generate(self.exercise)  # the assignment and its grade cells exist in the gradebook
        todo, outcomes = self.pending()
        total = len(todo)
        if skipped := len(outcomes):
            self._print(f"{skipped} unchanged submission(s) skipped (use --force to grade them again)")
        if not todo:
            return outcomes
        context = mp.get_context("fork")
        solutions = self.cohort.solutions.resolve()
        pool = [_Worker(context, solutions, self.exercise, self.cell_timeout)
                for _ in range(min(self.workers, total))]
        queue = list(todo)
        done = 0

        def dispatch(worker: _Worker) -> None:
            if worker.ready and worker.task is None and queue:
                worker.task = queue.pop(0)
                worker.started = time.perf_counter()
                worker.deadline = worker.started + self.submission_timeout
                worker.conn.send(worker.task[:2])

        try:
            while done < total:
                for worker in pool:
                    dispatch(worker)
                ready = wait([w.conn for w in pool], timeout=0.5)
                now = time.perf_counter()
                for index, worker in enumerate(list(pool)):
                    outcome, finished = None, worker.task
                    if worker.conn in ready:
                        try:
                            message = worker.conn.recv()
                        except (EOFError, ConnectionResetError):
                            message = ("died",)
                        if message[0] == "ready":
                            worker.ready = True
                            continue
                        if message[0] in ("ok", "failed"):
                            worker.task = None
                            dispatch(worker)  # keep the worker busy while this result is saved
                        if message[0] == "ok":
                            score, maximum, note = self._save_graded(message[1], message[2])
                            outcome = Outcome(message[1], GRADED, score, maximum, message[3], note)
                        elif message[0] == "failed":
                            self._save_failed(message[1], message[2])
                            outcome = Outcome(message[1], FAILED, None, None, message[3], message[2])
                        elif finished is not None:
                            reason = "the grading process died (a crashed kernel or too much memory)"
                            self._save_failed(finished[0], reason)
                            outcome = Outcome(finished[0], FAILED, None, None, now - worker.started, reason)
                            pool[index] = self._replace(worker, context, solutions)
                        else:
                            raise RuntimeError("a grading worker could not start; run with --workers 1 to see why")
                    elif finished is not None and now > worker.deadline:
                        reason = (f"stopped after {self.submission_timeout} s: an endless loop, or one that ignores "
                                  "interrupts")
                        self._save_failed(finished[0], reason)
                        outcome = Outcome(finished[0], FAILED, None, None, now - worker.started, reason)
                        pool[index] = self._replace(worker, context, solutions)
                    if outcome is not None:
                        self._record(outcome, finished[2] if finished else "")
                        outcomes.append(outcome)
                        done += 1
                        self._progress(done, total, outcome)
        finally:
            for worker in pool:
                with contextlib.suppress(Exception):
                    worker.conn.send(None)
            for worker in pool:
                worker.process.join(10)
                if worker.process.is_alive():
                    worker.kill()
        return outcomes

    def _replace(self, worker: _Worker, context: Any, solutions: Path) -> _Worker:
        worker.kill()
        return _Worker(context, solutions, self.exercise, self.cell_timeout)

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _progress(self, done: int, total: int, outcome: Outcome) -> None:
        width = 24
        filled = int(width * done / total)
        result = (f"{outcome.score:g}/{outcome.max_score:g}" if outcome.status == GRADED
                  else f"FAILED: {outcome.reason[:70]}")
        self._print(f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {outcome.learner:<12} "
                    f"{result} ({outcome.seconds:.1f} s)")


def _execution_problems(nb: Any) -> list[str]:
    """Timeouts and dead kernels in a graded notebook, worth a note beside its score."""
    notes = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            name = output.get("ename", "") if output.get("output_type") == "error" else ""
            if "Timeout" in name or "DeadKernel" in name:
                notes.append(f"cell {cell.get('id', '?')}: {name}")
    return notes


def _is_test_cell(cell: Any) -> bool:
    """An autograder test cell: graded, and neither a written answer nor a task."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution") and not meta.get("task")


def summary(outcomes: list[Outcome]) -> str:
    """A table of every submission: status, score, time and, for failures, why."""
    if not outcomes:
        return "no submissions found; file them with `pmkit collect`"
    rows = [("learner", "status", "score", "seconds", "reason")]
    for o in sorted(outcomes, key=lambda x: x.learner):
        status = o.status + (" (unchanged)" if o.skipped else "")
        score = f"{o.score:g}/{o.max_score:g}" if o.score is not None else "-"
        rows.append((o.learner, status, score, f"{o.seconds:.1f}" if not o.skipped else "-", o.reason))
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = ["  ".join(str(r[i]).ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
    graded = sum(o.status == GRADED for o in outcomes)
    failed = sum(o.status == FAILED for o in outcomes)
    busy = sum(o.seconds for o in outcomes if not o.skipped)
    lines.append(f"{graded} graded, {failed} failed; {busy:.1f} s of grading work")
    return "\n".join(lines)
