"""The resume state's rules, and writers that never share a temporary file (fast: no grading)."""

from __future__ import annotations

import json
import multiprocessing as mp

from pmkit.runs.resume import IN_PROGRESS, MAX_ATTEMPTS, ResumeState, decide, load


def _entry(status, attempts=1, retry=False, sha="h"):
    return {"hash": sha, "status": status, "attempts": attempts, "retry": retry}


def test_what_is_graded_again_and_what_is_not():
    assert decide(None, "h", False, False).grade
    assert decide(_entry("graded", sha="old"), "h", True, False).grade                    # changed
    assert not decide(_entry("graded"), "h", True, False).grade                           # unchanged
    assert decide(_entry("graded"), "h", True, True).grade                                # --force
    assert decide(_entry("graded"), "h", False, False).why == "the gradebook in use has no grades for it"
    assert not decide(_entry("failed"), "h", False, False).grade                          # the notebook's fault
    assert decide(_entry("failed", retry=True), "h", False, False).grade                  # the run's fault
    assert not decide(_entry("failed", MAX_ATTEMPTS, retry=True), "h", False, False).grade
    assert decide(_entry(IN_PROGRESS), "h", False, False).why == "the last run stopped while grading it"
    stuck = decide(_entry(IN_PROGRESS, MAX_ATTEMPTS), "h", False, False)
    assert not stuck.grade and "not tried again (use --force)" in stuck.why


def test_attempts_count_only_the_same_submission_and_an_interrupt_forgets_its_mark(tmp_path):
    state = ResumeState(tmp_path, "prd")
    state.start("ann", "h1")
    state.start("ann", "h1")  # the run died while grading it, and it is tried again
    assert state.entries["ann"]["attempts"] == 2
    state.finish("ann", "h1", "graded", 7, 7, 1.0)
    state.start("ann", "h2")  # a new submission starts from one
    assert state.entries["ann"]["attempts"] == 1
    state.abandon(["ann"])  # Ctrl-C: not the submission's fault
    assert "ann" not in ResumeState(tmp_path, "prd").entries


def test_a_damaged_file_is_set_aside_not_a_stop(tmp_path):
    path = tmp_path / ".pmkit" / "grading-prd.json"
    path.parent.mkdir()
    path.write_text('{"ann": {"hash": "h", "sta', encoding="utf-8")
    entries, warning = load(tmp_path, "prd")
    assert entries == {} and "was damaged" in warning and not path.exists()
    assert len(list(path.parent.glob("grading-prd.json.damaged-*"))) == 1


def _hammer(root, name, rounds):
    state = ResumeState(root, "prd")
    for i in range(rounds):
        state.finish(f"{name}{i % 5}", "h", "graded", 1, 1, 0.1)


def test_two_writers_never_leave_a_broken_file(tmp_path):
    context = mp.get_context("fork")
    writers = [context.Process(target=_hammer, args=(tmp_path, name, 300)) for name in ("a", "b")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    assert [w.exitcode for w in writers] == [0, 0]
    json.loads((tmp_path / ".pmkit" / "grading-prd.json").read_text(encoding="utf-8"))
    assert not list((tmp_path / ".pmkit").glob("*.tmp"))
