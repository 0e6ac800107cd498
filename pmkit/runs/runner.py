"""Grading a whole cohort: parallel workers, hard time limits, resumable, one broken notebook never stops the rest.

Each worker is a long-lived process in its own process group with a private nbgrader course
(:class:`pmkit.grading.engine.GradingCourse`, the same engine ``pmkit check`` uses), so kernels run in
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
import multiprocessing as mp
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TextIO

from pmkit.cohort.folder import Cohort, digest
from pmkit.cohort.collect import MAX_NOTEBOOK_BYTES
from pmkit.errors import PmkitError
from pmkit.grading.engine import gradebook
from pmkit.runs.lock import cohort_lock
from pmkit.runs.resume import ResumeState, decide

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
    retry: bool = False  # a failure the run caused (killed worker, time limit): the next run tries again


class GradingInterrupted(PmkitError):
    """Ctrl-C or SIGTERM stopped a grading run; what was graded is kept and a re-run resumes."""

    exit_code = 130


def _die_with_parent() -> None:
    """Ask Linux to kill this worker if the grading run dies (its kernel then exits on its own)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _short_reason(error: BaseException) -> str:
    from pmkit.operator_errors import last_meaningful_line

    text = str(error)
    if "not a readable notebook" in text or "not a valid notebook" in text:
        return text.split(": ", 1)[-1].strip()[:300]
    for marker in ("NotJSONError", "JSONDecodeError", "DeadKernelError", "CellTimeoutError", "Timeout"):
        if marker in text:
            line = next((x for x in text.splitlines() if marker in x), marker)
            return line.strip()[-300:]
    if "nbgrader could not grade it" in text:
        return "nbgrader could not grade it: " + last_meaningful_line(text.split("nbgrader could not grade it:", 1)[1])
    return last_meaningful_line(text) if text.strip() else repr(error)


def _worker(conn: Connection, solutions: str, exercise: str, cell_timeout: int, sandboxed: bool = True,
            submission_timeout: float | None = None) -> None:
    """Grade submissions sent over ``conn`` until told to stop.

    The worker itself never runs learner code: each notebook runs in a sandboxed kernel and its
    answers come back as data (:meth:`pmkit.grading.engine.GradingCourse.autograde`).
    """
    os.setsid()
    _die_with_parent()
    import nbformat

    from pmkit.grading.engine import GradingCourse
    from pmkit.cohort.nbgrader_settings import local_kernels

    inner = max(10.0, submission_timeout - 3) if submission_timeout else None  # report it before the kill
    course = GradingCourse(solutions=Path(solutions), sandboxed=sandboxed, cell_timeout=cell_timeout,
                           submission_timeout=inner)
    local_kernels(course.api.config)  # Unix sockets: no TCP warnings, nothing on the network
    def grade_one(learner: str, path: Path) -> tuple[str, dict[str, float]]:
        graded = course.autograde(exercise, learner, path)
        return nbformat.writes(graded), course.timings

    try:
        course.generate(exercise)
        course.runner(exercise)
        serve(conn, grade_one)
    finally:
        course.__exit__(None, None, None)  # removes the private course folder


def serve(conn: Connection, grade_one: Callable[[str, Path], tuple[str, dict[str, float] | None]]) -> None:
    """A worker's side of the protocol: say ready, then grade each ``(learner, path)`` sent until ``None``.

    ``grade_one`` returns the graded notebook's text and its timings (None: the whole time is the
    kernel's). A failure is reported, never the run's end; one outside nbgrader's handling is retried.
    """
    try:
        conn.send(("ready",))
        while True:
            task = conn.recv()
            if task is None:
                break
            learner, path = task
            start = time.perf_counter()
            try:
                payload, timings = grade_one(learner, Path(path))
                seconds = time.perf_counter() - start
                conn.send(("ok", learner, payload, seconds, timings if timings is not None else {"kernel": seconds}))
            except Exception as error:
                conn.send(("failed", learner, _short_reason(error), time.perf_counter() - start,
                           not isinstance(error, PmkitError)))
    except (EOFError, BrokenPipeError):
        pass


class _Worker:
    def __init__(self, context: Any, target: Callable[..., None], *args: Any) -> None:
        """Start ``target(conn, *args)`` in a worker process: the parent keeps the other end of ``conn``."""
        self.conn, child = context.Pipe()
        self.process = context.Process(target=target, args=(child, *args), daemon=True)
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
                 submission_timeout: int | None = None, force: bool = False, out: TextIO = sys.stderr,
                 sandboxed: bool = True) -> None:
        self.cohort, self.exercise, self.force, self.out = cohort, exercise, force, out
        self.sandboxed = sandboxed
        #: Seconds spent per stage of grading (sandboxed kernel, trusted tests, ...), summed over submissions.
        self.timings: dict[str, float] = {}
        self.workers = max(1, workers)
        self.cell_timeout = cell_timeout
        self.submission_timeout = submission_timeout or max(60, cell_timeout * 4)
        self.resume = ResumeState(cohort.root, exercise)
        self.state_path = self.resume.path
        self.state = self.resume.entries

    # --- bookkeeping in the parent -------------------------------------------------------------

    def _record(self, outcome: Outcome, sha: str) -> None:
        self.resume.finish(outcome.learner, sha, outcome.status, outcome.score, outcome.max_score, outcome.seconds,
                           outcome.reason, outcome.retry)

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

        from pmkit.cohort import deadlines
        from pmkit.grading.engine import save_autogrades

        folder = self.cohort.root / "autograded" / learner / self.exercise
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "FAILED.txt").unlink(missing_ok=True)
        (folder / f"{self.exercise}.ipynb").write_text(notebook_json, encoding="utf-8")
        nb = nbformat.reads(notebook_json, as_version=4)
        tests = self.test_cells
        missing = sorted(tests - {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells})
        notes = [f"test cell(s) missing from the submission, scored 0: {', '.join(missing)}"] if missing else []
        notes += _execution_problems(nb)
        note = "; ".join(notes)
        save_autogrades(self.cohort.db_url, self.exercise, learner, nb,  # scores clamped to each cell's maximum
                         fields=deadlines.submission_fields(self.cohort.root, self.exercise, learner),
                         penalty=lambda graded, resources: deadlines.assign_penalty(self.cohort.root, graded,
                                                                                    resources))
        with gradebook(self.cohort.db_url) as book:
            notebook = book.find_submission_notebook(self.exercise, self.exercise, learner)
            grades = [g for g in notebook.grades if g.name in tests]
            return float(sum(g.auto_score or 0 for g in grades)), float(sum(g.max_score for g in grades)), note

    def _save_failed(self, learner: str, reason: str) -> None:
        """No stale grades: drop this learner's automatic scores (an instructor's grades and comments stay)."""
        from pmkit.grading.regrade import drop_automatic_grades

        drop_automatic_grades(self.cohort.db_url, self.exercise, learner)
        folder = self.cohort.root / "autograded" / learner / self.exercise
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{self.exercise}.ipynb").unlink(missing_ok=True)
        (folder / "FAILED.txt").write_text(f"Grading failed: {reason}\nThe submission is kept in submitted/.\n",
                                           encoding="utf-8")

    # --- the run ---------------------------------------------------------------------------------

    def pending(self) -> tuple[list[tuple[str, Path, str]], list[Outcome]]:
        """Submissions to grade now, and the ones skipped: unchanged, or filed for someone not on the roster."""
        todo, last, skipped = [], [], []
        roster = set(self.cohort.learner_ids())
        with gradebook(self.cohort.db_url) as book:
            in_book = {s.student_id for s in book.find_assignment(self.exercise).submissions}
        for learner, path in self.cohort.submissions(self.exercise).items():
            if learner not in roster:
                skipped.append(Outcome(learner, FAILED, None, None, 0.0,
                                       f"submitted/{learner}/ is not on the roster: add them with `pmkit cohort "
                                       "roster`, or remove the folder; not graded"))
                continue
            if path.stat().st_size > MAX_NOTEBOOK_BYTES:  # never load a zip bomb into a kernel
                skipped.append(Outcome(learner, FAILED, None, None, 0.0, f"{path.stat().st_size / 2**20:.0f} MB is "
                                       f"over the {MAX_NOTEBOOK_BYTES // 2**20} MB limit for a notebook; not graded"))
                continue
            sha = digest(path)
            previous = self.state.get(learner)
            decision = decide(previous, sha, learner in in_book, self.force)
            if decision.grade:
                (last if decision.why else todo).append((learner, path, sha))  # suspects go last
                if decision.why:
                    self._print(f"{learner}: graded again: {decision.why}")
            else:
                status = FAILED if previous["status"] != GRADED else GRADED
                skipped.append(Outcome(learner, status, previous["score"], previous["max_score"],
                                       0.0, decision.why or previous.get("reason", ""), skipped=True))
        return todo + last, skipped

    def run(self) -> list[Outcome]:
        """Grade under the cohort's lock; Ctrl-C or SIGTERM stops within seconds, keeping what was graded."""
        with cohort_lock(self.cohort.root, f"grading {self.exercise}"):
            previous = signal.signal(signal.SIGTERM, _interrupt)
            try:
                return self._run()
            finally:
                signal.signal(signal.SIGTERM, previous)

    def _run(self) -> list[Outcome]:
        """Grade, print progress and return every submission's outcome (skipped ones included)."""
        if self.resume.warning:
            self._print(f"warning: {self.resume.warning}")
        self.cohort.generate(self.exercise)  # the assignment and its grade cells exist in the gradebook
        todo, outcomes = self.pending()
        total = len(todo)
        if skipped := sum(o.status != FAILED or o.learner in self.state for o in outcomes):
            self._print(f"{skipped} unchanged submission(s) skipped (use --force to grade them again)")
        if not todo:
            return outcomes
        context = mp.get_context("fork")
        solutions = self.cohort.solutions.resolve()
        if self.sandboxed:
            from pmkit.grading import sandbox

            sandbox.require()  # said once, before any worker starts
        pool = [self._new_worker(context, solutions) for _ in range(min(self.workers, total))]
        queue = list(todo)
        done = 0

        def dispatch(worker: _Worker) -> None:
            if worker.ready and worker.task is None and queue:
                worker.task = queue.pop(0)
                self.resume.start(worker.task[0], worker.task[2])  # before it runs: a killed run leaves the mark
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
                            for stage, seconds in message[4].items():
                                self.timings[stage] = self.timings.get(stage, 0.0) + seconds
                            saving = time.perf_counter()
                            outcome = self._saved(message[1], message[2], message[3])
                            self.timings["save"] = self.timings.get("save", 0.0) + time.perf_counter() - saving
                        elif message[0] == "failed":
                            reason = self._diagnose(finished, message[2])
                            self._save_failed(message[1], reason)
                            outcome = Outcome(message[1], FAILED, None, None, message[3], reason,
                                              retry=bool(message[4:5] and message[4]))
                        elif finished is not None:
                            reason = "the grading process died (a crashed kernel or too much memory)"
                            self._save_failed(finished[0], reason)
                            outcome = Outcome(finished[0], FAILED, None, None, now - worker.started, reason,
                                              retry=True)
                            pool[index] = self._replace(worker, context, solutions)
                        else:
                            raise RuntimeError("a grading worker could not start; run with --workers 1 to see why")
                    elif finished is not None and now > worker.deadline:
                        reason = (f"stopped after {self.submission_timeout} s: an endless loop, or one that ignores "
                                  "interrupts")
                        self._save_failed(finished[0], reason)
                        outcome = Outcome(finished[0], FAILED, None, None, now - worker.started, reason, retry=True)
                        pool[index] = self._replace(worker, context, solutions)
                    if outcome is not None:
                        self._record(outcome, finished[2] if finished else "")
                        outcomes.append(outcome)
                        done += 1
                        self._progress(done, total, outcome)
        except KeyboardInterrupt:
            for worker in pool:
                worker.kill()
            self.resume.abandon([w.task[0] for w in pool if w.task] + [t[0] for t in queue])
            graded = sum(not o.skipped for o in outcomes)
            raise GradingInterrupted(f"interrupted: {graded} of {total} submission(s) graded in this run and kept; "
                                     f"{total - graded} not yet. Run the same command again to resume.") from None
        finally:
            for worker in pool:
                with contextlib.suppress(Exception):
                    worker.conn.send(None)
            for worker in pool:
                worker.process.join(10)
                if worker.process.is_alive():
                    worker.kill()
        return outcomes

    def _diagnose(self, task: tuple[str, Path, str] | None, reason: str) -> str:
        """Nbgrader's reason, or ours when the notebook is another exercise's or an older release's."""
        from pmkit.cohort.collect import exercise_grade_ids, submission_problem

        if task is None or "metadata" not in reason:
            return reason
        return submission_problem(task[1], self.exercise, exercise_grade_ids(self.cohort.solutions)) or reason

    def _saved(self, learner: str, notebook_json: str, seconds: float) -> Outcome:
        """Save one graded notebook; a failure here is this submission's (and the run's, so retried), not the end."""
        from pmkit.operator_errors import explain

        try:
            score, maximum, note = self._save_graded(learner, notebook_json)
        except Exception as error:  # a damaged result or a gradebook hiccup must not end the others' grading
            reason = explain(error, self.cohort.db_url) or f"its grades could not be saved: {error}"[:300]
            with contextlib.suppress(Exception):
                self._save_failed(learner, reason)
            return Outcome(learner, FAILED, None, None, seconds, reason, retry=True)
        return Outcome(learner, GRADED, score, maximum, seconds, note)

    def _new_worker(self, context: Any, solutions: Path) -> _Worker:
        return _Worker(context, _worker, str(solutions), self.exercise, self.cell_timeout, self.sandboxed,
                       self.submission_timeout)

    def _replace(self, worker: _Worker, context: Any, solutions: Path) -> _Worker:
        worker.kill()
        return self._new_worker(context, solutions)

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _progress(self, done: int, total: int, outcome: Outcome) -> None:
        width = 24
        filled = int(width * done / total)
        result = (f"{outcome.score:g}/{outcome.max_score:g}" if outcome.status == GRADED
                  else f"FAILED: {outcome.reason[:70]}")
        self._print(f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {outcome.learner:<12} "
                    f"{result} ({outcome.seconds:.1f} s)")


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM stops a grading run as Ctrl-C does: cleanly, keeping what was graded."""
    raise KeyboardInterrupt


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
