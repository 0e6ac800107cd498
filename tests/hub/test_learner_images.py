"""Learners never hold the answer key: the Kubernetes learner image's build context and the hub's learner servers.

Docker cannot run here, so the contexts are computed from each Dockerfile's own ignore file with
Docker's rules (pmkit.hub.image_contexts) and searched for anything that holds an answer.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from pmkit.hub import config as hub
from pmkit.hub import image_contexts as images
from tests.conftest import REPO, new_cohort

SOLUTIONS = sorted((REPO / "solutions").glob("*/*.ipynb"))


def _answer_lines() -> set[str]:
    """Hidden-test lines and solution lines of every exercise: text that only the answer key holds."""
    import nbformat

    lines: set[str] = set()
    shown: list[str] = []  # a hidden line that the visible tests already hold gives nothing away
    for path in SOLUTIONS:
        for cell in nbformat.read(path, as_version=4).cells:
            before, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
            hidden, _, after = rest.partition("### END HIDDEN TESTS")
            lines |= {line.strip() for line in hidden.splitlines() if len(line.strip()) > 25}
            shown.append(before + after)
    visible = "\n".join(shown)
    lines = {line for line in lines if line not in visible}
    assert len(lines) > 20
    return lines


def test_the_ignore_rules_follow_docker():
    patterns = [(False, images._pattern(p)) for p in ("solutions", "**/__pycache__", "deploy/lab/*/lab", "*.pyc")]
    assert images.ignored("solutions/prd/prd.ipynb", patterns)
    assert images.ignored("pmkit/__pycache__/x.pyc", patterns) and images.ignored("__pycache__/a", patterns)
    assert images.ignored("deploy/lab/learner/lab/settings.json", patterns)
    assert images.ignored("top.pyc", patterns) and not images.ignored("pmkit/deep.pyc", patterns)  # like Docker
    assert not images.ignored("exercises/prd/prd.ipynb", patterns) and not images.ignored("solutionsx", patterns)
    keep = [(False, images._pattern("datasets")), (True, images._pattern("datasets/exercises"))]
    assert not images.ignored("datasets/exercises/a.csv", keep) and images.ignored("datasets/roles/a.csv", keep)


def test_learner_image_context_holds_the_course_and_no_answer_key():
    files = images.context_files("learner")
    assert not [f for f in files if f.startswith(("solutions/", "tests/", "benchmarks/", ".git/"))]
    assert "datasets/generate.py" not in files  # the generator knows the hidden labels
    for needed in ("pyproject.toml", "pmkit/__init__.py", "course/00-welcome.ipynb", "exercises/prd/prd.ipynb",
                   "datasets/exercises/triage_tickets.csv", "deploy/jupyterhub/kubernetes/start-pmkit.sh"):
        assert needed in files, needed
    answers = _answer_lines()
    for relative in files:
        try:
            text = (REPO / relative).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        leaked = [line for line in answers if line in text]
        assert not leaked, (relative, leaked[:2])


def test_instructor_image_context_keeps_the_sources():
    files = set(images.context_files("instructor"))
    assert {p.relative_to(REPO).as_posix() for p in SOLUTIONS} <= files
    assert "datasets/generate.py" in files and not any(f.startswith(".git/") for f in files)


def test_every_copy_in_the_dockerfiles_is_in_its_context():
    for image, dockerfile in images.DOCKERFILES.items():
        files = images.context_files(image)
        for source in re.findall(r"^COPY (?:--\S+ )*(\S+) ", dockerfile.read_text(encoding="utf-8"), re.M):
            assert source == "." or source in files, (image, source)


def test_only_instructors_get_the_instructor_image():
    values = yaml.safe_load((images.KUBERNETES / "values.yaml").read_text(encoding="utf-8"))
    hook = values["hub"]["extraConfig"]["pmkit-roles"]
    learner_branch, _, instructor_branch = hook.partition("else:")
    assert "spawner.image" not in learner_branch and "pmkit-course-instructor" in instructor_branch
    assert "instructor" not in values["singleuser"]["image"]["name"]


def test_tar_context_for_old_builders_has_no_solutions(tmp_path):
    import tarfile

    with tarfile.open(images.write_tar("learner", tmp_path / "context.tar")) as archive:
        names = archive.getnames()
    assert "pmkit/hub/image_contexts.py" in names and not [n for n in names if n.startswith("solutions")]


@pytest.fixture
def learner_home(tmp_path):
    cohort = new_cohort(tmp_path, [("Amara", "A", "T")], email="", instructors=("coach",))
    plan = hub.plan(cohort.root)
    spawner = SimpleNamespace(user=SimpleNamespace(name="amara"), environment={}, default_url="", notebook_dir="")
    hub.prepare_server(spawner, plan)
    return plan, spawner


def test_hub_learner_servers_get_nothing_from_solutions(learner_home):
    plan, spawner = learner_home
    home = plan.home("amara")
    files = [p for p in home.rglob("*") if p.is_file()]
    assert files and not [p for p in home.rglob("*") if "solutions" in p.parts or p.is_symlink()]
    answers = _answer_lines()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not [line for line in answers if line in text], path
    assert not [v for v in spawner.environment.values() if "solutions" in v]
    assert "PMKIT_COHORT" not in spawner.environment  # the cohort folder (and its solutions link) is not named
    assert not Path(spawner.notebook_dir or home).resolve().is_relative_to(plan.cohort / "solutions")
