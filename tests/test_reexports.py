"""What notebooks type, `from pmkit import roles` and `exercises.load_data`, resolves through the one re-export."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys

from tests.conftest import REPO

NOTEBOOKS = sorted([*REPO.glob("course/*.ipynb"), *REPO.glob("solutions/*/*.ipynb"), *REPO.glob("exercises/*/*.ipynb")])
IMPORT = re.compile(r"^\s*from pmkit import (?P<names>[^\n#]+)", re.M)


def _uses() -> dict[str, set[str]]:
    """Each name notebooks import from pmkit (by its local alias) and the attributes they read from it."""
    uses: dict[str, set[str]] = {}
    for path in NOTEBOOKS:
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "code")
        for match in IMPORT.finditer(code):
            for item in match.group("names").split(","):
                name, _, alias = item.strip().partition(" as ")
                local = alias.strip() or name.strip()
                attrs = set(re.findall(rf"\b{re.escape(local)}\.([A-Za-z_]\w*)", code))
                uses.setdefault(name.strip(), set()).update(attrs)
    return uses


def test_every_name_and_attribute_notebooks_use_resolves():
    uses = _uses()
    assert {"display", "roles", "checks", "exercises"} <= set(uses)
    pmkit = importlib.import_module("pmkit")
    missing = [f"pmkit.{name}.{attr}" for name, attrs in uses.items() for attr in sorted(attrs)
               if not hasattr(getattr(pmkit, name), attr)]
    assert not missing, f"notebooks use names the re-export does not give: {missing}"


def test_the_exercises_subpackage_gives_its_submodules_and_its_catalog():
    done = subprocess.run([sys.executable, "-c", "import pmkit.exercises as e, sys\n"
                           "print(e.catalog.__name__, e.checks.__name__, e.CAPACITY, 'pandas' in sys.modules)"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split()[:3] == ["pmkit.exercises.catalog", "pmkit.exercises.checks", "30"]


def test_importing_pmkit_loads_no_learner_module_until_one_is_used():
    done = subprocess.run([sys.executable, "-c", "import pmkit, sys\n"
                           "print(sorted(m for m in sys.modules if m.startswith('pmkit')))"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['pmkit', 'pmkit.errors']"
