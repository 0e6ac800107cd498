"""The trusted test runner: hidden tests run here, in an interpreter that never ran learner code.

``python -m pmkit.grading.trusted`` reads one line of JSON naming the exercise's trusted setup cells and
test cells (from the source notebook, never from a submission), runs the setup once (data loaded
by pmkit itself), then answers one request per line: the learner's answers as checked, tagged
JSON. Each request runs in a forked child (with a CPU-time limit), so one submission's tests cannot leave
anything behind for the next; the child binds only the plain values each test reads, runs the test cells in order
and reports each one's outcome (correct / partial / incorrect / not attempted, its printed lines,
the check's message, and for a partly right cell the points of its lowest ``Partial``, which the
parent hands to nbgrader as the cell's partial credit). :class:`TrustedRunner` is the parent's handle on it.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from typing import Any

from pmkit.errors import PmkitError

#: Text shown for test output beyond this many characters is cut.
MAX_TEXT = 4000
#: CPU seconds one submission's tests may use (RLIMIT_CPU of the forked child; the wall-clock limit is separate).
CPU_SECONDS = 60


def _run_tests(namespace: dict[str, Any], tests: list[dict[str, Any]], answers: dict[str, Any]) -> list[dict]:
    """Run every test cell against the learner's answers; never raises."""
    from pmkit.exercises.outcomes import CheckFailed
    from pmkit.grading import answers as plain

    results = []
    for test in tests:
        grade_id, names = test["grade_id"], test["names"]
        if grade_id not in answers:
            results.append({"grade_id": grade_id, "status": "skipped", "printed": "", "message": ""})
            continue
        got = answers[grade_id]
        bad = None
        try:
            values = {name: plain.rebuild(got[name]) for name in names}
        except (plain.AnswerError, ValueError, TypeError, KeyError) as error:
            bad = f"\u2718 your answers could not be read: {str(error)[:200]}"
            values = {}
        for name, value in values.items():
            if isinstance(value, plain.Unsupported) and bad is None:
                bad = (f"\u2718 {name}: an answer must be plain data (text, a number, a list, a dict or a "
                       f"pandas table); got {value.what}")
            elif value is plain.MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = value
        if bad is not None:
            results.append({"grade_id": grade_id, "status": "incorrect", "printed": "", "message": bad})
            continue
        printed = io.StringIO()
        status, message, points = "correct", "", None
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()), \
                    warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values = _exec_cell(test["source"], f"<test {grade_id}>", namespace)
            credit = _partial_credit(values)
            if credit is not None:
                status, (points, message) = "partial", credit
        except CheckFailed as failure:
            status, message = failure.status, str(failure)
        except NameError as error:
            missing = getattr(error, "name", None) or str(error)
            status = "incorrect"
            message = (f"\u2718 {missing} is not defined in your notebook: run or answer the cell that sets it"
                       if missing in names else f"\u2718 the test stopped with NameError: {error}")
        except Exception as error:  # any other failure of the test against these answers
            status = "incorrect"
            message = f"\u2718 the test stopped with {type(error).__name__}: {error}".strip()
        result = {"grade_id": grade_id, "status": status, "printed": printed.getvalue()[:MAX_TEXT],
                  "message": message[:MAX_TEXT]}
        if status == "partial":
            result["score"] = points
        results.append(result)
    return results


def _exec_cell(source: str, filename: str, namespace: dict[str, Any]) -> list[Any]:
    """Run a test cell statement by statement, as a kernel would; return its top-level expressions' values."""
    import ast

    values = []
    for node in ast.parse(source, filename).body:
        if isinstance(node, ast.Expr):
            values.append(eval(compile(ast.Expression(node.value), filename, "eval"), namespace))
        else:
            exec(compile(ast.Module([node], type_ignores=[]), filename, "exec"), namespace)
    return values


def _partial_credit(values: list[Any]) -> tuple[float, str] | None:
    """The lowest partial credit among a test cell's checks (a visible and a hidden one may both give one).

    Only :class:`pmkit.exercises.outcomes.Partial` counts, never a bare number a test happens to end with; a
    ``Partial`` worth the cell's full points is no partial credit. Of equally low ones the last speaks: the
    hidden test, which may say more (why each wrong item is wrong) than the visible check before it.
    """
    from pmkit.exercises.outcomes import Partial

    partials = [v for v in values if isinstance(v, Partial) and not v.points >= v.out_of]
    if not partials:
        return None
    lowest = min(reversed(partials), key=lambda partial: partial.points)
    return lowest.points, lowest.message


def serve() -> None:
    """The runner's main loop: setup once, then one forked child per request."""
    protocol_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # stray prints from setup or tests never corrupt the protocol
    sys.stdout = sys.stderr
    spec = json.loads(protocol_in.readline())
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    os.chdir(spec.get("cwd") or os.getcwd())
    for source in spec["setup"]:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(source, "<setup>", "exec"), namespace)
    protocol_out.write(json.dumps({"ready": True}) + "\n")
    protocol_out.flush()
    for line in protocol_in:
        request = json.loads(line)
        read, write = os.pipe()
        child = os.fork()
        seconds = max(1, math.ceil(min(float(request.get("timeout", 60)), float(request.get("cpu", CPU_SECONDS)))))
        if child == 0:  # the child runs one submission's tests and exits
            os.close(read)
            # Not run in the sandbox, so bounded here: a test stuck on hostile input (a backtracking pattern)
            # is stopped by the kernel after this much CPU time, even if the parent's clock never fires.
            resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
            try:
                results = _run_tests(namespace, spec["tests"], request["answers"])
                data = json.dumps({"results": results}).encode()
            except BaseException as error:
                data = json.dumps({"error": f"{type(error).__name__}: {error}"[:500]}).encode()
            with os.fdopen(write, "wb") as out:
                out.write(data)
            os._exit(0)
        os.close(write)
        chunks, deadline = [], time.monotonic() + float(request.get("timeout", 60))
        with os.fdopen(read, "rb") as pipe:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([pipe], [], [], left)[0]:
                    os.kill(child, signal.SIGKILL)
                    chunks = [json.dumps({"error": "the tests took too long on these answers"}).encode()]
                    break
                chunk = pipe.read1(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        _, status = os.waitpid(child, 0)
        if not chunks:  # it died before answering: out of CPU time, or killed
            stopped = os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL)
            reason = (f"the tests used more than {seconds} s of CPU time on these answers" if stopped else
                      f"the tests stopped without an answer (status {status})")
            chunks = [json.dumps({"error": reason}).encode()]
        protocol_out.write(b"".join(chunks).decode() + "\n")
        protocol_out.flush()


class TrustedRunner:
    """A ``python -m pmkit.grading.trusted`` process holding one exercise's setup, ready to run its tests."""

    def __init__(self, setup: list[str], tests: list[dict[str, Any]], cwd: str | None = None,
                 cpu_seconds: float = CPU_SECONDS) -> None:
        self.cpu_seconds = cpu_seconds
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JPY_"))}
        self._errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen([sys.executable, "-m", "pmkit.grading.trusted"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self._errors, text=True, env=env)
        self._send({"setup": setup, "tests": tests, "cwd": cwd})
        reply = self._receive()
        if not reply.get("ready"):
            raise PmkitError(f"the trusted test runner did not start: {reply}")

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def _receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(5)
            self._errors.seek(0)
            error = self._errors.read().decode(errors="replace")[-1500:]
            raise PmkitError(f"the trusted test runner stopped: {error.strip()}")
        return json.loads(line)

    def run(self, answers: dict[str, Any], timeout: float = 60) -> list[dict[str, Any]]:
        """Each test cell's outcome for one submission's checked answers (grade id -> name -> tagged value)."""
        self._send({"answers": answers, "timeout": timeout, "cpu": self.cpu_seconds})
        reply = self._receive()
        if "error" in reply:
            raise PmkitError(f"the hidden tests could not run: {reply['error']}")
        return reply["results"]

    def close(self) -> None:
        """Stop the runner."""
        with contextlib.suppress(Exception):
            self.process.stdin.close()  # type: ignore[union-attr]
            self.process.wait(5)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._errors.close()


if __name__ == "__main__":
    serve()
