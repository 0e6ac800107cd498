"""`pmkit grade --shard I/N`: N shard processes against one PostgreSQL gradebook give one run's scores.

The shards are real processes running real sandboxed kernels; the gradebook is a real PostgreSQL server
the suite starts (``postgres`` fixture). A shard killed mid-run resumes; no submission is graded twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmkit.errors import PmkitError
from pmkit.runs.shards import Shard, _cgroup_quota, parse_shard, shard_from_environment
from tests.conftest import EX, RELEASE, SOLUTION, collect, new_cohort, pmkit_cli

LEARNERS = ["ana", "ben", "chen", "dara", "eli", "fay", "gus"]
RIGHT = {"ana", "chen", "eli", "gus"}


def test_every_learner_is_in_exactly_one_shard() -> None:
    ids = [f"learner{i}" for i in range(300)] + ["Chen.Wei"]
    for count in (1, 2, 3, 7):
        owners = [[i for i in range(1, count + 1) if Shard(i, count).holds(x)] for x in ids]
        assert all(len(o) == 1 for o in owners)
        sizes = [sum(o == [i] for o in owners) for i in range(1, count + 1)]
        assert min(sizes) > len(ids) / count / 2  # a stable hash, not everyone in one shard
    assert Shard(2, 3).holds("chen.wei") == Shard(2, 3).holds("Chen.Wei")


def test_shard_options_say_the_form(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_shard(" 2 / 3 ") == Shard(2, 3)
    for bad in ("3", "0/3", "4/3", "a/b", ""):
        with pytest.raises(PmkitError, match="--shard"):
            parse_shard(bad)
    monkeypatch.setenv("JOB_COMPLETION_INDEX", "2")
    assert shard_from_environment("auto/3") == Shard(3, 3)
    monkeypatch.delenv("JOB_COMPLETION_INDEX")
    with pytest.raises(PmkitError, match="JOB_COMPLETION_INDEX"):
        shard_from_environment("auto/3")


def test_a_pods_cpu_limit_sets_the_workers(tmp_path: Path) -> None:
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert _cgroup_quota(tmp_path) == 1.5
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert _cgroup_quota(tmp_path) is None
    (tmp_path / "cpu.max").unlink()
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("100000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert _cgroup_quota(tmp_path) == 1.0


def _scores(root: Path, db_url: str) -> dict[str, float]:
    from pmkit.cohort import report

    frame = report.scores(root, db_url)
    return {row.learner: float(row.score) for row in frame.itertuples() if row.exercise == EX}


def _shard(root: Path, spec: str) -> subprocess.Popen:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.Popen([sys.executable, "-m", "pmkit.cli", "grade", EX, "--cohort", str(root), "--workers", "1",
                             "--shard", spec, "--timeout", "20"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env, start_new_session=True)


def test_three_shards_on_postgresql_equal_one_run(tmp_path: Path, postgres) -> None:
    notebooks = {x: SOLUTION if x in RIGHT else RELEASE for x in LEARNERS}
    one = new_cohort(tmp_path / "one", LEARNERS, release=[EX])
    collect(one, tmp_path / "subs-one", notebooks)
    whole = pmkit_cli("grade", EX, "--cohort", one.root, "--workers", "2", "--timeout", "20")
    assert whole.returncode == 0, whole.stderr
    expected = _scores(one.root, one.db_url)
    assert expected == {x: (7.0 if x in RIGHT else 0.0) for x in LEARNERS}

    url = postgres.database("shards")
    sharded = new_cohort(tmp_path / "sharded", LEARNERS, release=[EX], db_url=url)
    collect(sharded, tmp_path / "subs-sharded", notebooks)

    # shard 1 is killed while it grades, then started again beside the other two
    first = _shard(sharded.root, "1/3")
    state = sharded.root / ".pmkit" / f"grading-{EX}.shard-1-of-3.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (state.exists() and "in progress" in state.read_text()):
        time.sleep(0.2)
    assert state.exists(), first.communicate()[0]
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(30)

    runs = [_shard(sharded.root, f"{i}/3") for i in (1, 2, 3)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert _scores(sharded.root, url) == expected

    graded_by: dict[str, list[int]] = {}
    for i in (1, 2, 3):
        entries = json.loads((sharded.root / ".pmkit" / f"grading-{EX}.shard-{i}-of-3.json").read_text())
        for learner in entries:
            graded_by.setdefault(learner, []).append(i)
    assert sorted(graded_by) == sorted(LEARNERS)
    assert all(len(shards) == 1 for shards in graded_by.values()), graded_by  # never graded by two shards

    again = pmkit_cli("grade", EX, "--cohort", sharded.root, "--workers", "1")
    assert again.returncode == 0 and "7 unchanged submission(s) skipped" in again.stderr, again.stderr
