"""How long each chapter takes to run top to bottom in a fresh kernel (kernel start included).

    python benchmarks/chapter_times.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pmkit import notebooks  # noqa: E402


def main() -> None:
    total = 0.0
    for path in sorted((REPO / "course").glob("*.ipynb")):
        start = time.perf_counter()
        notebooks.execute(path, timeout=180)
        seconds = time.perf_counter() - start
        total += seconds
        print(f"{path.name:40} {seconds:6.1f} s")
    print(f"{'all chapters':40} {total:6.1f} s")


if __name__ == "__main__":
    main()
