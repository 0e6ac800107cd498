"""How well the worked cells read a learner's sentence: accuracy on tests/teach/turn_answers.csv, blind part first.

The file holds answers careful learners might write in their own words (expected "correct") and answers of
learners who missed the point (expected "partial" or "incorrect": they must never be marked correct), each
marked "blind" (a seeded third, set aside before any pattern was tuned), "tune", or "fresh" (written after
the tuning, to measure it once more on answers it never saw, since the blind third had by then been read to fix
its misses), and "negation-blind" / "negation-tune" (a seeded half each of the answers written to try negated and
opposite reasons, "not widespread", "does not come from smooth execution", before those were read). For each
part the script
prints how many right answers are marked correct, how many are marked "not yet", and how many wrong answers
are marked correct. With ``--before REV`` it first measures pmkit as it was at that git revision (the same
answers, the datasets of the work tree), so a change's effect is printed side by side; ``--misses`` lists the
tuning rows that miss (never the blind ones: they are the figure, not a guide).

    python benchmarks/turn_reading.py [--before REV] [--misses]

The honest figures are taken at the commits before each part was read: the blind third at d59863c (tuned on
"tune" only; ``--before d59863c``), the fresh rows at e04d3d0 (``--before e04d3d0``), the negation half at
91892a9 (tuned on "negation-tune" only: 87.1 % exact, from 61.3 % at f03a3a5). Later commits fixed the misses
those parts showed (one negation-blind row, a right answer marked not yet), so their figures now are no longer
held out.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The parts of the file, in the order they are printed: held-out parts first, then the tuning ones.
SPLITS = ("blind", "fresh", "tune", "negation-blind", "negation-tune")
#: The parts whose misses may be listed and read to tune the patterns.
TUNING = ("tune", "negation-tune")
ANSWERS = REPO / "tests" / "teach" / "turn_answers.csv"


def rows(path: Path = ANSWERS) -> list[dict[str, str]]:
    """The evaluation answers: turn, answer, because, expected, split."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def measure(path: Path = ANSWERS) -> dict[str, dict]:
    """The status each row gets from the pmkit on ``sys.path``, summed by split (and the tuning part's misses)."""
    from pmkit.teach import turns

    figures: dict[str, dict] = {}
    for row in rows(path):
        got = turns.evaluate(row["turn"], row["answer"], row["because"] or None).status
        part = figures.setdefault(row["split"], {"right": 0, "right_correct": 0, "right_not_yet": 0,
                                                 "wrong": 0, "wrong_correct": 0, "exact": 0, "rows": 0,
                                                 "misses": []})
        part["rows"] += 1
        part["exact"] += got == row["expected"]
        if row["expected"] == turns.CORRECT:
            part["right"] += 1
            part["right_correct"] += got == turns.CORRECT
            part["right_not_yet"] += got == turns.INCORRECT
        else:
            part["wrong"] += 1
            part["wrong_correct"] += got == turns.CORRECT
        if got != row["expected"] and row["split"] in TUNING:
            part["misses"].append((row["turn"], row["answer"], row["because"], row["expected"], got))
    return figures


def measure_at(revision: str) -> dict[str, dict]:
    """``measure`` run on pmkit as it was at ``revision`` (extracted to a temporary folder, in a subprocess)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", revision, "pmkit"], check=True,
                             capture_output=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        env = {**os.environ, "PYTHONPATH": tmp, "PMKIT_DATASETS": str(REPO / "datasets")}
        code = (f"import json, sys; sys.path.insert(0, {tmp!r}); sys.path.insert(1, {str(REPO / 'benchmarks')!r}); "
                f"import turn_reading; print(json.dumps(turn_reading.measure()))")
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env,
                             cwd=tmp).stdout
    return json.loads(out)


def _line(label: str, part: dict) -> str:
    return (f"{label:<14} rows {part['rows']:>3} | exact {part['exact'] / part['rows']:6.1%} | right marked correct "
            f"{part['right_correct']:>3}/{part['right']:<3} ({part['right_correct'] / part['right']:6.1%}), "
            f"marked not yet {part['right_not_yet']:>2} | wrong marked correct {part['wrong_correct']:>2}/"
            f"{part['wrong']:<3} ({part['wrong_correct'] / part['wrong']:5.1%})")


def main() -> None:
    """Print the blind figure, then the tuning figure, before (at a revision) and now."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git revision to measure first, e.g. main")
    parser.add_argument("--misses", action="store_true", help="list the tuning rows whose status differs")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    runs = ([(f"before ({args.before})", measure_at(args.before))] if args.before else []) + [("now", measure())]
    for split in SPLITS:
        for label, figures in runs:
            if split in figures:
                print(_line(split, figures[split]), f"  [{label}]")
    if args.misses:
        misses = [m for split in TUNING for m in runs[-1][1].get(split, {}).get("misses", [])]
        for turn, answer, because, expected, got in misses:
            print(f"  {turn}: {answer!r}" + (f" because {because!r}" if because else "") + f" -> {got}, "
                  f"expected {expected}")


if __name__ == "__main__":
    main()
