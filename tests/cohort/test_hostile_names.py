"""Names a learner or a roster can carry that must never act: terminal escapes in a submitted file's name, spreadsheet
formulas in an export, markup in a roster, and a Moodle upload named after a classmate.
"""

from __future__ import annotations

import csv
import shutil

import pytest

from pmkit.cohort.folder import read_roster
from pmkit.errors import PmkitError
from pmkit.textio import FORMULA_STARTS
from tests.conftest import REPO, ROSTER_HEADER, copy_cohort, new_cohort, pmkit_cli

pytestmark = pytest.mark.slow
EX = "prd"
RELEASE = REPO / "exercises" / EX / f"{EX}.ipynb"
SOLUTION = REPO / "solutions" / EX / f"{EX}.ipynb"
ROSTER = [("farah", "Farah", "Khan"), ("zoey", "Zoey", "Lee")]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return new_cohort(tmp_path_factory.mktemp("names"), ROSTER).root


@pytest.fixture
def cohort(template, tmp_path):
    return copy_cohort(template, tmp_path / "cohort")


def _filed(cohort, learner):
    return cohort.root / "submitted" / learner / EX / f"{EX}.ipynb"


def test_terminal_escapes_in_a_file_name_are_printed_escaped(cohort, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(RELEASE, subs / "zoey.ipynb")
    shutil.copy(RELEASE, subs / "\x1b[2J\x1b]0;owned\x07mallory\u202e.ipynb")  # clear screen, retitle, flip text
    shutil.copy(RELEASE, subs / "notes\x1b[31m.txt")
    done = pmkit_cli("collect", subs, "--exercise", EX, "--cohort", cohort.root)
    assert done.returncode == 1 and "collected 1: zoey" in done.stdout, done.stdout + done.stderr
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout and "\u202e" not in done.stdout
    assert "\\x1b[2J\\x1b]0;owned\\x07mallory\\u202e.ipynb" in done.stdout and "notes\\x1b[31m.txt" in done.stdout


def test_a_moodle_upload_named_after_a_classmate_is_refused_not_filed(cohort, tmp_path):
    subs = tmp_path / "subs"
    farah = subs / "Farah Khan_55_assignsubmission_file_"
    farah.mkdir(parents=True)
    shutil.copy(RELEASE, farah / "prd.ipynb")  # Farah's own, blank
    mallory = subs / "Mallory Evil_99_assignsubmission_file_"  # enrolled in Moodle, not on the roster
    (mallory / "farah").mkdir(parents=True)
    shutil.copy(SOLUTION, mallory / "farah" / "prd.ipynb")
    shutil.copy(SOLUTION, mallory / "Farah Khan_55_assignsubmission_file_prd.ipynb")
    shutil.copy(SOLUTION, subs / "Mallory Evil_99_assignsubmission_file_farah.ipynb")  # Moodle's flat layout
    zoey = subs / "Zoey Lee_77_assignsubmission_file_"
    zoey.mkdir()
    shutil.copy(SOLUTION, zoey / "farah.ipynb")  # a roster learner's upload named for a classmate
    report = cohort.collect(subs, EX)
    assert report.collected == ["farah"] and report.failed, report.lines()
    assert _filed(cohort, "farah").read_bytes() == RELEASE.read_bytes()  # hers, whatever the others named theirs
    assert not _filed(cohort, "zoey").exists()
    refused = "\n".join(report.refused)
    for name in ("farah/prd.ipynb", "Farah Khan_55_assignsubmission_file_prd.ipynb",
                 "Mallory Evil_99_assignsubmission_file_farah.ipynb"):
        assert f"{name}: is inside 'Mallory Evil''s (not on the roster) Moodle submission (participant 99) but " \
               "is named for farah" in refused, refused
    assert "farah.ipynb: is inside zoey's Moodle submission (participant 77) but is named for farah" in refused
    done = pmkit_cli("collect", subs, "--exercise", EX, "--cohort", cohort.root)
    assert done.returncode == 1 and "never files a notebook under another learner" in done.stdout


def test_two_moodle_participants_with_one_roster_name_file_nothing(cohort, tmp_path):
    subs = tmp_path / "subs"
    for number, source in (("55", RELEASE), ("66", SOLUTION)):  # someone renamed themselves "Farah Khan"
        folder = subs / f"Farah Khan_{number}_assignsubmission_file_"
        folder.mkdir(parents=True)
        shutil.copy(source, folder / "prd.ipynb")
    report = cohort.collect(subs, EX)
    assert report.collected == [] and report.failed and not _filed(cohort, "farah").exists()
    assert all("Moodle participants 55 and 66 both match 'farah'" in line for line in report.refused)
    assert len(report.refused) == 2


@pytest.mark.parametrize("name", ["<img src=x onerror=alert(1)>", "Ana<script>", "x\x1b[2J"])
def test_a_roster_name_with_markup_or_control_characters_is_refused_by_line(tmp_path, name):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER_HEADER + "ana,Ana,Lopez,\n" + f'bo,"{name}",Diaz,\n', encoding="utf-8")
    with pytest.raises(PmkitError) as refused:
        read_roster(path)
    assert "line 3: first_name" in str(refused.value) and "nothing was imported" in str(refused.value)
    assert "\x1b" not in str(refused.value)


FORMULAS = [("ana", '=HYPERLINK("http://example.org/x","click")', "@SUM(A1:A9)"),
            ("bo", "+1+cmd|' /C calc'!A0", "-2+3"), ("di", "Dee", "O'Neil")]


def test_spreadsheet_formulas_in_names_are_neutralised_in_every_csv(tmp_path):
    from pmkit.cohort.folder import Cohort
    from pmkit.grading.gradebook import gradebook

    roster = tmp_path / "roster.csv"
    with open(roster, "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([["id", "first_name", "last_name", "email"],
                                      *([*row, ""] for row in FORMULAS)])
    cohort = Cohort.init(tmp_path / "c", roster)
    cohort.release(EX)
    with gradebook(cohort.db_url) as book:  # tab and CR reach names through nbgrader's own tools, not the roster
        book.update_or_create_student("cy", first_name="\tTab", last_name="\rReturn")
    outputs = []
    for lms in ("canvas", "moodle"):
        out = tmp_path / f"{lms}.csv"
        done = pmkit_cli("export", "--lms", lms, "--out", out, "--cohort", cohort.root)
        assert done.returncode == 0, done.stderr
        outputs.append(out)
    done = pmkit_cli("report", "--cohort", cohort.root, "--out", tmp_path / "reports")
    assert done.returncode == 0, done.stderr
    outputs += sorted((tmp_path / "reports").glob("*.csv"))
    cells = []
    for path in outputs:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            cells += [cell for row in csv.reader(stream) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)], cells
    assert "'=HYPERLINK(\"http://example.org/x\",\"click\")" in cells and "'@SUM(A1:A9)" in cells
    assert "'-2+3" in cells and "'\tTab" in cells and "O'Neil" in cells
