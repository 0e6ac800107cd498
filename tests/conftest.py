"""Shared fixtures: paths of the repository and copies of the data that tests may break."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
COURSE = REPO / "course"
#: Debian's Chromium, driven by Playwright in the browser tests (.ci/run installs it; no `playwright install`).
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _private_progress(tmp_path_factory, monkeypatch):
    """Every test's `pmkit check` and quizzes record progress in a scratch file, never the developer's own."""
    if "PMKIT_PROGRESS" not in os.environ:
        monkeypatch.setenv("PMKIT_PROGRESS", str(tmp_path_factory.mktemp("progress") / "progress.json"))


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of datasets/ that pmkit reads instead of the real one."""
    target = tmp_path / "datasets"
    shutil.copytree(REPO / "datasets", target)
    monkeypatch.setenv("PMKIT_DATASETS", str(target))
    return target / "roles"


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, for the browser tests of JupyterLab and of the hub."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"])
        yield chromium
        chromium.close()
