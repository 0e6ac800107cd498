"""`pmkit collect` on submissions as instructors really get them, and on hostile or broken ones.

Real cohorts, real gradebooks, real files; the assertions read what the operator is told and
what lands in ``submitted/``. No grading here (test_cohort.py grades).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from pmkit.cohort.collect import read_timestamp
from pmkit.cohort.folder import Cohort
from pmkit.errors import PmkitError
from tests.conftest import REPO, copy_cohort, new_cohort, pmkit_cli, tmpfs, write_roster

EX = "prd"
RELEASE = REPO / "exercises" / EX / f"{EX}.ipynb"
OTHER = REPO / "exercises" / "beta-metrics" / "beta-metrics.ipynb"
ROSTER = [("Chen.Wei", "Wei", "Chen"), ("farah", "Farah", "Khan"), ("jsmith", "John", "Smith"),
          ("zoey", "Zoey", "Lee"), ("nobody", "No", "Body")]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return new_cohort(tmp_path_factory.mktemp("template"), ROSTER, email="{lower}@example.org").root


@pytest.fixture
def cohort(template, tmp_path):
    """A fresh cohort per test: a copy of one made once (cohort folders are relocatable)."""
    return copy_cohort(template, tmp_path / "cohort")


def _filed(cohort, learner):
    return cohort.root / "submitted" / learner / EX / f"{EX}.ipynb"


def _at(path, when):
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_real_file_names_are_matched_and_the_rest_named(cohort, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(RELEASE, subs / "chen.wei.ipynb")                                # case differs
    shutil.copy(RELEASE, subs / "farah (1).ipynb")                               # a browser's second copy
    shutil.copy(RELEASE, subs / "smithjohn_LATE_123_456_prd-1.ipynb")            # Canvas, late, resubmitted
    (subs / "Zoey Lee_77_assignsubmission_file_").mkdir()                        # Moodle, as folders
    shutil.copy(RELEASE, subs / "Zoey Lee_77_assignsubmission_file_" / "prd.ipynb")
    shutil.copy(RELEASE, subs / "zoe.ipynb")                                     # nobody: did you mean
    report = cohort.collect(subs, EX)
    assert sorted(report.collected) == ["Chen.Wei", "farah", "jsmith", "zoey"]
    assert report.unknown == ["zoe.ipynb"] and report.missing == ["nobody"]
    text = "\n".join(report.lines())
    assert "zoe.ipynb: no learner 'zoe' on the roster; did you mean 'zoey'?" in text
    assert "no submission from: nobody" in text
    assert "'chen.wei' taken as 'Chen.Wei'" in text and "'smithjohn' is the roster name of 'jsmith'" in text
    for learner in report.collected:
        assert _filed(cohort, learner).read_bytes() == RELEASE.read_bytes()
    assert report.failed  # zoe.ipynb was not filed: the command exits non-zero


def test_moodle_flat_names_and_one_folder_per_learner(cohort, tmp_path):
    subs = tmp_path / "subs"
    (subs / "farah").mkdir(parents=True)
    shutil.copy(RELEASE, subs / "farah" / "prd.ipynb")                            # one folder per learner
    (subs / "Chen.Wei" / "prd").mkdir(parents=True)
    shutil.copy(RELEASE, subs / "Chen.Wei" / "prd" / "prd.ipynb")                 # nbgrader's own layout
    shutil.copy(RELEASE, subs / "John Smith_12_assignsubmission_file_my answers.ipynb")  # Moodle, flat
    report = cohort.collect(subs, EX)
    assert sorted(report.collected) == ["Chen.Wei", "farah", "jsmith"], report.lines()
    assert not report.failed


def test_an_ambiguous_name_is_not_guessed():
    from pmkit.cohort.collect import Matcher, Person

    matcher = Matcher([Person("jsmith", "John", "Smith"), Person("jsmith2", "John", "Smith"),
                       Person("ann", "Ann", "Lee")], EX)
    assert matcher.match("John Smith_12_assignsubmission_file_prd.ipynb") == (
        None, "John Smith_12_assignsubmission_file_prd.ipynb: 'John Smith' matches several learners (jsmith, "
              "jsmith2); rename the file to the learner's id")
    assert matcher.match("leeann_5_6_prd.ipynb")[0] == "ann"  # Canvas' sortable name, last name first


def test_newer_wins_within_a_source_and_across_collects(cohort, tmp_path):
    old, new = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(OTHER.with_name("beta-metrics.ipynb"), subs / "farah.ipynb")      # wrong exercise, newest
    _at(subs / "farah.ipynb", new + dt.timedelta(hours=1))
    _at(shutil.copy(RELEASE, subs / "farah (1).ipynb"), new)                     # the right one
    report = cohort.collect(subs, EX)
    assert report.collected == ["farah"]
    assert any("farah.ipynb: is the 'beta-metrics' exercise's notebook, not 'prd'" in r for r in report.refused)
    assert read_timestamp(_filed(cohort, "farah").parent) == new
    assert (_filed(cohort, "farah").parent / "timestamp.txt").read_text().startswith("2026-03-02 09:00:00.000000 UTC")

    archive = tmp_path / "older.zip"  # an older download collected after the newer one
    with zipfile.ZipFile(archive, "w") as zipped:
        info = zipfile.ZipInfo("farah.ipynb", date_time=old.astimezone().timetuple()[:6])
        zipped.writestr(info, '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    second = cohort.collect(archive, EX)
    assert second.collected == [] and second.duplicates == ["farah.ipynb"]
    assert "the submission already filed (2026-03-02 09:00 UTC) is newer than farah.ipynb (2026-03-01 09:00 UTC)" \
        in "\n".join(second.lines())
    assert _filed(cohort, "farah").read_bytes() == RELEASE.read_bytes()


def test_unsafe_and_broken_files_are_refused_by_name(cohort, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    outside = tmp_path / "secret.ipynb"
    outside.write_text("{}", encoding="utf-8")
    (subs / "farah.ipynb").symlink_to(outside)
    (subs / "linked").symlink_to(tmp_path, target_is_directory=True)
    shutil.copy(RELEASE, subs / "zoey.ipynb")
    report = cohort.collect(subs, EX)
    assert report.collected == ["zoey"]
    assert "farah.ipynb: is a symbolic link; links are not followed (copy the file itself in)" in report.refused
    assert any(r.startswith("linked: is a symbolic link to a folder") for r in report.refused)
    assert not _filed(cohort, "farah").exists()

    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("jsmith.ipynb", b" " * (30 * 1024 * 1024))                # a zip bomb: 30 MB of spaces
        zipped.writestr("farah.ipynb", RELEASE.read_bytes())
        link = zipfile.ZipInfo("Chen.Wei.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zipped.writestr(link, "/etc/passwd")
    data = bytearray(archive.read_bytes())  # damage farah's member: its CRC no longer matches
    start = data.find(RELEASE.read_bytes()[:0] + b"farah.ipynb") + len("farah.ipynb")
    data[start + 200] ^= 0xFF
    archive.write_bytes(bytes(data))
    report = cohort.collect(archive, EX)
    refused = "\n".join(report.refused)
    assert "jsmith.ipynb: expands 1,028 times in the zip" in refused and "a zip bomb?" in refused
    assert "Chen.Wei.ipynb: is a symbolic link inside the zip" in refused
    assert "farah.ipynb: is damaged in the zip" in refused
    assert report.collected == [] and not _filed(cohort, "jsmith").exists()


def _plots_notebook(path: Path, megabytes: int) -> Path:
    """The release with ``megabytes`` of embedded PNG output: big, legitimate and incompressible."""
    import base64
    import json

    nb = json.loads(RELEASE.read_text(encoding="utf-8"))
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    picture = base64.b64encode(os.urandom(megabytes * 3 * 2**18)).decode()  # 3/4 MB of bytes per MB of base64
    code["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": {"image/png": picture}}]
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_the_size_cap_is_an_option_the_refusal_names_and_bombs_stay_refused(cohort, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    _plots_notebook(subs / "zoey.ipynb", 21)
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(subs / "zoey.ipynb", "zoey.ipynb")
        zipped.writestr("farah.ipynb", b" " * (30 * 1024 * 1024))  # a bomb stays one, whatever the cap
    refused = pmkit_cli("collect", archive, "--exercise", EX, "--cohort", cohort.root)
    assert refused.returncode == 1 and "zoey.ipynb: 21.0 MB is over the 20.0 MB limit" in refused.stdout
    assert "--max-notebook-mb 22" in refused.stdout and not _filed(cohort, "zoey").exists()
    raised = pmkit_cli("collect", archive, "--exercise", EX, "--cohort", cohort.root, "--max-notebook-mb", "40")
    assert "collected 1: zoey" in raised.stdout, raised.stdout + raised.stderr
    assert "farah.ipynb: expands" in raised.stdout and "zip bomb" in raised.stdout and raised.returncode == 1
    assert _filed(cohort, "zoey").stat().st_size > 21 * 2**20 and not _filed(cohort, "farah").exists()
    helped = pmkit_cli("collect", "--help").stdout + pmkit_cli("grade", "--help").stdout
    assert helped.count("--max-notebook-mb MB") >= 2 and " ".join(helped.split()).count("in MB (default 20)") == 2


def test_a_zip_that_lies_about_its_sizes_is_cut_off(cohort, tmp_path, monkeypatch):
    from pmkit.cohort import collect

    monkeypatch.setattr(collect, "MAX_NOTEBOOK_BYTES", 1000)
    archive = tmp_path / "lying.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("zoey.ipynb", b"x" * 5000)
    raw = bytearray(archive.read_bytes())  # claim 10 bytes in both headers: the stream must still stop at the cap
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = raw.find(header)
        offset = 22 if header == b"PK\x03\x04" else 24
        raw[at + offset: at + offset + 4] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(raw))
    report = collect.file_submissions(archive, cohort.root / "submitted", EX, cohort.people(), max_bytes=1000)
    assert report.collected == [] and report.refused, report.lines()
    assert not _filed(cohort, "zoey").exists()


def test_an_encrypted_member_is_named(cohort, tmp_path):
    archive = tmp_path / "enc.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zoey.ipynb", RELEASE.read_bytes())
    raw = bytearray(archive.read_bytes())
    for header, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the "encrypted" flag bit
        at = raw.find(header)
        raw[at + offset] |= 0x1
    archive.write_bytes(bytes(raw))
    report = cohort.collect(archive, EX)
    assert report.refused == ["zoey.ipynb: is encrypted in the zip; download the submissions again without a "
                              "password"]


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MB tmpfs: a real full disk (skipped where mounting is not allowed)."""
    with tmpfs(tmp_path / "disk", "2m") as mount:
        yield mount


def test_a_full_disk_leaves_the_earlier_submission_whole(tiny_disk, tmp_path):
    roster = write_roster(tmp_path / "roster.csv", [("zoey", "Zoey", "Lee")], email="")
    cohort = Cohort.init(tiny_disk / "cohort", roster)
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(RELEASE, subs / "zoey.ipynb")
    assert cohort.collect(subs, EX).collected == ["zoey"]
    earlier = _filed(cohort, "zoey").read_bytes()
    (tiny_disk / "filler").write_bytes(b"\0" * (os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize
                                                - 4096))
    big = subs / "zoey.ipynb"
    big.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": "' + "y" * 400_000 + '"}',
                   encoding="utf-8")
    report = cohort.collect(subs, EX)
    assert report.collected == [] and report.failed
    assert "zoey.ipynb: could not be written" in report.refused[0] and "No space left on device" in report.refused[0]
    assert "the earlier submission is kept whole; free some disk space and collect again" in report.refused[0]
    assert _filed(cohort, "zoey").read_bytes() == earlier
    assert not list(_filed(cohort, "zoey").parent.glob(".*partial"))


_pmkit = pmkit_cli


def test_cli_exits_non_zero_when_files_were_refused_and_names_bad_sources(cohort, tmp_path, capsys):
    from pmkit.cli import main

    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(RELEASE, subs / "zoey.ipynb")
    ok = _pmkit("collect", subs, "--exercise", EX, "--cohort", cohort.root)  # the real command, exit code and all
    assert ok.returncode == 0 and "collected 1: zoey" in ok.stdout and "no submission from:" in ok.stdout
    shutil.copy(RELEASE, subs / "zoe-prd.ipynb")
    assert main(["collect", str(subs), "--exercise", EX, "--cohort", str(cohort.root)]) == 1
    assert "did you mean 'zoey'?" in capsys.readouterr().out
    truncated = tmp_path / "cut.zip"
    with zipfile.ZipFile(truncated, "w") as zipped:
        zipped.writestr("zoey.ipynb", RELEASE.read_bytes())
    truncated.write_bytes(truncated.read_bytes()[:-30])
    for source, expected in ((tmp_path / "nope", "no such file or folder"),
                             (RELEASE, "not a folder or a zip file of notebooks"),
                             (truncated, "cut.zip: not a folder or a zip file of notebooks (a damaged zip?")):
        assert main(["collect", str(source), "--exercise", EX, "--cohort", str(cohort.root)]) == 2
        err = capsys.readouterr().err
        assert expected in err and "Traceback" not in err


def test_a_missing_exchange_is_named(cohort):
    with pytest.raises(PmkitError, match=r"the exchange folder .*exchange does not exist"):
        cohort.collect_exchange(EX)
    assert Path(cohort.exchange) == cohort.root / "exchange"


def test_accented_names_from_a_zip_without_the_utf8_flag_are_read_as_written(tmp_path, monkeypatch):
    roster = write_roster(tmp_path / "r.csv", [("jgarcia", "José", "García"), ("olsen", "Åse", "Olsen")])
    cohort = Cohort.init(tmp_path / "c", roster)
    archive = tmp_path / "moodle.zip"
    # as many zippers write: UTF-8 bytes, but not the flag that says so (Python would then read cp437)
    monkeypatch.setattr(zipfile.ZipInfo, "_encodeFilenameFlags",
                        lambda self: (self.filename.encode("utf-8"), self.flag_bits & ~0x800))
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("José García_12_assignsubmission_file_prd.ipynb", RELEASE.read_bytes())
        zipped.writestr("Ase Olsen_13_assignsubmission_file_prd.ipynb", RELEASE.read_bytes())
    monkeypatch.undo()
    with zipfile.ZipFile(archive) as zipped:
        assert zipped.infolist()[0].filename.startswith("Jos├⌐")  # what Python alone makes of it (cp437)
    report = cohort.collect(archive, EX)
    assert report.collected == ["jgarcia", "olsen"], report.lines()
    assert "'José García' is the roster name of 'jgarcia'" in "\n".join(report.lines())


def test_did_you_mean_compares_names_too(cohort, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(RELEASE, subs / "Jon Smith_5_assignsubmission_file_prd.ipynb")
    report = cohort.collect(subs, EX)
    assert "no learner 'Jon Smith' on the roster; did you mean 'jsmith'?" in "\n".join(report.lines())


def test_an_accented_id_is_refused_with_what_to_write(tmp_path):
    path = write_roster(tmp_path / "r.csv", [("josé", "José", "García")])
    with pytest.raises(PmkitError, match=r"has 'é': an id is a login and a folder name.*'jose'"):
        Cohort.init(tmp_path / "c", path)
