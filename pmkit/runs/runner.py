"""Grading many submissions: parallel workers, hard time limits, resumable, one broken notebook never stops the rest.

The runner grades any :class:`~pmkit.runs.source.GradingSource` (a pmkit cohort, or any nbgrader
course). Each worker is a long-lived process in its own process group that asks the source to get
ready (for a pmkit exercise, a private :class:`~pmkit.grading.engine.GradingCourse`, the engine
``pmkit check`` uses), so kernels run in parallel without sharing a SQLite gradebook. The parent alone
saves results, through the source, one submission at a time, and records each outcome in the resume
state right away: a run killed midway resumes where it stopped, and nothing is counted twice. A worker
that overruns its deadline (an infinite loop that swallows KeyboardInterrupt, say) is killed with its
kernel and replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import multiprocessing as mp
import os
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TextIO

from pmkit.errors import DamagedMetadata, NotebookUnreadable, PmkitError
from pmkit.grading.engine import GradeOne
from pmkit.operator_errors import explain, last_meaningful_line
from pmkit.runs.lock import cohort_lock, prepare_lock
from pmkit.runs.messages import Failed, Graded, Ready, Task
from pmkit.runs.resume import ResumeState, decide
from pmkit.runs.shards import Shard
from pmkit.runs.source import GradingSource
from pmkit.textio import printable

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
    refused: bool = False  # never graded: the source refused it (not on the roster, too large, not a file)


class DiskFull(PmkitError):
    """The disk filled up while a result was saved: the run stops (no later save could succeed), resumably."""


def _disk_full(error: BaseException) -> bool:
    """True for a full disk or quota, whether the OS or SQLite ("database or disk is full") says it."""
    return (isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)) or \
        "disk is full" in str(error).lower()


class GradingInterrupted(PmkitError):
    """Ctrl-C or SIGTERM stopped a grading run; what was graded is kept and a re-run resumes."""

    exit_code = 130


def _die_with_parent() -> None:
    """Ask Linux to kill this worker if the grading run dies (its kernel then exits on its own)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def short_reason(error: BaseException) -> str:
    """One line for a summary row: what went wrong with this submission, by the kind of error it was."""
    if isinstance(error, NotebookUnreadable):
        return error.reason[:300]
    text = str(error)
    return last_meaningful_line(text) if text.strip() else repr(error)


def _worker(conn: Connection, source: GradingSource, exercise: str, options: dict[str, Any]) -> None:
    """A worker process: get ready through the source, then grade what the parent sends until told to stop."""
    os.setsid()
    _die_with_parent()
    grade_one, close = source.open_worker(exercise, **options)
    try:
        serve(conn, grade_one)
    finally:
        close()


def serve(conn: Connection, grade_one: GradeOne) -> None:
    """A worker's side of the protocol: say :class:`Ready`, then grade each :class:`Task` sent until ``None``.

    A failure is reported, never the run's end; one outside pmkit's own errors is retried by the next run.
    """
    try:
        conn.send(Ready())
        while True:
            task = conn.recv()
            if task is None:
                break
            start = time.perf_counter()
            try:
                payload, timings = grade_one(task.learner, Path(task.path))
                seconds = time.perf_counter() - start
                conn.send(Graded(task.learner, payload, seconds, {"kernel": seconds} if timings is None else timings))
            except Exception as error:
                conn.send(Failed(task.learner, short_reason(error), time.perf_counter() - start,
                                 retry=not isinstance(error, PmkitError),
                                 damaged_metadata=isinstance(error, DamagedMetadata)))
    except (EOFError, BrokenPipeError):
        pass


class _Worker:
    def __init__(self, context: Any, source: GradingSource, exercise: str, options: dict[str, Any]) -> None:
        """Start a worker process for ``exercise``: the parent keeps its end of the pipe."""
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, source, exercise, options), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.task: Task | None = None
        self.deadline = 0.0
        self.started = 0.0

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.join(5)


class Grader:
    """Grade every new or changed submission of one exercise of a course, in parallel and resumably."""

    def __init__(self, source: GradingSource, exercise: str, *, workers: int = 2, cell_timeout: int = 30,
                 submission_timeout: int | None = None, force: bool = False, out: TextIO = sys.stderr,
                 sandboxed: bool = True, shard: Shard | None = None) -> None:
        self.source, self.exercise, self.force, self.out = source, exercise, force, out
        #: Grade only this shard's learners (``--shard 2/3``); None grades everyone.
        self.shard = shard
        self.sandboxed = sandboxed
        #: Seconds spent per stage of grading (sandboxed kernel, trusted tests, ...), summed over submissions.
        self.timings: dict[str, float] = {}
        self.workers = max(1, workers)
        self.cell_timeout = cell_timeout
        self.submission_timeout = submission_timeout or max(60, cell_timeout * 4)
        self.resume = ResumeState(source.root, exercise, shard.label if shard else None)

    def _record(self, outcome: Outcome, sha: str) -> None:
        self.resume.finish(outcome.learner, sha, outcome.status, outcome.score, outcome.max_score, outcome.seconds,
                           outcome.reason, outcome.retry)

    def pending(self) -> tuple[list[Task], list[Outcome]]:
        """Submissions to grade now, and the ones skipped: unchanged, or refused by the source (not on the roster)."""
        from pmkit.grading.gradebook import gradebook

        todo, last, skipped = [], [], []
        with gradebook(self.source.db_url) as book:
            in_book = {s.student_id for s in book.find_assignment(self.exercise).submissions}
        for learner, path in self.source.submissions(self.exercise).items():
            if self.shard is not None and not self.shard.holds(learner):
                continue  # another shard's learner
            refusal = self.source.refusal(learner, path)
            if refusal:  # recorded like a failed grade, so the report and the feedback page say why
                try:
                    self.source.save_failed(self.exercise, learner, refusal)
                    self.resume.finish(learner, "", FAILED, None, None, 0.0, refusal)
                except Exception as error:  # one learner's record never stops the others' grading
                    refusal += f" (and recording it failed: {type(error).__name__}: {str(error)[:200]})"
                skipped.append(Outcome(learner, FAILED, None, None, 0.0, refusal, refused=True))
                continue
            sha = self.source.fingerprint(path)
            previous = self.resume.previous(learner)
            decision = decide(previous, sha, learner in in_book, self.force)
            if decision.grade:
                (last if decision.why else todo).append(Task(learner, path, sha))  # suspects go last
                if decision.why:
                    self._print(f"{learner}: graded again: {decision.why}")
            else:
                status = FAILED if previous["status"] != GRADED else GRADED
                skipped.append(Outcome(learner, status, previous["score"], previous["max_score"],
                                       0.0, decision.why or previous.get("reason", ""), skipped=True))
        return todo + last, skipped

    def run(self) -> list[Outcome]:
        """Grade under the course's lock; Ctrl-C or SIGTERM stops within seconds, keeping what was graded."""
        what = f"grading {self.exercise}" + (f" (shard {self.shard})" if self.shard else "")
        with cohort_lock(self.source.root, what, self.shard.label if self.shard else None):
            previous = signal.signal(signal.SIGTERM, _interrupt)
            try:
                return self._run()
            finally:
                signal.signal(signal.SIGTERM, previous)

    def _run(self) -> list[Outcome]:
        """Grade, print progress and return every submission's outcome (skipped ones included)."""
        if self.resume.warning:
            self._print(f"warning: {self.resume.warning}")
        with prepare_lock(self.source.root):  # shards prepare one at a time; the first one creates, the rest find
            for line in self.source.start(self.exercise):  # the assignment and its grade cells are in the gradebook
                self._print(line)
        if self.shard:
            self._print(f"shard {self.shard}: grading the learners whose id falls in this shard")
        todo, outcomes = self.pending()
        total = len(todo)
        if skipped := sum(o.skipped for o in outcomes):
            self._print(f"{skipped} unchanged submission(s) skipped (use --force to grade them again)")
        if not todo:
            return outcomes
        context = mp.get_context("fork")
        if self.sandboxed:
            from pmkit.grading import sandbox

            sandbox.require()  # said once, before any worker starts
            from pmkit.grading import cgroups

            if (reason := cgroups.unavailable_reason()) is not None:  # memfd memory uncapped: say so once
                self._print(cgroups.UNCAPPED.format(reason=reason))
        pool = [self._new_worker(context) for _ in range(min(self.workers, total))]
        queue = list(todo)
        done = 0

        def dispatch(worker: _Worker) -> None:
            if worker.ready and worker.task is None and queue:
                worker.task = queue.pop(0)
                self.resume.start(worker.task.learner, worker.task.sha)  # before it runs: a killed run leaves the mark
                worker.started = time.perf_counter()
                worker.deadline = worker.started + self.submission_timeout
                worker.conn.send(worker.task)

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
                            message = None  # the worker died
                        if isinstance(message, Ready):
                            worker.ready = True
                            continue
                        if isinstance(message, Graded | Failed):
                            worker.task = None
                            dispatch(worker)  # keep the worker busy while this result is saved
                        if isinstance(message, Graded):
                            outcome = self._saved(message)
                        elif isinstance(message, Failed):
                            outcome = self._failed(message, finished)
                        elif finished is not None:
                            outcome = self._lost(finished, now - worker.started, "the grading process died (a "
                                                 "crashed kernel or too much memory)")
                            pool[index] = self._replace(worker, context)
                        else:
                            raise RuntimeError("a grading worker could not start; run with --workers 1 to see why")
                    elif finished is not None and now > worker.deadline:
                        outcome = self._lost(finished, now - worker.started, f"stopped after {self.submission_timeout}"
                                             " s: an endless loop, or one that ignores interrupts")
                        pool[index] = self._replace(worker, context)
                    if outcome is not None:
                        self._record(outcome, finished.sha if finished else "")
                        outcomes.append(outcome)
                        done += 1
                        self._progress(done, total, outcome)
        except DiskFull:
            for worker in pool:
                worker.kill()
            with contextlib.suppress(OSError):  # the state file stays whole either way (atomic writes)
                self.resume.abandon([w.task.learner for w in pool if w.task] + [t.learner for t in queue])
            raise
        except KeyboardInterrupt:
            for worker in pool:
                worker.kill()
            self.resume.abandon([w.task.learner for w in pool if w.task] + [t.learner for t in queue])
            graded = sum(not o.skipped and not o.refused for o in outcomes)
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

    def _saved(self, message: Graded) -> Outcome:
        """Save one graded submission; a failure here is this submission's (and the run's, so retried), not the end."""
        for stage, seconds in message.timings.items():
            self.timings[stage] = self.timings.get(stage, 0.0) + seconds
        saving = time.perf_counter()
        try:
            score, maximum, note = self.source.save_graded(self.exercise, message.learner, message.payload)
        except Exception as error:  # a damaged result or a gradebook hiccup must not end the others' grading
            if _disk_full(error):  # but a full disk ends every save after it: stop, keeping what was saved
                with contextlib.suppress(OSError):
                    self.resume.abandon([message.learner])
                raise DiskFull(f"the disk is full: {message.learner}'s grades could not be saved in "
                               f"{self.source.root}; free some space and run the same command again: the grades "
                               "saved so far are kept and the rest are graded then") from None
            reason = explain(error, self.source.db_url) or f"its grades could not be saved: {error}"[:300]
            with contextlib.suppress(Exception):
                self.source.save_failed(self.exercise, message.learner, reason)
            return Outcome(message.learner, FAILED, None, None, message.seconds, reason, retry=True)
        finally:
            self.timings["save"] = self.timings.get("save", 0.0) + time.perf_counter() - saving
        return Outcome(message.learner, GRADED, score, maximum, message.seconds, note)

    def _failed(self, message: Failed, task: Task | None) -> Outcome:
        """A worker's failure: the source may say more (another exercise's notebook), then it is recorded."""
        reason = message.reason
        if message.damaged_metadata and task is not None:
            reason = self.source.diagnose(self.exercise, task.path, reason)
        self.source.save_failed(self.exercise, message.learner, reason)
        return Outcome(message.learner, FAILED, None, None, message.seconds, reason, retry=message.retry)

    def _lost(self, task: Task, seconds: float, reason: str) -> Outcome:
        """A submission whose worker died or overran: recorded as failed, and tried again by the next run."""
        self.source.save_failed(self.exercise, task.learner, reason)
        return Outcome(task.learner, FAILED, None, None, seconds, reason, retry=True)

    def _new_worker(self, context: Any) -> _Worker:
        options = {"cell_timeout": self.cell_timeout, "sandboxed": self.sandboxed,
                   "submission_timeout": self.submission_timeout}
        return _Worker(context, self.source, self.exercise, options)

    def _replace(self, worker: _Worker, context: Any) -> _Worker:
        worker.kill()
        return self._new_worker(context)

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _progress(self, done: int, total: int, outcome: Outcome) -> None:
        width = 24
        filled = int(width * done / total)
        result = (f"{outcome.score:g}/{outcome.max_score:g}" if outcome.status == GRADED
                  else f"FAILED: {outcome.reason[:70]}")
        self._print(printable(f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {outcome.learner:<12} "
                              f"{result} ({outcome.seconds:.1f} s)"))  # folder names and reasons: escaped


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM stops a grading run as Ctrl-C does: cleanly, keeping what was graded."""
    raise KeyboardInterrupt


def summary(outcomes: list[Outcome], details: dict[str, tuple[float, float]] | None = None) -> str:
    """A table of every submission: status, score, time and why.

    With ``details`` (learner to late penalty and points awaiting manual grading, from the gradebook) a score
    shows its penalty, and the points that still await a person are counted.
    """
    if not outcomes:
        return "no submissions found; file them with `pmkit collect`"
    details = details or {}
    rows = [("learner", "status", "score", "seconds", "reason")]
    for o in sorted(outcomes, key=lambda x: x.learner):
        status = o.status + (" (unchanged)" if o.skipped else "")
        score = f"{o.score:g}/{o.max_score:g}" if o.score is not None else "-"
        penalty, waiting = details.get(o.learner, (0.0, 0.0)) if o.status == GRADED else (0.0, 0.0)
        notes = [o.reason] if o.reason else []
        if penalty:
            score += f" -{penalty:g} late"
        if waiting:
            notes.append(f"{waiting:g} point(s) await manual grading")
        rows.append((o.learner, status, score, f"{o.seconds:.1f}" if not o.skipped else "-", "; ".join(notes)))
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = ["  ".join(str(r[i]).ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
    graded = sum(o.status == GRADED for o in outcomes)
    failed = sum(o.status == FAILED for o in outcomes)
    busy = sum(o.seconds for o in outcomes if not o.skipped)
    late = sum(1 for o in outcomes if o.status == GRADED and details.get(o.learner, (0.0, 0.0))[0])
    waiting = sum(details.get(o.learner, (0.0, 0.0))[1] for o in outcomes if o.status == GRADED)
    extra = (f"; {late} with a late penalty" if late else "") + \
        (f"; {waiting:g} point(s) await manual grading in Formgrader" if waiting else "")
    lines.append(f"{graded} graded, {failed} failed{extra}; {busy:.1f} s of grading work")
    return "\n".join(printable(line) for line in lines)  # folder names and reasons: no terminal escapes
