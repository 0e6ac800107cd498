"""Where the course's files live: the repository root, its datasets, course and exercises."""

from __future__ import annotations

import os
from pathlib import Path

from pmkit.errors import PmkitError

#: The repository root when pmkit runs from a checkout (``pip install -e .``, as ``make lab`` does).
REPO_ROOT = Path(__file__).resolve().parent.parent


def datasets_dir() -> Path:
    """The ``datasets/`` folder; ``PMKIT_DATASETS`` overrides it (tests point it at broken copies)."""
    override = os.environ.get("PMKIT_DATASETS")
    path = Path(override) if override else REPO_ROOT / "datasets"
    if not path.is_dir():
        raise PmkitError(
            f"{path}: the datasets folder is missing. pmkit reads its data from the course "
            "repository: install it from a checkout with `make lab` (or `pip install -e .`), "
            "or set PMKIT_DATASETS to the folder that holds roles/."
        )
    return path
