"""`import pmkit` must not pull in the heavy libraries; timings live in benchmarks/import_time.py."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("altair", "pandas", "ipywidgets", "nbformat", "nbclient", "jsonschema")


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_import_pmkit_loads_nothing_heavy():
    assert set(HEAVY) & _loaded_after("import pmkit") == set()


def test_roles_and_widgets_modules_stay_light_until_used():
    loaded = _loaded_after("import pmkit.teach.roles, pmkit.teach.quiz, pmkit.teach.widgets, pmkit.teach.charts, "
                           "pmkit.cli")
    assert {"altair", "ipywidgets", "pandas"} & loaded == set()


def test_the_check_above_can_fail():
    assert "pandas" in _loaded_after("import pmkit.teach.roles; pmkit.teach.roles.salaries()")
