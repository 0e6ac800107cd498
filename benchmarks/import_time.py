"""How much `import pmkit` costs, next to `import pandas` and a bare interpreter, in one run.

Each statement runs in a fresh interpreter, interleaved round by round so that machine noise hits
all of them alike; the script prints the median and best wall time of each and their ratios.

    python benchmarks/import_time.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

STATEMENTS = {
    "bare interpreter": "pass",
    "import pmkit": "import pmkit",
    "import pandas": "import pandas",
    "import pmkit.teach.roles + load": "import pmkit.teach.roles as r; r.salaries()",
    "import altair": "import altair",
}


def measure(rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(rounds):
        for name, statement in STATEMENTS.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", statement], check=True)
            times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    times = measure(rounds)
    bare = statistics.median(times["bare interpreter"])
    pandas = statistics.median(times["import pandas"]) - bare
    print(f"{rounds} rounds, each in a fresh interpreter ({sys.executable})")
    print(f"{'statement':28} {'median s':>9} {'best s':>8} {'minus bare':>11} {'vs pandas':>10}")
    for name, values in times.items():
        median = statistics.median(values)
        extra = median - bare
        ratio = extra / pandas if pandas > 0 else float("nan")
        print(f"{name:28} {median:9.3f} {min(values):8.3f} {extra:11.3f} {ratio:10.2f}")


if __name__ == "__main__":
    main()
