"""Seconds from Run All to the first chart drawn in the browser, before and after the chart cache.

    python benchmarks/first_chart.py [ROUNDS] [CHAPTER]

Drives real JupyterLab (learner mode, as ``make lab`` starts it) in Debian's Chromium with Playwright,
as the browser tests do. "Before" is altair's own path (``PMKIT_CHART_CACHE=off``: altair imported
with jsonschema's IRI grammar, vega's bundle rebuilt in every kernel); "after" is pmkit's default
(that grammar skipped, the bundle read from the user's cache). Each round opens the chapter with a
fresh kernel, waits until it is idle (a running server, a started kernel) and times Run All until
the first chart's marks are on screen, and until the last. One warm-up round of each is not counted.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser.test_browser import Lab, _open, _panel  # noqa: E402
from tests.conftest import CHROMIUM  # noqa: E402

MARKS = ".vega-embed canvas, .vega-embed svg.marks"


def _stop_kernels(lab: Lab) -> None:
    """Shut every session down, so the next round starts a fresh kernel."""
    import json

    with urllib.request.urlopen(lab.url("api/sessions"), timeout=10) as answer:
        sessions = json.load(answer)
    for session in sessions:
        request = urllib.request.Request(lab.url(f"api/sessions/{session['id']}"), method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def _one_round(browser, lab: Lab, chapter: str, charts: int) -> tuple[float, float]:
    """Seconds from Run All to the first chart's marks, and to every chart's marks."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    try:
        _open(tab, lab, chapter)
        panel = _panel(tab)
        started = time.perf_counter()  # the clock starts at the click (the tests' _run_all waits first)
        tab.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        tab.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click(timeout=5_000)
        tab.wait_for_function(f"() => document.querySelectorAll('{MARKS}').length >= 1", timeout=120_000)
        first = time.perf_counter() - started
        tab.wait_for_function(f"() => document.querySelectorAll('{MARKS}').length >= {charts}", timeout=120_000)
        last = time.perf_counter() - started
        assert panel.locator(".vega-embed").count() >= 1
    finally:
        context.close()
        _stop_kernels(lab)
    return first, last


def _measure(mode: str, rounds: int, chapter: str, charts: int) -> list[tuple[float, float]]:
    """Start a learner-mode server with the mode's environment and time ``rounds`` rounds."""
    from playwright.sync_api import sync_playwright

    if mode == "before":
        os.environ["PMKIT_CHART_CACHE"] = "off"
    else:
        os.environ.pop("PMKIT_CHART_CACHE", None)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as play:
        browser = play.chromium.launch(executable_path=str(CHROMIUM))
        lab = Lab("learner", Path(tmp))
        try:
            _one_round(browser, lab, chapter, charts)  # warm-up: caches filled, pages compiled
            return [_one_round(browser, lab, chapter, charts) for _ in range(rounds)]
        finally:
            lab.stop()
            browser.close()


def _count_charts(chapter: str) -> int:
    """How many chart-making calls the chapter's code cells hold (one chart each)."""
    import re

    import nbformat

    nb = nbformat.read(REPO / chapter, as_version=4)
    return sum(len(re.findall(r"\bcharts\.\w+\(", c.source)) for c in nb.cells if c.cell_type == "code")


def main() -> None:
    """Print the median and every round of both paths, side by side."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    chapter = sys.argv[2] if len(sys.argv) > 2 else "course/01-at-a-glance.ipynb"
    charts = max(1, _count_charts(chapter))
    results = {mode: _measure(mode, rounds, chapter, charts) for mode in ("before", "after")}
    print(f"{chapter}: Run All to charts on screen, {rounds} rounds each, fresh kernel per round")
    print(f"{'':28}{'before (cache off)':>22}{'after (pmkit default)':>24}")
    for index, label in ((0, "first chart, median"), (1, f"all {charts} chart(s), median")):
        before = statistics.median(r[index] for r in results["before"])
        after = statistics.median(r[index] for r in results["after"])
        print(f"{label:28}{before:20.2f} s{after:22.2f} s   ({before / after:.1f}x faster)")
    for number in range(rounds):
        before, after = results["before"][number], results["after"][number]
        print(f"  round {number + 1}: first chart {before[0]:6.2f} s -> {after[0]:5.2f} s;"
              f" all charts {before[1]:6.2f} s -> {after[1]:5.2f} s")


if __name__ == "__main__":
    main()
