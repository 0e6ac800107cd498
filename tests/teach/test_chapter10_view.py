"""Chapter 10 as Run All leaves it: no hint before an attempt, and pandas' own tables (real column names, NaN)."""

from __future__ import annotations

import pytest

from pmkit import notebooks
from tests.conftest import COURSE

CHAPTER = COURSE / "10-pandas-for-product-work.ipynb"


@pytest.fixture(scope="module")
def executed():
    return {cell.id: cell for cell in notebooks.execute(CHAPTER, timeout=180).cells}


def _shown(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts += [str(v) for v in output.get("data", {}).values()]
    return "\n".join(parts)


def test_run_all_prints_no_hint_before_an_attempt(executed):
    printed = {cid: _shown(cell) for cid, cell in executed.items()}
    assert not [cid for cid, text in printed.items() if "Hint for" in text or "Hint:" in text], printed
    hint_cells = [c for c in executed.values() if "tries.hint(" in c.source and c.cell_type == "code"]
    assert hint_cells and all(line.lstrip().startswith("#") for c in hint_cells for line in c.source.splitlines()
                              if "tries.hint(" in line)
    assert "not answered yet" in printed["try-filter"]  # the tries themselves still say what to do


def test_pandas_is_shown_as_pandas_shows_it(executed):
    first_rows = _shown(executed["read"])
    for column in ("request_id", "week", "customer", "plan", "topic"):
        assert f">{column}</th>" in first_rows  # the names a learner types, not "Request id"
    assert "Request id" not in first_rows
    assert "NaN" in _shown(executed["wow"]) and ">last_week</th>" in _shown(executed["wow"])
    assert "NaN" in _shown(executed["funnel"]) and ">previous_step</th>" in _shown(executed["funnel"])
    # the learner now builds requests per customer and reads the week before the drop: Run All leaves them to do
    for cid in ("try-per-topic", "try-per-customer", "try-export-share", "try-before-drop", "try-agency"):
        assert "Not answered yet" in _shown(executed[cid]), cid
