"""Grading one exercise as N shards: each grades a stable slice of the learners, so N machines share a cohort.

A learner belongs to shard ``sha256(id) mod N``: the slice depends on the id alone, never on who else is on
the roster or who has submitted, so a learner added mid-course does not move everyone else to another
shard, and a shard that is killed and started again grades the same learners. Shards write to one shared
gradebook (PostgreSQL: SQLite's single writer makes shards on one SQLite file wait for each other).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from pmkit.errors import PmkitError


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based, as ``--shard 2/3`` and a Kubernetes Indexed Job's index + 1)."""

    index: int
    count: int

    def holds(self, learner: str) -> bool:
        """True when ``learner`` is graded by this shard (ids compare case-insensitively, as collect matches them)."""
        digest = hashlib.sha256(learner.strip().lower().encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    @property
    def label(self) -> str:
        """``2-of-3``: how the shard names its lock and resume files."""
        return f"{self.index}-of-{self.count}"

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``"2/3"`` as Shard(2, 3); anything else is refused with the form it must take."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not match:
        raise PmkitError(f"--shard {text!r}: write it as I/N, e.g. --shard 2/3 for the second of three shards")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise PmkitError(f"--shard {text!r}: I must be between 1 and N (N at least 1), e.g. --shard 1/{max(count, 1)}")
    return Shard(index, count)


def shard_from_environment(text: str | None) -> Shard | None:
    """A shard from ``--shard``, or from Kubernetes' ``JOB_COMPLETION_INDEX`` with ``--shard auto/N``."""
    if text is None:
        return None
    if text.strip().lower().startswith("auto/"):
        index = os.environ.get("JOB_COMPLETION_INDEX")
        if index is None or not index.isdigit():
            raise PmkitError("--shard auto/N needs JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job); give "
                             "--shard I/N instead")
        return parse_shard(f"{int(index) + 1}/{text.split('/', 1)[1]}")
    return parse_shard(text)


def available_cpus() -> int:
    """CPUs this process may use: its affinity, capped by a cgroup CPU limit (a pod's ``limits.cpu``)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    quota = _cgroup_quota()
    if quota is not None:
        cpus = min(cpus, max(1, math.ceil(quota)))
    return max(1, cpus)


def _cgroup_quota(root: Path = Path("/sys/fs/cgroup")) -> float | None:
    """The CPU limit of this process's cgroup in CPUs (v2 ``cpu.max`` or v1 CFS quota), or None when unlimited."""
    try:
        quota, period = (root / "cpu.max").read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError, ZeroDivisionError):
        pass
    try:
        quota_us = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period_us = int((root / "cpu" / "cpu.cfs_period_us").read_text())
        return quota_us / period_us if quota_us > 0 else None
    except (OSError, ValueError, ZeroDivisionError):
        return None
