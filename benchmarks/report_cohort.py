"""Time `pmkit report` and `pmkit export` on a synthetic cohort: python benchmarks/report_cohort.py [learners]."""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pmkit.cohort import lms_export as export
from pmkit.cohort import report
from tests.cohort.large_cohort import EXERCISES, build


def main() -> None:
    learners = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        cohort = build(Path(tmp), learners)
        built = time.perf_counter() - started
        started = time.perf_counter()
        csv_path, html_path = report.write(cohort.root, cohort.db_url)
        reported = time.perf_counter() - started
        started = time.perf_counter()
        export.write(cohort.root, cohort.db_url, "canvas", Path(tmp) / "canvas.csv", questions=True)
        exported = time.perf_counter() - started
        print(f"{learners} learners x {len(EXERCISES)} exercises ({learners * len(EXERCISES)} graded submissions)")
        print(f"  gradebook built in        {built:6.1f} s")
        print(f"  pmkit report              {reported:6.1f} s  dashboard {html_path.stat().st_size / 1e6:.1f} MB, "
              f"gradebook.csv {csv_path.stat().st_size / 1e6:.1f} MB")
        print(f"  pmkit export (canvas, questions) {exported:6.1f} s")


if __name__ == "__main__":
    main()
