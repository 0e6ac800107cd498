"""pmkit.files: an atomic write leaves the old file or the new one, with the mode open() would give it."""

from __future__ import annotations

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


def test_written_files_get_the_mode_open_would_give_them_or_the_one_asked_for(tmp_path):
    path = files.write_text_atomic(tmp_path / "timestamp.txt", "2026-12-01 10:00:00.000000 UTC")
    with open(tmp_path / "plain.txt", "w") as stream:
        stream.write("x")
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode)
    private = files.write_json_atomic(tmp_path / "grading-prd.json", {}, mode=0o600)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_the_digest_is_the_sha256_of_the_bytes(tmp_path):
    import hashlib

    path = tmp_path / "nb.ipynb"
    path.write_bytes(b"x" * (3 << 20))
    assert files.file_digest(path) == hashlib.sha256(b"x" * (3 << 20)).hexdigest()


def test_open_regular_refuses_a_pipe_without_waiting_and_a_link_when_told(tmp_path):
    import os

    pipe = tmp_path / "notebook.ipynb"
    os.mkfifo(pipe)
    with pytest.raises(OSError, match="not a regular file"):
        files.open_regular(pipe)  # a plain open() would wait here for a writer forever
    real = tmp_path / "real.ipynb"
    real.write_bytes(b"{}")
    link = tmp_path / "link.ipynb"
    link.symlink_to(real)
    with files.open_regular(link) as stream:
        assert stream.read() == b"{}"
    with pytest.raises(OSError):
        files.open_regular(link, follow_links=False)
    with pytest.raises(IsADirectoryError):
        files.open_regular(tmp_path)


@pytest.mark.parametrize("seconds", [10**15, -(10**15), 1e300, -1.0])
def test_file_time_clamps_any_mtime_a_learner_sets(seconds):
    import datetime as dt

    when = files.file_time(seconds)
    assert dt.datetime.fromtimestamp(0, dt.UTC) <= when <= dt.datetime.now(dt.UTC)
