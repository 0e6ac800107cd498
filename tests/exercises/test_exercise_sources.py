"""Exercise sources and releases: nbgrader metadata, hidden tests, byte-identical releases, nbval."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from pmkit import notebooks
from pmkit.grading.engine import exercise_ids
from tests.course import notebook_rules
from tests.conftest import REPO

EXERCISES = exercise_ids()
pytestmark = pytest.mark.slow


def _source(exercise):
    return notebooks.read(REPO / "solutions" / exercise / f"{exercise}.ipynb")


def _release(exercise):
    return REPO / "exercises" / exercise / f"{exercise}.ipynb"


def test_the_nine_exercises_exist():
    assert EXERCISES == sorted(["role-sort", "user-stories", "prd", "prd-vs-stories", "onboarding-funnel",
                                "backlog-capacity", "beta-metrics", "ticket-triage", "interview-synthesis"])
    assert sorted(p.name for p in (REPO / "exercises").iterdir() if p.is_dir()) == EXERCISES


@pytest.mark.parametrize("exercise", EXERCISES)
def test_source_metadata_is_valid_nbgrader(exercise):
    from nbgrader.nbgraderformat import MetadataValidator

    MetadataValidator().validate_nb(_source(exercise))


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_autograded_question_has_visible_and_hidden_tests(exercise):
    nb = _source(exercise)
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and
             not c.metadata["nbgrader"].get("solution")]
    manual = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and
              c.metadata["nbgrader"].get("grade")]
    assert tests and manual, "each exercise mixes autograded and manually graded parts"
    for cell in tests:
        visible, _, hidden = cell.source.partition("### BEGIN HIDDEN TESTS")
        assert "### END HIDDEN TESTS" in hidden, f"{cell.id}: no hidden tests"
        assert re.search(r"checks\.\w+\(", visible), f"{cell.id}: no visible check"
        assert "raises-exception" in cell.metadata.get("tags", []), f"{cell.id}: fails unanswered, needs the tag"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_points_in_the_intro_match_nbgrader(exercise):
    nb = _source(exercise)
    points = sum(c.metadata["nbgrader"].get("points", 0) for c in nb.cells if "nbgrader" in c.metadata)
    total = re.search(r"\| \*\*Total\*\* \| \*\*(\d+)\*\* \|", nb.cells[0].source)
    assert total and int(total.group(1)) == points


@pytest.mark.parametrize("exercise", EXERCISES)
def test_release_hides_solutions_and_hidden_tests(exercise):
    text = _release(exercise).read_text(encoding="utf-8")
    for secret in ("BEGIN SOLUTION", "HIDDEN TESTS", "_truth", "_expected"):
        assert secret not in text


@pytest.mark.parametrize("exercise", EXERCISES)
def test_release_follows_the_notebook_style_rules(exercise):
    assert notebook_rules.problems(_release(exercise), exercise=True) == []


def test_releases_regenerate_byte_for_byte(tmp_path):
    shutil.copytree(REPO / "solutions", tmp_path / "solutions")
    shutil.copy(REPO / "nbgrader_config.py", tmp_path)
    nbgrader = shutil.which("nbgrader", path=str(REPO / ".venv" / "bin")) or shutil.which("nbgrader")
    done = subprocess.run([nbgrader, "generate_assignment", "*", "--no-db", "--force"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    for exercise in EXERCISES:
        fresh = tmp_path / "exercises" / exercise / f"{exercise}.ipynb"
        assert fresh.read_bytes() == _release(exercise).read_bytes(), f"{exercise}: run `make exercises`"
    assert sorted(p.name for p in (tmp_path / "exercises").iterdir()) == EXERCISES


def test_sources_are_stored_clean():
    for exercise in EXERCISES:
        path = REPO / "solutions" / exercise / f"{exercise}.ipynb"
        nb = notebooks.read(path)
        assert path.read_text(encoding="utf-8") == notebooks.dumps(notebooks.clean(nb)), exercise


def test_released_exercises_pass_nbval(tmp_path):
    for exercise in EXERCISES:
        shutil.copy(_release(exercise), tmp_path / f"{exercise}.ipynb")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "nbval", "--nbval-lax", "-q", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), "-c", str(tmp_path / "pytest.ini"),
                           *sorted(str(p) for p in tmp_path.glob("*.ipynb"))],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    cells = sum(sum(1 for c in nbformat.read(_release(e), 4).cells if c.cell_type == "code") for e in EXERCISES)
    assert re.search(rf"\b{cells} passed\b", done.stdout), done.stdout[-800:]


def _guessable(key):
    """Why a sequence of labels could be guessed without reading it: three equal in a row, or four alternating."""
    for i in range(len(key) - 2):
        if key[i] == key[i + 1] == key[i + 2]:
            return f"three {key[i]} in a row from {i + 1}"
    for i in range(len(key) - 3):
        if all(key[j] != key[j + 1] for j in range(i, i + 3)):
            return f"four alternating labels from {i + 1}"
    return None


def test_the_snippet_key_cannot_be_guessed_by_alternating():
    from pmkit.exercises import catalog as exercises
    from pmkit.exercises import checks

    namespace = {}
    source = next(c.source for c in _source("prd-vs-stories").cells if c.id == "answer-sort")
    exec(source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""), namespace)
    key = namespace["placement"]
    assert sorted(key) == sorted(exercises.load_data("snippets")["snippet"])
    labels = [key[n] for n in sorted(key)]
    assert _guessable(labels) is None, labels
    assert _guessable(["P", "B", "P", "B"]) and _guessable(["B", "B", "B"])  # the rule can fail
    test = next(c.source for c in _source("prd-vs-stories").cells if c.id == "test-sort")
    visible, hidden = test.split("### BEGIN HIDDEN TESTS")
    for guess in ({n: "P" if n % 2 else "B" for n in key}, {n: "B" if n % 2 else "P" for n in key}):
        right = sum(guess[n] == key[n] for n in key)
        assert right <= 7, guess
        # the visible check holds no key, so it only reads the labels' form; the hidden test gives the verdict:
        # half a point per snippet, so guessing earns at most 3.5 of 6
        exec(visible, {"checks": checks, "exercises": exercises, "placement": guess})
        namespace = {"checks": checks, "exercises": exercises, "placement": guess}
        exec(hidden.replace("checks.score_labels", "result = checks.score_labels"), namespace)
        assert namespace["result"].points == right / 2 and "labelled wrongly" in namespace["result"].message


@pytest.mark.parametrize("exercise", EXERCISES)
def test_prompts_give_values_not_the_names_of_code_constants(exercise):
    """A learner reads "30 person-days" and the five areas, not `exercises.CAPACITY` or `exercises.TRIAGE_AREAS`."""
    from pmkit.exercises import catalog

    markdown = "\n".join(c.source for c in _source(exercise).cells if c.cell_type == "markdown")
    assert not re.search(r"exercises\.[A-Z_]+", markdown), re.findall(r"exercises\.[A-Z_]+", markdown)
    words = " ".join(markdown.split())
    if exercise == "backlog-capacity":
        assert f"**{catalog.CAPACITY} person-days**" in words and f"Capacity ({catalog.CAPACITY} person-days)" in words
        assert "Round to one decimal or not at all" in words
    if exercise == "ticket-triage":
        assert all(f"`{area}`" in words for area in catalog.TRIAGE_AREAS)
        assert all(f"`{severity}`" in words for severity in catalog.SEVERITIES)
    if exercise == "onboarding-funnel":
        assert all(f"`{step}`" in words for step in catalog.FUNNEL_STEPS)
        assert all(f"`{segment}`" in words for segment in catalog.FUNNEL_SEGMENTS)
