"""The graded exercises: their data, the checks their test cells call, and the feedback those give.

Holds ``catalog`` (each exercise's data, constants and questions), ``checks`` (the
check kinds test cells call) and what the checks are built on: ``outcomes`` (correct, incorrect, not
attempted, partial), ``values`` (answers as plain values) and ``hints`` (hints and model
solutions). May import ``pmkit``'s core, ``review`` and ``teach``; never grading,
runs or cohorts. Flow: a test cell loads data from ``catalog`` -> calls a ``checks`` function on the
learner's plain answers -> gets correct, incorrect (with where and a hint), partial or not attempted.

Exercise notebooks write ``exercises.load_data(...)`` after ``from pmkit import exercises``: those
names are the catalog's, loaded on first use (the same re-export as ``pmkit``'s own). A submodule
shadows a catalog name of its own name once imported, so no submodule is named like one
(``questions`` is the catalog's function).
"""

from __future__ import annotations

import importlib
from typing import Any


_SUBMODULES = ("catalog", "checks", "hints", "outcomes", "values")


def __getattr__(name: str) -> Any:
    """``exercises.load_data``, ``exercises.CAPACITY``, ...: the catalog's public names (and the submodules)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if not name.startswith("_"):
        catalog = importlib.import_module("pmkit.exercises.catalog")
        if hasattr(catalog, name):
            return getattr(catalog, name)
    raise AttributeError(f"module 'pmkit.exercises' has no attribute {name!r}")
