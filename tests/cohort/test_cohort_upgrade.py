"""A cohort made before pmkit moved into subpackages: refused with a sentence, then upgraded by one command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pmkit.cohort.folder import CONFIG_FILE, Cohort
from pmkit.errors import PmkitError
from tests.conftest import new_cohort, pmkit_cli

#: The nbgrader_config.py `pmkit cohort init` wrote before the layout change (verbatim, from git history).
OLD_CONFIG = '''"""nbgrader configuration of this cohort, written by `pmkit cohort init`."""

import os

from pmkit import instructor_settings
from pmkit.cohort import cohort_settings
from pmkit.grading import apply_course_settings

c = get_config()  # noqa: F821 - provided by nbgrader
apply_course_settings(c)
# Paths are relative to this folder: a copied or moved cohort uses its own gradebook and exchange.
c.CourseDirectory.root, c.CourseDirectory.db_url, c.Exchange.root = cohort_settings(
    os.path.dirname(os.path.abspath(__file__)))

# The cohort's late policy, pmkit's feedback pages for Formgrader's button, offline Formgrader.
instructor_settings.configure(c, os.path.dirname(os.path.abspath(__file__)))
'''


@pytest.fixture
def old_cohort(tmp_path):
    cohort = new_cohort(tmp_path, ["ana"])
    new = (cohort.root / CONFIG_FILE).read_text(encoding="utf-8")
    (cohort.root / CONFIG_FILE).write_text(OLD_CONFIG, encoding="utf-8")
    return cohort.root, new


def test_an_old_cohort_is_refused_with_the_command_that_updates_it(old_cohort):
    root, _ = old_cohort
    with pytest.raises(PmkitError, match=r"older pmkit .* `pmkit cohort upgrade --cohort"):
        Cohort(root)
    done = pmkit_cli("report", "--cohort", root, cwd=root)
    assert done.returncode == 2 and "pmkit cohort upgrade" in done.stderr and "Traceback" not in done.stderr
    # nbgrader's own tools (Formgrader, `nbgrader autograde`) load the config themselves: they say the same
    listed = subprocess.run([sys.executable, "-m", "nbgrader", "db", "student", "list"], capture_output=True,
                            text=True, cwd=root, check=False)
    assert "pmkit cohort upgrade" in listed.stdout + listed.stderr  # nbgrader logs a config error, then goes on


def test_upgrade_rewrites_the_config_keeps_the_old_one_and_the_cohort_works_again(old_cohort):
    root, new = old_cohort
    done = pmkit_cli("cohort", "upgrade", "--cohort", root, cwd=root)
    assert done.returncode == 0, done.stderr
    assert (root / CONFIG_FILE).read_text(encoding="utf-8") == new
    assert (root / f"{CONFIG_FILE}.old").read_text(encoding="utf-8") == OLD_CONFIG
    assert Cohort(root).learner_ids() == ["ana"]
    again = pmkit_cli("cohort", "upgrade", "--cohort", root, cwd=root)
    assert again.returncode == 0 and "already current" in again.stdout
    # nbgrader itself loads the rewritten config (Formgrader and `nbgrader autograde` read it)
    listed = subprocess.run([sys.executable, "-m", "nbgrader", "db", "student", "list"], capture_output=True,
                            text=True, cwd=root, check=False)
    assert listed.returncode == 0 and "ana" in listed.stdout, listed.stderr


def test_an_edited_config_is_not_overwritten(old_cohort):
    root, _ = old_cohort
    (root / CONFIG_FILE).write_text("c = get_config()  # noqa\n# my own settings\n", encoding="utf-8")
    done = pmkit_cli("cohort", "upgrade", "--cohort", root, cwd=root)
    assert done.returncode == 2 and "by hand" in done.stderr
    assert "my own settings" in (root / CONFIG_FILE).read_text(encoding="utf-8")
