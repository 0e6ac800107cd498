"""pmkit.files: an atomic write leaves the old file or the new one, with the mode open() would give it."""

from __future__ import annotations

import os
import stat

import pytest

from pmkit import files


def test_an_atomic_write_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "state.json"
    target.write_text("old", encoding="utf-8")
    files.write_json_atomic(target, {"b": 1, "a": [2]})
    assert target.read_text(encoding="utf-8") == '{\n "a": [\n  2\n ],\n "b": 1\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_failed_write_keeps_the_previous_file(tmp_path):
    target = tmp_path / "deadlines.json"
    target.write_text("previous", encoding="utf-8")

    def chunks():
        yield b"half"
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        files.write_bytes_atomic(target, chunks())
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["deadlines.json"]


def test_written_files_get_the_mode_of_the_umask_not_mkstemps_0600(tmp_path):
    previous = os.umask(0o022)
    try:
        path = files.write_text_atomic(tmp_path / "timestamp.txt", "2026-12-01 10:00:00.000000 UTC")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_the_digest_is_the_sha256_of_the_bytes(tmp_path):
    import hashlib

    path = tmp_path / "nb.ipynb"
    path.write_bytes(b"x" * (3 << 20))
    assert files.file_digest(path) == hashlib.sha256(b"x" * (3 << 20)).hexdigest()
