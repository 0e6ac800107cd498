"""Every chapter runs top to bottom in a fresh kernel, and a second run under nbval matches the first.

The first run (pmkit.notebooks.execute) checks what a learner would see: no errors, no warnings,
a chart wherever a chart is drawn, a widget wherever a widget is made. The executed copies then
become nbval's reference: nbval re-executes each chapter and compares every output, sanitised
only for memory addresses and widget ids, so a chapter whose output drifts between runs fails.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from pmkit import notebooks
from pmkit.teach import roles
from tests.course import roles_usage
from tests.conftest import COURSE, REPO

CHAPTERS = sorted(COURSE.glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Each chapter executed once, its kernel logging the fact rows pmkit.teach.roles returned (roles_usage)."""
    out = tmp_path_factory.mktemp("executed")
    log = out / "usage.jsonl"
    results = {}
    os.environ[roles_usage.USAGE_LOG_ENV] = str(log)  # the kernels inherit it
    ipython_dir = os.environ.get("IPYTHONDIR")
    os.environ["IPYTHONDIR"] = str(roles_usage.startup_folder(tmp_path_factory.mktemp("ipython")))
    try:
        for path in CHAPTERS:
            nb = notebooks.execute(path, timeout=180)
            (out / path.name).write_text(notebooks.dumps(nb), encoding="utf-8")
            results[path.name] = nb
    finally:
        del os.environ[roles_usage.USAGE_LOG_ENV], os.environ["IPYTHONDIR"]
        if ipython_dir is not None:
            os.environ["IPYTHONDIR"] = ipython_dir
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
               "--nbval-sanitize-with", str(REPO / "tests" / "course" / "nbval-sanitize.cfg"),
               "--nbval-cell-timeout", "180", "--rootdir", str(out), "-c", str(out / "pytest.ini"),
               *sorted(str(p) for p in out.glob("*.ipynb"))]
    done = subprocess.run(command, capture_output=True, text=True, cwd=out, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    code_cells = sum(1 for nb in results.values() for c in nb.cells if c.cell_type == "code")
    assert re.search(rf"\b{code_cells} passed\b", done.stdout), done.stdout[-1000:]


def test_every_fact_row_is_used_by_a_chapter(executed):
    out, _ = executed
    used = {(e["table"], tuple(e["key"])) for e in map(json.loads, (out / "usage.jsonl").read_text().splitlines())}
    missing = []
    for name, frame in roles.all_tables().items():
        keys = list(roles.SCHEMAS[name].key)
        for row in frame[keys].astype(object).values.tolist():
            if (name, tuple(str(v) for v in row)) not in used:
                missing.append(f"{name}: {dict(zip(keys, row, strict=True))}")
    assert not missing, "fact rows no chapter shows:\n" + "\n".join(missing)


def test_usage_log_records_only_what_a_call_returns(tmp_path):
    log = tmp_path / "usage.jsonl"
    with roles_usage.tracking(log):
        roles.describe("APM", "archetype")
        roles.side_by_side("daily")
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert {"table": "profiles", "key": ["APM", "archetype"]} in entries
    assert sum(e["table"] == "profiles" for e in entries) == 1  # not every profile row describe() read
    assert sum(e["table"] == "comparisons" for e in entries) == 6


# What a learner reads: full text, words for headers, no raw dumps, no prose in monospace.
TABLE_CELL = re.compile(r"<t([hd])\b[^>]*>(.*?)</t[hd]>", re.S)
RAW_VALUES = {"True", "False", "<NA>", "NaN", "nan", "None", "NaT"}
#: Chapters that teach pandas show its own tables (the column names a learner types, the index, NaN): there a
#: DataFrame as pandas shows it is the lesson, not a raw dump.
PANDAS_AS_PANDAS = {"10-pandas-for-product-work"}


def _html_tables(nb):
    for index, output in notebooks.outputs(nb):
        page = output.get("data", {}).get("text/html", "")
        if "<table" in page:
            yield index, page


def _text(cell_html: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", cell_html)).strip()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_tables_show_full_text_with_human_headers(executed, path):
    _, results = executed
    problems = []
    for index, page in _html_tables(results[path.name]):
        if "pmkit-table" not in page and path.stem in PANDAS_AS_PANDAS:
            continue
        if "pmkit-table" not in page:
            problems.append(f"cell {index}: a table not shown through pmkit.teach.display (a raw DataFrame?)")
        for kind, raw in TABLE_CELL.findall(page):
            text = _text(raw)
            if text.endswith(("...", "\u2026")):
                problems.append(f"cell {index}: a cut-off cell {text[-60:]!r}")
            if kind == "h" and re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", text):
                problems.append(f"cell {index}: a snake_case header {text!r}")
            if text in RAW_VALUES:
                problems.append(f"cell {index}: a raw value {text!r} where a learner expects words")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_raw_dumps_or_prose_from_print(executed, path):
    _, results = executed
    problems = []
    for index, cell in enumerate(results[path.name].cells):
        if cell.cell_type != "code":
            continue
        printed = "".join(o.get("text", "") for o in cell.outputs if o["output_type"] == "stream")
        if len(printed) > 80:
            problems.append(f"cell {index}: {len(printed)} characters printed in monospace; use display.markdown")
        for output in cell.outputs:
            data = output.get("data", {})
            if data and not ({"text/html", "text/markdown", WIDGET} & set(data)):
                problems.append(f"cell {index}: a plain-text dump {data.get('text/plain', '')[:80]!r}")
    assert not problems, "\n".join(problems)


def test_synthetic_case_data_is_labelled_where_shown(executed):
    _, results = executed
    nb = results["11-case-studies.ipynb"]
    shown_any = 0
    for index, cell in enumerate(nb.cells):
        uses_case_data = re.search(r"\b(cases|sprints|streams)\.", cell.source)
        if cell.cell_type != "code" or "reveal(" in cell.source or not uses_case_data:
            continue
        for output in cell.outputs:
            data = output.get("data", {})
            text = data.get("text/html", "") + data.get("text/markdown", "")
            if re.fullmatch(r"\s*(<style>.*?</style>)?\s*<div class=\"pmkit-feedback[^>]*>.*</div>\s*", text, re.S):
                continue  # only a worked cell's feedback on the learner's answer, no data beside it
            if text:
                shown_any += 1
                assert "ynthetic" in text, f"cell {index} shows case data without saying it is synthetic"
    assert shown_any >= 4  # each case's data (case 1's table and chart), bar the learner's own sums
