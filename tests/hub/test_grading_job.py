"""Grading as a Kubernetes Indexed Job: the manifest is valid Kubernetes, and what its pods run is pmkit's real CLI.

No cluster runs here. The manifest is checked offline against the Kubernetes API's own JSON schema
(``kubernetes-validate``, pinned in the test extras), strictly (an unknown field is an error); its
command line is parsed by pmkit's real argument parser; the grader image is read for what grading needs.
"""

from __future__ import annotations

import re

import kubernetes_validate
import pytest
import yaml

from pmkit import cli
from pmkit.hub import image_contexts as images
from pmkit.runs.shards import shard_from_environment
from tests.conftest import REPO

KUBERNETES = REPO / "deploy" / "jupyterhub" / "kubernetes"
JOB = KUBERNETES / "grading-job.yaml"


def _job() -> dict:
    return yaml.safe_load(JOB.read_text(encoding="utf-8"))


@pytest.mark.parametrize("version", ["1.30.0", kubernetes_validate.latest_version()])
def test_the_job_is_valid_kubernetes(version: str) -> None:
    kubernetes_validate.validate(_job(), version, strict=True)


def test_a_wrong_field_is_caught_offline() -> None:
    job = _job()
    job["spec"]["template"]["spec"]["containers"][0]["resource"] = {}
    with pytest.raises(kubernetes_validate.ValidationError, match="resource"):
        kubernetes_validate.validate(job, "1.30.0", strict=True)


def test_each_pod_grades_one_shard_of_n(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _job()["spec"]
    assert spec["completionMode"] == "Indexed" and spec["completions"] == spec["parallelism"]
    container = spec["template"]["spec"]["containers"][0]
    args = [re.sub(r"\$\((\w+)\)", "postgresql://u@db/gradebook", a) for a in container["args"]]  # as the kubelet
    parsed = cli.build_parser().parse_args(args)
    assert parsed.func is cli._cmd_grade and parsed.db.startswith("postgresql://")
    assert parsed.shard == f"auto/{spec['completions']}"
    for index in range(spec["completions"]):
        monkeypatch.setenv("JOB_COMPLETION_INDEX", str(index))
        shard = shard_from_environment(parsed.shard)
        assert (shard.index, shard.count) == (index + 1, spec["completions"])
    # exit 1 (some submissions failed, already recorded) is not retried; the pod's CPU limit sets --workers
    rules = spec["podFailurePolicy"]["rules"]
    assert any(r["action"] == "FailIndex" and r["onExitCodes"]["values"] == [1] for r in rules)
    assert container["resources"]["limits"]["cpu"] == container["resources"]["requests"]["cpu"]
    assert parsed.workers is None  # so pmkit counts the pod's CPUs, not the node's


@pytest.mark.parametrize("image", ["grader.Dockerfile", "instructor.Dockerfile"])
def test_every_image_that_grades_has_the_sandbox(image: str) -> None:
    dockerfile = (KUBERNETES / image).read_text(encoding="utf-8")
    assert re.search(r"apt-get install [^\n]*bubblewrap util-linux", dockerfile)


def test_the_grader_image_has_what_grading_needs() -> None:
    dockerfile = (KUBERNETES / "grader.Dockerfile").read_text(encoding="utf-8")
    assert "[postgres]" in dockerfile
    context = set(images.context_files("grader"))
    assert any(p.startswith("solutions/") for p in context)  # the hidden tests run from the grader's own copy
    assert not any(p.startswith(".git/") or p.startswith(".venv/") for p in context)
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'postgres = \["psycopg2-binary', pyproject)
