"""A control group per sandbox: memory counted where rlimits cannot see it, a task cap and a CPU share.

``RLIMIT_AS`` caps a kernel's address space, but pages held in files in memory (``memfd_create``, a tmpfs)
need not be mapped, so they escape it: 80 memfds of 32 MB each held 2.5 GB against a 1.5 GB limit. A
memory cgroup charges those pages to the sandbox that wrote them. Each sandbox gets its own group with

- the memory limit (``memory.max``; v1 ``memory.limit_in_bytes``, and the same for memory plus swap),
  at which the kernel's OOM killer stops the notebook, reported as out of memory;
- the task limit (``pids.max``) and a CPU share: one group's weight for all its threads (``cpu.weight``;
  v1 ``cpu.shares``) and at most one core (``cpu.max``; v1 the CFS quota).

cgroup v2 is used where its controllers can be delegated to a child of this process's group, else v1
(hierarchies per controller). Where neither is writable (not root, no delegation) :func:`unavailable_reason`
says why, grading warns once, and memory is capped by ``RLIMIT_AS`` and the tmpfs sizes only.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shlex
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
#: A sandbox's CPU weight (the default: all its threads together get one group's share, however many it
#: starts; a lower weight made grading twice as slow on a busy machine) and the most cores it may use.
CPU_WEIGHT, CPU_CORES = 100, 1
_V1 = ("memory", "pids", "cpu")


def _own_paths() -> dict[str, str]:
    """The group of this process in each hierarchy: {"": v2 path, "memory": v1 path, ...}."""
    paths: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for name in controllers.split(",") if controllers else [""]:
                paths[name] = path
    return paths


def _v1_mounts() -> dict[str, Path]:
    """Where each v1 controller's hierarchy is mounted."""
    mounts: dict[str, Path] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/mounts").read_text().splitlines():
            fields = line.split()
            if len(fields) > 3 and fields[2] == "cgroup":
                for option in fields[3].split(","):
                    if option in _V1:
                        mounts[option] = Path(fields[1])
    return mounts


@dataclass
class Cgroup:
    """One sandbox's groups (one folder in v2; one per controller in v1)."""

    version: int
    folders: dict[str, Path]  # controller ("" in v2) -> folder

    def enter_command(self, argv: list[str]) -> list[str]:
        """``argv`` run by a shell that first moves itself into these groups (so nothing runs outside them)."""
        moves = " && ".join(f"echo $$ > {shlex.quote(str(folder / 'cgroup.procs'))}"
                            for folder in dict.fromkeys(self.folders.values()))
        return ["/bin/sh", "-c", f'{moves} && exec "$@"', "pmkit-sandbox", *argv]

    def _memory(self) -> Path:
        return self.folders.get("memory") or self.folders[""]

    def oom_kills(self) -> int:
        """How many processes the OOM killer stopped in this group (the memory limit was reached)."""
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        with contextlib.suppress(OSError, ValueError):
            for line in (self._memory() / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        return 0

    def peak(self) -> int:
        """The most memory the group held at once, in bytes (0 when not known)."""
        for name in ("memory.peak", "memory.max_usage_in_bytes"):
            with contextlib.suppress(OSError, ValueError):
                return int((self._memory() / name).read_text())
        return 0

    def remove(self) -> None:
        """Kill whatever is left in the groups and remove them."""
        for folder in dict.fromkeys(self.folders.values()):
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    with contextlib.suppress(OSError, ValueError):
                        for pid in (folder / "cgroup.procs").read_text().split():
                            os.kill(int(pid), signal.SIGKILL)
                    time.sleep(0.05)


def _write(folder: Path, name: str, value: str) -> None:
    (folder / name).write_text(value)


def _new_name(parents: list[Path]) -> str:
    """A fresh group name that says which process made it; groups left by a process that is gone are removed.

    A grader killed outright (SIGKILL, out of memory) cannot remove its groups; the next one does, once
    they are empty. A live process's groups are never touched, even empty (its kernel may not be in yet).
    """
    for parent in parents:
        with contextlib.suppress(OSError):
            for folder in parent.glob("pmkit-*-*"):
                pid = folder.name.split("-")[1]
                if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                    with contextlib.suppress(OSError):
                        folder.rmdir()
    return f"pmkit-{os.getpid()}-{uuid.uuid4().hex[:12]}"


def _create_v2(memory: int, tasks: int) -> Cgroup:
    parent = ROOT / _own_paths().get("", "/").lstrip("/")
    needed = {"memory", "pids", "cpu"}
    enabled = set((parent / "cgroup.subtree_control").read_text().split())
    if not needed <= enabled:
        _write(parent, "cgroup.subtree_control", " ".join(f"+{name}" for name in sorted(needed - enabled)))
    folder = parent / _new_name([parent])
    folder.mkdir()
    group = Cgroup(2, {"": folder})
    try:
        _write(folder, "memory.max", str(memory))
        with contextlib.suppress(OSError):
            _write(folder, "memory.swap.max", "0")
        _write(folder, "pids.max", str(tasks))
        with contextlib.suppress(OSError):  # a CPU share where the parent allows one; memory is what must hold
            _write(folder, "cpu.weight", str(CPU_WEIGHT))
            _write(folder, "cpu.max", f"{CPU_CORES * 100_000} 100000")
    except OSError:
        group.remove()
        raise
    return group


def _create_v1(memory: int, tasks: int) -> Cgroup:
    mounts, own = _v1_mounts(), _own_paths()
    missing = [name for name in _V1 if name not in mounts]
    if missing:
        raise OSError(f"no cgroup v1 {', '.join(missing)} hierarchy mounted")
    name = _new_name([mounts[controller] / own.get(controller, "/").lstrip("/") for controller in _V1])
    group = Cgroup(1, {})
    try:
        for controller in _V1:
            folder = mounts[controller] / own.get(controller, "/").lstrip("/") / name
            folder.mkdir()
            group.folders[controller] = folder
        memory_folder = group.folders["memory"]
        _write(memory_folder, "memory.limit_in_bytes", str(memory))
        if (memory_folder / "memory.memsw.limit_in_bytes").exists():
            _write(memory_folder, "memory.memsw.limit_in_bytes", str(memory))
        _write(group.folders["pids"], "pids.max", str(tasks))
        with contextlib.suppress(OSError):  # a CPU share where the parent allows one; memory is what must hold
            _write(group.folders["cpu"], "cpu.shares", str(1024 * CPU_WEIGHT // 100))
            _write(group.folders["cpu"], "cpu.cfs_period_us", "100000")
            _write(group.folders["cpu"], "cpu.cfs_quota_us", str(CPU_CORES * 100_000))
    except OSError:
        group.remove()
        raise
    return group


def create(memory: int, tasks: int) -> Cgroup:
    """A new group for one sandbox with these limits; raises OSError (with why) where none can be made."""
    if (ROOT / "cgroup.controllers").is_file():  # the unified (v2-only) layout
        return _create_v2(memory, tasks)
    try:
        return _create_v1(memory, tasks)
    except OSError as v1_error:
        unified = ROOT / "unified"
        if (unified / "cgroup.controllers").is_file() and {"memory", "pids"} <= set(
                (unified / "cgroup.controllers").read_text().split()):
            return _create_v2(memory, tasks)
        raise v1_error from None


@functools.lru_cache(maxsize=1)
def unavailable_reason() -> str | None:
    """Why no per-sandbox control group can be made here (checked once per process), or None."""
    try:
        create(64 << 20, 16).remove()
    except OSError as error:
        return f"{error.strerror or error}" + (f" ({error.filename})" if getattr(error, "filename", None) else "")
    return None


#: Said once at the start of grading where :func:`unavailable_reason` is not None.
UNCAPPED = ("warning: no control group can be made for the grading sandboxes here ({reason}); memory a notebook "
            "holds in files in memory (memfd, shared memory) is not capped, and sandboxes get no CPU share of "
            "their own; grade as root on a machine with cgroups (see the README) to cap them")
