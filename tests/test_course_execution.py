"""Every chapter runs top to bottom in a fresh kernel, and a second run under nbval matches the first.

The first run (pmkit.notebooks.execute) checks what a learner would see: no errors, no warnings,
a chart wherever a chart is drawn, a widget wherever a widget is made. The executed copies then
become nbval's reference: nbval re-executes each chapter and compares every output, sanitised
only for memory addresses and widget ids, so a chapter whose output drifts between runs fails.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from pmkit import notebooks
from tests.conftest import COURSE, REPO

CHAPTERS = sorted(COURSE.glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Each chapter executed once, written to a temporary folder beside a copy of course/."""
    out = tmp_path_factory.mktemp("executed")
    results = {}
    for path in CHAPTERS:
        nb = notebooks.execute(path, timeout=180)
        (out / path.name).write_text(notebooks.dumps(nb), encoding="utf-8")
        results[path.name] = nb
    return out, results


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_clean(executed, path):
    _, results = executed
    nb = results[path.name]
    for index, output in notebooks.outputs(nb):
        assert output["output_type"] != "error", f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
        if output["output_type"] == "stream":
            assert output["name"] == "stdout", f"cell {index} wrote to stderr: {output['text'][:300]}"
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        kinds = [set(o.get("data", {})) for o in cell.outputs]
        if re.search(r"\bcharts\.\w+\(", cell.source) or re.search(r"\bwidgets\.\w+\(", cell.source):
            assert any(WIDGET in k for k in kinds), f"cell {index} drew no chart or widget"
        if "charts." in cell.source:
            plain = " ".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
            assert "JupyterChart" in plain, f"cell {index}: the chart did not use the offline jupyter renderer"


def test_nbval_reruns_every_chapter_with_the_same_outputs(executed, tmp_path):
    out, results = executed
    (out / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    # Chapters link to each other and read data through pmkit, so they run from course/'s neighbour.
    command = [sys.executable, "-m", "pytest", "-p", "nbval", "--nbval", "-q", "-p", "no:cacheprovider",
               "--nbval-sanitize-with", str(REPO / "tests" / "nbval-sanitize.cfg"),
               "--nbval-cell-timeout", "180", "--rootdir", str(out), "-c", str(out / "pytest.ini"),
               *sorted(str(p) for p in out.glob("*.ipynb"))]
    done = subprocess.run(command, capture_output=True, text=True, cwd=out, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    code_cells = sum(1 for nb in results.values() for c in nb.cells if c.cell_type == "code")
    assert re.search(rf"\b{code_cells} passed\b", done.stdout), done.stdout[-1000:]
