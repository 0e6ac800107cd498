"""Shared fixtures: paths of the repository and copies of the data that tests may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
COURSE = REPO / "course"


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of datasets/ that pmkit reads instead of the real one."""
    target = tmp_path / "datasets"
    shutil.copytree(REPO / "datasets", target)
    monkeypatch.setenv("PMKIT_DATASETS", str(target))
    return target / "roles"
