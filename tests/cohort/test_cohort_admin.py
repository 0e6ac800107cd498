"""A cohort's own copy of the answer key, updated only when asked, and instructors added after init."""

from __future__ import annotations

import json
import shutil

import pytest

from pmkit.cohort import folder
from pmkit.errors import PmkitError
from tests.conftest import REPO, new_cohort, pmkit_cli


def test_a_cohort_grades_with_its_own_copy_of_the_solutions(tmp_path, monkeypatch):
    cohort = new_cohort(tmp_path, ["ana"])
    assert cohort.solutions.is_dir() and not cohort.solutions.is_symlink()
    assert folder.solution_digests(cohort.solutions) == folder.solution_digests(REPO / "solutions")

    checkout = tmp_path / "checkout"  # the checkout, edited mid-course
    shutil.copytree(REPO / "solutions", checkout / "solutions")
    edited = checkout / "solutions" / "prd" / "prd.ipynb"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Success metrics", "Success measures", 1),
                      encoding="utf-8")
    monkeypatch.setattr(folder, "REPO_ROOT", checkout)
    assert folder.solution_digests(cohort.solutions) == folder.solution_digests(REPO / "solutions")  # untouched
    assert cohort.update_solutions() == ["prd"]
    assert folder.solution_digests(cohort.solutions)["prd"] == folder.solution_digests(checkout / "solutions")["prd"]
    assert cohort.update_solutions() == []


def test_an_old_cohort_with_a_link_gets_its_own_copy(tmp_path):
    cohort = new_cohort(tmp_path, ["ana"])
    shutil.rmtree(cohort.solutions)
    cohort.solutions.symlink_to(REPO / "solutions", target_is_directory=True)  # as pmkit made it before
    done = pmkit_cli("cohort", "solutions", "--cohort", cohort.root)
    assert done.returncode == 0 and "nothing changed" in done.stdout, done.stderr
    assert cohort.solutions.is_dir() and not cohort.solutions.is_symlink()


def test_instructors_are_added_and_removed_after_init(tmp_path):
    cohort = new_cohort(tmp_path, ["ana"], instructors=("maria",))
    done = pmkit_cli("cohort", "instructors", "--add", "tom,lee", "--remove", "maria", "--cohort", cohort.root)
    assert done.returncode == 0 and "instructors: tom, lee" in done.stdout, done.stderr
    settings = json.loads((cohort.root / "pmkit-cohort.json").read_text(encoding="utf-8"))
    assert settings["instructors"] == ["tom", "lee"]
    with pytest.raises(PmkitError, match="on the roster as a learner"):
        cohort.set_instructors(["ANA"], [])
    with pytest.raises(PmkitError, match="not an instructor"):
        cohort.set_instructors([], ["nobody"])
    bad = pmkit_cli("cohort", "instructors", "--add", "<b>x</b>", "--cohort", cohort.root)
    assert bad.returncode == 2 and "instructor name" in bad.stderr
