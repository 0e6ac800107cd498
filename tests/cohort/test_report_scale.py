"""`pmkit report` at bootcamp scale: 10,000 learners graded on three exercises (30,000 submissions)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from pmkit.cohort import report
from tests.cohort.large_cohort import EXERCISES, build

pytestmark = pytest.mark.slow
LEARNERS = 10_000


def test_report_writes_both_files_for_ten_thousand_learners(tmp_path):
    cohort = build(tmp_path, LEARNERS)
    csv_path, html_path = report.write(cohort.root, cohort.db_url)
    frame = pd.read_csv(csv_path)
    assert len(frame) == (LEARNERS + 1) * len(EXERCISES)  # the seed learner on the roster has nothing graded
    assert (frame["status"] == "graded").sum() == LEARNERS * len(EXERCISES)
    page = html_path.read_text(encoding="utf-8")
    specs = [json.loads(m) for m in re.findall(r'<script type="application/json" id="spec-\w+">(.*?)</script>', page)]
    assert len(specs) == 3
    for spec in specs:  # aggregated before plotting: far below altair's 5,000-row limit
        rows = sum(len(values) for values in spec.get("datasets", {}).values())
        assert 0 < rows < 500, (spec["title"], rows)
    at_risk = pd.read_csv(html_path.parent / "at-risk.csv")
    shown = page.count("<tr><td>learner")
    assert len(at_risk) > report.AT_RISK_SHOWN and shown == report.AT_RISK_SHOWN
    assert f"Learners at risk ({len(at_risk)})" in page
    assert len(page) < 3_000_000
