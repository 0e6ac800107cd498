"""Limits that hold where rlimits cannot see: memory held in memfds, a CPU share per sandbox, CPU time of the tests.

Real kernels in the real sandbox. Memory: a notebook that fills memfds (pages no address-space limit counts)
past the sandbox's cap must be stopped with a reason, and the host must get its memory back. That needs a
control group per sandbox, so the test is skipped, saying why, where this machine allows none.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from pmkit.grading import cgroups, sandbox

pytestmark = pytest.mark.slow
CAP = 768 << 20
#: 40 memfds of 31 MB (each within the 32 MB file-size limit): 1.2 GB, none of it mapped, so RLIMIT_AS never sees it.
MEMFDS = """
import os
held = []
for i in range(40):
    fd = os.memfd_create(f"pmkit-hog-{i}")
    os.write(fd, b"x" * (31 << 20))
    held.append(fd)
print("held", len(held) * 31, "MB")
"""


def _need_sandbox() -> None:
    if sandbox.unavailable_reason():
        pytest.skip(f"no sandbox here: {sandbox.unavailable_reason()}")


def test_memory_held_in_memfds_is_capped_and_the_notebook_stopped_with_a_reason():
    _need_sandbox()
    if cgroups.unavailable_reason():
        pytest.skip(f"no control group can be made here ({cgroups.unavailable_reason()}): memfd memory is not "
                    "capped on this machine, as grading warns")
    groups_before = _groups()
    cells = [nbformat.v4.new_code_cell(MEMFDS), nbformat.v4.new_code_cell("print('after')")]
    nb = nbformat.v4.new_notebook(cells=cells)
    with pytest.raises(sandbox.SandboxError, match="out of memory") as raised:
        sandbox.run(nb, export_cells=set(), cell_timeout=60, deadline=120, limits=sandbox.Limits(memory=CAP))
    assert f"{CAP >> 20} MB" in str(raised.value)
    # The host got its memory back: no process is left holding the memfds (MemAvailable is not compared, as
    # other work on a shared machine moves it), and the sandbox's control groups are gone.
    deadline = time.monotonic() + 10
    while _holders() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _holders()
    assert _groups() <= groups_before


def _groups() -> set[Path]:
    """This process's sandbox control groups (another test worker's sandboxes may be running beside it)."""
    return {p for folder in _group_parents() for p in folder.glob(f"pmkit-{os.getpid()}-*")}


def _holders() -> list[str]:
    return [p.name for p in Path("/proc").iterdir() if p.name.isdigit() and _holds_hog(p)]


def _group_parents() -> list[Path]:
    """The folders this process's sandboxes' control groups are made in."""
    own = cgroups._own_paths()
    if (cgroups.ROOT / "cgroup.controllers").is_file():
        return [cgroups.ROOT / own.get("", "/").lstrip("/")]
    mounts = cgroups._v1_mounts()
    return [mounts[name] / own.get(name, "/").lstrip("/") for name in cgroups._V1 if name in mounts]


def _holds_hog(process: Path) -> bool:
    try:
        return any("pmkit-hog-" in str(link.readlink()) for link in (process / "fd").iterdir())
    except OSError:
        return False


def test_each_sandbox_runs_niced_with_a_cpu_time_limit_and_its_own_cpu_share():
    _need_sandbox()
    probe = "import os, resource\nprint('nice', os.nice(0), 'cpu', resource.getrlimit(resource.RLIMIT_CPU)[0])"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(probe)])
    out = sandbox.run(nb, export_cells=set(), cell_timeout=60, deadline=100)
    printed = "".join(o.get("text", "") for o in out.cells[0].outputs)
    assert "nice 10 cpu 110" in printed, printed
    if cgroups.unavailable_reason():
        pytest.skip(f"no control group here ({cgroups.unavailable_reason()}): the CPU share is nice alone")
    group = cgroups.create(CAP, 32)
    try:
        if group.version == 2:
            assert (group.folders[""] / "cpu.weight").read_text().strip() == str(cgroups.CPU_WEIGHT)
            assert (group.folders[""] / "memory.max").read_text().strip() == str(CAP)
        else:
            assert int((group.folders["cpu"] / "cpu.shares").read_text()) == 1024 * cgroups.CPU_WEIGHT // 100
            assert int((group.folders["memory"] / "memory.limit_in_bytes").read_text()) == CAP
            assert (group.folders["pids"] / "pids.max").read_text().strip() == "32"
    finally:
        group.remove()
    assert not any(folder.exists() for folder in group.folders.values())


def test_the_trusted_runners_child_is_stopped_by_its_cpu_time_limit():
    """The hidden tests run unsandboxed: one stuck on an answer (a backtracking pattern) meets RLIMIT_CPU."""
    from pmkit.errors import PmkitError
    from pmkit.grading.trusted import TrustedRunner

    busy = "# answers: text\nwhile True:\n    len(text)\n"
    runner = TrustedRunner([], [{"grade_id": "busy", "source": busy, "names": ["text"]}], cpu_seconds=2)
    try:
        started = time.monotonic()
        with pytest.raises(PmkitError, match="more than 2 s of CPU time"):
            runner.run({"busy": {"text": "aaaa"}}, timeout=120)
        assert time.monotonic() - started < 60  # well before the wall-clock limit
        assert runner.process.poll() is None  # the runner itself lives on for the next submission
    finally:
        runner.close()


def test_grading_says_once_at_the_start_where_no_control_group_can_be_made(tmp_path, monkeypatch):
    """A machine without writable cgroups (simulated: no hierarchy found) grades, and says what is not capped."""
    import io

    from pmkit.runs.runner import GRADED, Grader
    from tests.conftest import EX, RELEASE, collect, new_cohort

    _need_sandbox()
    monkeypatch.setattr(cgroups, "ROOT", tmp_path / "no-cgroups")
    monkeypatch.setattr(cgroups, "_v1_mounts", dict)
    cgroups.unavailable_reason.cache_clear()
    try:
        cohort = new_cohort(tmp_path, ["ann", "bo"], release=[EX])
        collect(cohort, tmp_path / "subs", {"ann": RELEASE, "bo": RELEASE})
        out = io.StringIO()
        outcomes = Grader(cohort.grading_source(EX), EX, workers=1, cell_timeout=30, out=out).run()
    finally:
        cgroups.unavailable_reason.cache_clear()
    text = out.getvalue()
    assert text.count("warning: no control group can be made") == 1, text
    assert "not capped" in text.split("warning: no control group")[1].splitlines()[0]
    assert [(o.status, o.score) for o in outcomes] == [(GRADED, 0), (GRADED, 0)]


def test_groups_left_by_a_killed_grader_are_removed_by_the_next_one():
    import subprocess
    import sys

    if cgroups.unavailable_reason():
        pytest.skip(f"no control group here ({cgroups.unavailable_reason()})")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    stale = [folder / f"pmkit-{dead}-left0behind" for folder in _group_parents()]
    for folder in stale:
        folder.mkdir()
    cgroups.create(CAP, 32).remove()
    assert not [folder for folder in stale if folder.exists()]
