"""Submission times from what the LMS says: Canvas's _LATE mark and --submitted-at, never a bulk download's dates.

Canvas stamps every member of its "Download submissions" zip with the time of the download; taken as the
submission time, every learner would be late. A real late-policy run: collect a Canvas zip, grade, report.
"""

from __future__ import annotations

import datetime as dt
import zipfile

from pmkit.cohort import deadlines, report
from tests.conftest import EX, SOLUTION, new_cohort, pmkit_cli

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DUE = (NOW - dt.timedelta(days=5)).replace(tzinfo=None)


def _canvas_zip(path, members):
    """A zip as Canvas's bulk download makes it: login[_LATE]_userid_submissionid_file, every member dated now."""
    with zipfile.ZipFile(path, "w") as zipped:
        for name in members:
            info = zipfile.ZipInfo(name, date_time=NOW.astimezone().timetuple()[:6])  # the download's time
            zipped.writestr(info, SOLUTION.read_bytes())
    return path


def test_a_canvas_zip_is_late_only_where_canvas_says_so(tmp_path):
    cohort = new_cohort(tmp_path, [("ana", "Ana", "Ruiz"), ("ben", "Ben", "Okafor"), ("cy", "Cy", "Tan")],
                        release=[EX])
    deadlines.set_due(cohort.db_url, EX, DUE)
    deadlines.save(cohort.root, deadlines.Deadlines(method="percent_per_day", percent_per_day=10, max_percent=50))
    source = _canvas_zip(tmp_path / "submissions.zip", [
        f"ruizana_101_9001_{EX}.ipynb",                 # on time by Canvas
        f"okaforben_LATE_102_9002_{EX}.ipynb",          # late, by an unknown amount
        f"tancy_LATE_103_9003_{EX}-1.ipynb",            # late; the instructor knows when (Canvas's submissions page)
    ])
    cy_time = (DUE + dt.timedelta(days=2, hours=3)).isoformat() + "+00:00"
    done = pmkit_cli("collect", source, "--exercise", EX, "--cohort", cohort.root, "--submitted-at", f"CY={cy_time}")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "submission times, and where each came from:" in out
    assert "ana: no time (on time by Canvas (no _LATE mark)" in out
    assert f"ben: {DUE + dt.timedelta(seconds=1):%Y-%m-%d %H:%M} UTC (late by Canvas's _LATE mark" in out
    assert "cy: " in out and "(from --submitted-at)" in out
    assert f"{NOW:%Y-%m-%d %H:%M}" not in out  # the download's time is never a submission time
    assert not (cohort.root / "submitted" / "ana" / EX / "timestamp.txt").exists()

    graded = pmkit_cli("grade", EX, "--cohort", cohort.root, "--workers", "2", "--timeout", "20")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    lines = {line.split()[0]: line for line in graded.stdout.splitlines()[1:-1]}
    assert "7/7 " in lines["ana"] and "late" not in lines["ana"]
    assert "7/7 -0.7 late" in lines["ben"] and "7/7 -2.1 late" in lines["cy"]  # the summary shows the penalty
    assert "3 graded, 0 failed; 2 with a late penalty" in graded.stdout
    frame = report.scores(cohort.root, cohort.db_url).set_index("learner")
    assert not frame.loc["ana", "late"] and frame.loc["ana", "score"] == 7
    assert frame.loc["ben", "late"] and frame.loc["ben", "score"] == 6.3   # one started day: 10 %
    assert frame.loc["cy", "late"] and frame.loc["cy", "score"] == 4.9     # three started days: 30 %


def test_submitted_at_is_checked(tmp_path):
    cohort = new_cohort(tmp_path, ["ana"], release=[EX])
    source = _canvas_zip(tmp_path / "s.zip", [f"ana_101_9001_{EX}.ipynb"])
    bad = pmkit_cli("collect", source, "--exercise", EX, "--cohort", cohort.root, "--submitted-at", "ana=friday")
    assert bad.returncode == 2 and "'friday' is not a time" in bad.stderr and "Traceback" not in bad.stderr
    nobody = pmkit_cli("collect", source, "--exercise", EX, "--cohort", cohort.root, "--submitted-at",
                       "zed=2026-01-01T10:00")
    assert nobody.returncode == 2 and "no learner 'zed'" in nobody.stderr
    table = tmp_path / "times.csv"
    table.write_text("id,submitted_at\nANA,2026-01-02T10:00:00Z\n", encoding="utf-8")
    done = pmkit_cli("collect", source, "--exercise", EX, "--cohort", cohort.root, "--submitted-at", table)
    assert done.returncode == 0 and "ana: 2026-01-02 10:00 UTC (from --submitted-at)" in done.stdout, done.stderr
