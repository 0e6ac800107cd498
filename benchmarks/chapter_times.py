"""How long each chapter takes to run top to bottom in a fresh kernel, and the kernel's peak memory.

    python benchmarks/chapter_times.py

Time includes the kernel's start. Memory is the kernel's peak resident size, read by one extra cell
run after the chapter's own; it sizes a hub where every learner has a chapter open.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pmkit import notebooks  # noqa: E402

PEAK = "import resource\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"  # KiB on Linux


def run(path: Path) -> tuple[float, float]:
    """Seconds to run the chapter in a fresh kernel, and the kernel's peak memory in MB."""
    from nbclient import NotebookClient

    nb = notebooks.read(path)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK))
    start = time.perf_counter()
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    return seconds, int(nb.cells[-1].outputs[0]["text"]) / 1024


def main() -> None:
    """Print every chapter's time and peak kernel memory, then the totals."""
    total, peaks = 0.0, []
    for path in sorted((REPO / "course").glob("*.ipynb")):
        seconds, peak = run(path)
        total += seconds
        peaks.append(peak)
        print(f"{path.name:40} {seconds:6.1f} s  {peak:5.0f} MB peak kernel memory")
    print(f"{'all chapters':40} {total:6.1f} s  {max(peaks):5.0f} MB largest peak")


if __name__ == "__main__":
    main()
