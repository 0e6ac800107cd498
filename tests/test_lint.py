"""The code is ruff-clean: a lint failure is a test failure, so `make test` catches it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is not installed; `make test` installs it with the test extras"
    done = subprocess.run([ruff, "check", "pmkit", "tests", "benchmarks", "datasets", "deploy"], cwd=REPO,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_stored_notebooks_are_clean_by_the_cli():
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "notebooks", "clean", "--check", "course"],
                          cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
