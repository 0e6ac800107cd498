"""The resume state of grading one exercise: which submission was graded, failed, or is being graded.

It lives in ``<cohort>/.pmkit/grading-<exercise>.json``, beside the gradebook and out of a learner
kernel's reach, and is written only by the grading run's parent process from what it observed
(never from a file a kernel wrote). A flat JSON object, learner id to entry, so the report can read
it too. Rules:

- a submission is marked ``in progress`` before it is dispatched; a run that dies while grading it
  leaves that mark, and the next run grades it again, at most :data:`MAX_ATTEMPTS` times in all,
  then records it as failed and moves on (a submission that kills the grading run cannot stop
  every resumed run);
- a failure the run caused (a killed worker, a crash outside the notebook, a time limit) is
  retried by the next run, up to :data:`MAX_ATTEMPTS` times; a failure of the notebook itself
  (not valid JSON) is not, until the submission changes or ``--force``;
- "graded (unchanged)" holds only while the gradebook in use has that submission's grades, so a
  gradebook given with ``--db`` that never saw them gets them;
- a damaged state file is set aside with a warning, never a stop: the gradebook is the record.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IN_PROGRESS = "in progress"
MAX_ATTEMPTS = 3


def state_path(root: Path, exercise: str, shard: str | None = None) -> Path:
    """Where the resume state of ``exercise`` lives in a cohort (shard ``2-of-3`` keeps a file of its own)."""
    suffix = f".shard-{shard}" if shard else ""
    return Path(root) / ".pmkit" / f"grading-{exercise}{suffix}.json"


def state_files(root: Path, exercise: str) -> list[Path]:
    """Every resume state file of ``exercise`` (the whole run's and each shard's), oldest first."""
    folder = Path(root) / ".pmkit"
    found = [p for p in folder.glob(f"grading-{exercise}*.json")
             if p.name == f"grading-{exercise}.json" or p.name.startswith(f"grading-{exercise}.shard-")]
    return sorted(found, key=lambda p: p.stat().st_mtime)


def merged(root: Path, exercise: str, own: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every file's entries, a newer file's entry winning and ``own`` winning over all; damaged files are skipped."""
    entries: dict[str, dict[str, Any]] = {}
    files = [p for p in state_files(root, exercise) if p != own] + ([own] if own and own.exists() else [])
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if isinstance(data, dict):
            entries.update({k: v for k, v in data.items() if isinstance(v, dict)})
    return entries


def load(root: Path, exercise: str, shard: str | None = None) -> tuple[dict[str, dict[str, Any]], str]:
    """The state (learner to entry) and a warning when the file was damaged and set aside."""
    path = state_path(root, exercise, shard)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise ValueError("not an object of learner entries")
        return data, ""
    except FileNotFoundError:
        return {}, ""
    except (ValueError, UnicodeDecodeError) as error:
        aside = path.with_name(f"{path.name}.damaged-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}")
        os.replace(path, aside)
        return {}, (f"the resume state {path} was damaged ({str(error)[:80]}); it was moved to {aside.name} and "
                    "every submission the gradebook has no grades for is graded again")


@dataclass(frozen=True)
class Decision:
    """Whether to grade a submission now, and why (shown when it is not obvious)."""

    grade: bool
    why: str = ""


def decide(entry: dict[str, Any] | None, sha: str, in_gradebook: bool, force: bool) -> Decision:
    """Grade or skip one submission, given its last entry, its hash now and whether the gradebook has its grades."""
    if force or entry is None or entry.get("hash") != sha:
        return Decision(True)
    attempts = int(entry.get("attempts", 1))
    status = entry.get("status")
    if status == IN_PROGRESS:
        if attempts >= MAX_ATTEMPTS:
            return Decision(False, f"the grading run stopped {attempts} times while grading it; not tried again "
                                   "(use --force)")
        return Decision(True, "the last run stopped while grading it")
    if status == "failed":
        if entry.get("retry") and attempts < MAX_ATTEMPTS:
            return Decision(True, "its last failure was the run's, not the notebook's")
        return Decision(False)
    if status == "graded" and not in_gradebook:
        return Decision(True, "the gradebook in use has no grades for it")
    return Decision(False)


class ResumeState:
    """The resume state of one exercise, saved atomically after every change."""

    def __init__(self, root: Path, exercise: str, shard: str | None = None) -> None:
        self.path = state_path(root, exercise, shard)
        self.entries, self.warning = load(root, exercise, shard)
        #: What other runs (the whole run, other shards) recorded; read to decide, never written back.
        self.others = {k: v for k, v in merged(root, exercise, own=self.path).items() if k not in self.entries}

    def previous(self, learner: str) -> dict[str, Any] | None:
        """The last entry of ``learner``: this run's own file first, then any other run's."""
        return self.entries.get(learner) or self.others.get(learner)

    def start(self, learner: str, sha: str) -> None:
        """Mark a submission as being graded, before it is dispatched."""
        previous = self.entries.get(learner) or {}
        same = previous.get("hash") == sha and (previous.get("status") == IN_PROGRESS or previous.get("retry"))
        self.entries[learner] = {"hash": sha, "status": IN_PROGRESS, "score": None, "max_score": None,
                                 "seconds": None, "reason": "", "attempts": int(previous.get("attempts", 0)) + 1
                                 if same else 1}
        self.save()

    def finish(self, learner: str, sha: str, status: str, score: float | None, max_score: float | None,
               seconds: float, reason: str = "", retry: bool = False) -> None:
        """Record how a submission fared; ``retry`` marks a failure the run caused, to be tried again."""
        attempts = int((self.entries.get(learner) or {}).get("attempts", 1))
        self.entries[learner] = {"hash": sha, "status": status, "score": score, "max_score": max_score,
                                 "seconds": round(seconds, 2), "reason": reason, "retry": retry,
                                 "attempts": attempts}
        self.save()

    def abandon(self, learners: list[str]) -> None:
        """Forget the in-progress marks of submissions an interrupted run did not finish: not their fault."""
        for learner in learners:
            entry = self.entries.get(learner)
            if entry and entry.get("status") == IN_PROGRESS:
                attempts = int(entry.get("attempts", 1)) - 1
                if attempts <= 0:
                    del self.entries[learner]
                else:
                    entry["attempts"] = attempts
        self.save()

    def save(self) -> None:
        """Write the state so that a kill mid-write leaves the previous file whole."""
        from pmkit.files import write_json_atomic

        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.path, self.entries, mode=0o600)  # scores and reasons: the grader's eyes only
