"""Time to autograde one submission of each exercise with nbgrader, through pmkit's grading engine.

    python benchmarks/autograde_each.py

Generating each assignment happens once, first, and is reported apart; then the solution is
graded as one learner's submission, which is what a learner's `pmkit check` or one cohort
submission costs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pmkit.grading.engine import GradingCourse, exercise_ids  # noqa: E402


def main() -> None:
    with GradingCourse() as course:
        start = time.perf_counter()
        for exercise in exercise_ids():
            course.generate(exercise)
        print(f"{'generate all nine assignments':32} {time.perf_counter() - start:6.1f} s")
        for exercise in exercise_ids():
            start = time.perf_counter()
            result = course.grade(exercise, "learner", REPO / "solutions" / exercise / f"{exercise}.ipynb")
            print(f"{exercise:32} {time.perf_counter() - start:6.1f} s  ({result.auto_score:g}/{result.auto_max:g})")


if __name__ == "__main__":
    main()
