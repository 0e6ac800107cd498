"""The package's floor plan: every module sits in a layer and imports nothing from a layer above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pmkit import LEARNER_NAMES
from tests.conftest import REPO

PACKAGE = REPO / "pmkit"
#: Lowest first. A module may import from its own layer and the ones before it, never after.
LAYERS = ("core", "review", "teach", "exercises", "grading", "runs", "cohort", "hub", "cli")
CORE = {"__init__", "errors", "paths", "files", "textio", "tables", "notebooks", "operator_errors", "safe_html"}


def layer_of(module: str) -> str:
    """The layer of a dotted pmkit module name (``pmkit.grading.engine`` is in ``grading``)."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in CORE:
        return "core"
    if parts[1] == "cli":
        return "cli"
    return parts[1]


def module_name(path: Path) -> str:
    """``pmkit/grading/engine.py`` -> ``pmkit.grading.engine`` (a package's ``__init__`` is the package)."""
    parts = path.with_suffix("").parts
    parts = parts[len(parts) - 1 - parts[::-1].index("pmkit"):]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def pmkit_imports(path: Path) -> list[tuple[int, str]]:
    """Every pmkit module ``path`` imports, at the top or inside a function, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base
                                                                                                  else []))
            if base == "pmkit" or base.startswith("pmkit."):
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    if base == "pmkit" and alias.name in LEARNER_NAMES:  # the re-export: what it really loads
                        candidate = LEARNER_NAMES[alias.name]
                    is_module = (REPO / Path(*candidate.split("."))).with_suffix(".py").exists() or \
                        (REPO / Path(*candidate.split("."))).is_dir()
                    found.append((node.lineno, candidate if is_module else base))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("pmkit")]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "pmkit" \
                and node.attr in LEARNER_NAMES:  # import pmkit; pmkit.charts...
            found.append((node.lineno, LEARNER_NAMES[node.attr]))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("pmkit.") \
                and " " not in node.value and path.name != "__init__.py":  # importlib.import_module("pmkit.x")
            candidate = node.value
            if (REPO / Path(*candidate.split("."))).with_suffix(".py").exists():
                found.append((node.lineno, candidate))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_module_is_in_a_known_layer():
    unknown = [module_name(p) for p in MODULES if layer_of(module_name(p)) not in LAYERS]
    assert not unknown, f"modules outside the layers {LAYERS}: {unknown}; put each in a subpackage or add a layer"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_imports_from_a_layer_above_it(path):
    mine = LAYERS.index(layer_of(module_name(path)))
    upward = [f"line {line}: {name} ({layer_of(name)})" for line, name in pmkit_imports(path)
              if LAYERS.index(layer_of(name)) > mine]
    assert not upward, f"{path.relative_to(REPO)} is in layer {LAYERS[mine]!r} but imports from above it: {upward}"


def test_the_rule_sees_imports_inside_functions(tmp_path):
    """A lazy import inside a function, the re-export and import_module are imports too: the check catches them."""
    (tmp_path / "pmkit" / "review").mkdir(parents=True)
    probe = tmp_path / "pmkit" / "review" / "probe.py"
    probe.write_text("import pmkit\n\ndef f():\n    from pmkit.cohort import report\n    import pmkit.grading.engine\n"
                     "    from pmkit import widgets\n    importlib.import_module('pmkit.runs.runner')\n"
                     "    return pmkit.charts\n")
    names = {layer_of(name) for _, name in pmkit_imports(probe)}
    assert {"cohort", "grading", "teach", "runs"} <= names, names


def test_each_subpackage_says_what_it_holds_and_may_import():
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert len(doc.splitlines()) >= 3 and "import" in doc, \
            f"{init.relative_to(REPO)}: say what the subpackage holds, what it may import and its data flow"
