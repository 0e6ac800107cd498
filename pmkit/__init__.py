"""pmkit: role data, artifact reviewers, charts, widgets and grading tools for the APM vs JPM course.

The package is in layers, each a subpackage that imports only from the ones before it:
``pmkit`` (errors, paths, files, text, tables, notebooks, safe_html) < ``review`` < ``teach`` < ``exercises``
< ``grading`` < ``runs`` < ``cohort`` < ``hub`` < ``cli``; ``tests/test_layers.py`` enforces it.

What chapters and exercise notebooks type, ``from pmkit import display, roles, checks``, is the one
re-export: each name in :data:`LEARNER_NAMES` loads its module on first use, so ``import pmkit`` stays
cheap (pandas, altair and ipywidgets load only in the modules that need them). ``from pmkit import
exercises`` is the subpackage, whose ``exercises.load_data`` and the like are its catalog's.
"""

from __future__ import annotations

import importlib
from typing import Any

from pmkit.errors import DataError, PmkitError

__all__ = ["DataError", "PmkitError", "__version__"]
__version__ = "0.1.0"

#: The names notebooks import from ``pmkit``, and the module each one is.
LEARNER_NAMES = {
    "cases": "pmkit.teach.cases",
    "charts": "pmkit.teach.charts",
    "course": "pmkit.teach.content",
    "craft": "pmkit.teach.worked_examples",
    "display": "pmkit.teach.display",
    "glossary": "pmkit.teach.glossary",
    "progress": "pmkit.teach.progress",
    "roles": "pmkit.teach.roles",
    "tries": "pmkit.teach.pandas_tries",
    "turns": "pmkit.teach.turns",
    "widgets": "pmkit.teach.widgets",
    "prd": "pmkit.review.prd",
    "stories": "pmkit.review.stories",
    "checks": "pmkit.exercises.checks",
    "peer_review": "pmkit.exercises.peer_review",
}


#: Said when an older cohort's nbgrader_config.py (run by Formgrader or `nbgrader autograde`) imports a moved module.
OLD_COHORT_CONFIG = ("this cohort's nbgrader_config.py was written by an older pmkit and imports modules that have "
                     "moved; run `pmkit cohort upgrade --cohort <the cohort folder>` to rewrite it (the old one is "
                     "kept beside it)")


def __getattr__(name: str) -> Any:
    """Load a learner-facing module on first use (``from pmkit import roles``)."""
    if name in LEARNER_NAMES:
        module = importlib.import_module(LEARNER_NAMES[name])
        globals()[name] = module
        return module
    if name == "instructor_settings":  # the first import of every cohort config before the layout change
        raise ImportError(OLD_COHORT_CONFIG)
    raise AttributeError(f"module 'pmkit' has no attribute {name!r}")
