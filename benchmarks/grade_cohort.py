"""Grade N submissions with stock sequential `nbgrader autograde` and with `pmkit grade`, side by side.

    python benchmarks/grade_cohort.py N [--exercise beta-metrics] [--workers 2] [--no-sandbox]

Builds two identical cohorts of N learners with a realistic mix of submissions (correct, partial,
blank and broken), grades one with nbgrader's own command and the other with pmkit's parallel
grader (each kernel in the bubblewrap sandbox, hidden tests in the trusted interpreter), checks
that every score agrees, and prints seconds per submission, the speed-up, the per-submission cost
against a bare kernel start plus the notebook's own execution time, and where pmkit's time goes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pmkit.cohort.folder import Cohort  # noqa: E402
from pmkit.grading.gradebook import gradebook  # noqa: E402
from pmkit.runs.runner import Grader  # noqa: E402

KINDS = ("correct", "correct", "partial", "correct", "blank", "partial", "broken-json", "correct", "blank",
         "deleted-cell")


def build_submissions(exercise: str, n: int, folder: Path) -> dict[str, str]:
    """N notebooks named by learner id, cycling through a realistic mix; returns learner -> kind."""
    folder.mkdir(parents=True)
    solution = REPO / "solutions" / exercise / f"{exercise}.ipynb"
    release = REPO / "exercises" / exercise / f"{exercise}.ipynb"
    kinds = {}
    for i in range(n):
        learner, kind = f"learner{i:03d}", KINDS[i % len(KINDS)]
        kinds[learner] = kind
        target = folder / f"{learner}.ipynb"
        if kind == "correct":
            shutil.copy(solution, target)
        elif kind == "blank":
            shutil.copy(release, target)
        elif kind == "broken-json":
            target.write_text('{"cells": [', encoding="utf-8")
        else:
            nb = nbformat.read(solution, as_version=4)
            answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
            if kind == "partial":  # the first answer is wrong, the rest right
                answers[0].source = answers[0].source.split("### BEGIN SOLUTION")[0] + "\n" + \
                    "\n".join(f"{line.split('=')[0].strip()} = 0.5" for line in answers[0].source.splitlines()
                              if line and not line.startswith(("#", " ")) and "=" in line)[:200]
            else:  # a learner deleted the last test cell
                tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
                         and not c.metadata["nbgrader"].get("solution")]
                nb.cells = [c for c in nb.cells if c is not tests[-1]]
            nbformat.write(nb, target)
    return kinds


def make_cohort(root: Path, n: int, submissions: Path, exercise: str) -> Cohort:
    roster = root.parent / f"{root.name}-roster.csv"
    roster.write_text("id,first_name,last_name,email\n" +
                      "".join(f"learner{i:03d},L{i},Test,l{i}@example.org\n" for i in range(n)), encoding="utf-8")
    cohort = Cohort.init(root, roster)
    cohort.release(exercise)
    cohort.collect(submissions, exercise)
    return cohort


def gradebook_scores(cohort: Cohort, exercise: str, learners: list[str]) -> dict[str, dict[str, float] | str]:
    """learner -> {grade cell: auto score}, or "failed" where there is no graded submission."""
    out: dict[str, dict[str, float] | str] = {}
    with gradebook(cohort.db_url) as book:
        for learner in learners:
            try:
                notebook = book.find_submission_notebook(exercise, exercise, learner)
                graded = {g.name: g.auto_score for g in notebook.grades}
                out[learner] = graded if any(v is not None for v in graded.values()) else "failed"
            except Exception:
                out[learner] = "failed"
    return out


def bare_kernel_seconds(rounds: int = 5) -> float:
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        manager, client = start_new_kernel(kernel_name="python3")
        client.wait_for_ready(timeout=60)
        times.append(time.perf_counter() - start)
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return statistics.median(times)


def notebook_seconds(exercise: str, rounds: int = 3) -> float:
    """Kernel start plus running the solution top to bottom, measured with nbclient."""
    from pmkit import notebooks

    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        notebooks.execute(REPO / "solutions" / exercise / f"{exercise}.ipynb", cwd=REPO)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--exercise", default="beta-metrics")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-sandbox", action="store_true", help="grade without the sandbox, for comparison")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pmkit-bench-"))
    try:
        kinds = build_submissions(args.exercise, args.n, work / "submissions")
        stock = make_cohort(work / "stock", args.n, work / "submissions", args.exercise)
        ours = make_cohort(work / "pmkit", args.n, work / "submissions", args.exercise)
        nbgrader = shutil.which("nbgrader", path=str(Path(sys.executable).parent)) or "nbgrader"

        start = time.perf_counter()
        # A cohort turns stock autograde off (it is unsandboxed); the command line turns it back on, for comparison.
        subprocess.run([nbgrader, "autograde", args.exercise, "--Execute.timeout=30",
                        "--Autograde.exporter_class=nbconvert.exporters.NotebookExporter"], cwd=stock.root,
                       capture_output=True, text=True, check=False)
        stock_seconds = time.perf_counter() - start

        start = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            grader = Grader(ours.grading_source(args.exercise), args.exercise, workers=args.workers, out=quiet,
                            sandboxed=not args.no_sandbox)
            outcomes = grader.run()
        ours_seconds = time.perf_counter() - start

        learners = sorted(kinds)
        a, b = gradebook_scores(stock, args.exercise, learners), gradebook_scores(ours, args.exercise, learners)
        disagree = [x for x in learners if a[x] != b[x]]
        bare = bare_kernel_seconds()
        own = notebook_seconds(args.exercise)
        busy = statistics.mean(o.seconds for o in outcomes if o.status == "graded")

        mix = {k: list(kinds.values()).count(k) for k in dict.fromkeys(KINDS)}
        print(f"{args.n} submissions of {args.exercise}: {mix}")
        print(f"stock nbgrader autograde (sequential): {stock_seconds:7.1f} s  "
              f"{stock_seconds / args.n:5.2f} s/submission")
        print(f"pmkit grade --workers {args.workers}:            {ours_seconds:7.1f} s  "
              f"{ours_seconds / args.n:5.2f} s/submission")
        print(f"speed-up: {stock_seconds / ours_seconds:.2f}x")
        print(f"scores agree for {len(learners) - len(disagree)} of {len(learners)} learners"
              + (f"; DISAGREE: {disagree[:5]}" if disagree else ""))
        print(f"bare kernel start {bare:.2f} s; kernel start + the notebook's own execution {own:.2f} s")
        print(f"pmkit worker time per graded submission {busy:.2f} s = {busy / own:.2f}x of kernel start + execution")
        graded = max(1, sum(o.status == "graded" for o in outcomes))
        stages = {"prepare": "sanitise (nbgrader preprocessors)", "kernel": "sandboxed kernel: start + run + stop",
                  "tests": "trusted tests (forked runner)", "save": "SaveAutoGrades in the parent"}
        sandboxed = "without the sandbox" if args.no_sandbox else "sandboxed"
        print(f"where pmkit's time goes ({sandboxed}), seconds per graded submission:")
        for stage, label in stages.items():
            print(f"  {label:<40} {grader.timings.get(stage, 0.0) / graded:5.2f}")
        if disagree:
            sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
