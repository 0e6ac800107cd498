"""The cohort hub's configuration without starting it: roster checks, groups, Helm values, exchange logs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from pmkit.cohort.folder import Cohort, _warnings
from pmkit.errors import PmkitError
from pmkit.hub import config as hub
from tests.conftest import REPO, new_cohort


def _cohort(tmp_path: Path, ids: list[str], instructors: tuple[str, ...] = ("coach",)) -> Cohort:
    return new_cohort(tmp_path, [(i, i, "Test") for i in ids], email="", instructors=instructors)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    return _cohort(tmp_path_factory.mktemp("hubconfig"), ["amara", "Bruno"], instructors=("Coach",))


def test_the_plan_maps_hub_names_to_roster_ids_and_records_the_exchange(cohort):
    plan = hub.plan(cohort.root)
    assert plan.learners == {"amara": "amara", "bruno": "Bruno"}
    assert plan.instructors == ["coach"]
    assert plan.exchange == cohort.root / "exchange"
    assert plan.role("bruno") == "learner" and plan.role("coach") == "instructor"
    with pytest.raises(PmkitError, match="'mallory' is neither on the roster"):
        plan.role("mallory")
    from traitlets.config import Config

    config, path = Config(), cohort.root / "nbgrader_config.py"  # what nbgrader reads from the cohort's config
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), {"get_config": lambda: config,
                                                                        "__file__": str(path)})
    assert config.Exchange.root == str(cohort.root / "exchange")


def test_a_cohort_the_hub_cannot_serve_is_refused_with_the_reason(tmp_path):
    (tmp_path / "a").mkdir()
    alone = _cohort(tmp_path / "a", ["amara"], instructors=())
    with pytest.raises(PmkitError, match=r"no instructors; add them to \"instructors\" in .*pmkit-cohort.json"):
        hub.plan(alone.root)
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "hub", "--cohort", str(alone.root)],
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2 and "no instructors" in done.stderr, done.stderr
    assert not (alone.root / "hub").exists(), "the hub started or wrote files for a cohort it refused"
    (tmp_path / "b").mkdir()
    with pytest.raises(PmkitError, match=r"id 'ada' differs only in case from 'Ada'"):  # refused at import now
        _cohort(tmp_path / "b", ["Ada", "ada"])
    (tmp_path / "c").mkdir()
    with pytest.raises(PmkitError, match="amara cannot be both a learner and an instructor"):
        _cohort(tmp_path / "c", ["amara"], instructors=("Amara",))
    assert not (tmp_path / "c" / "cohort").exists(), "a refused cohort left a folder behind"


def test_server_environment_gives_each_role_what_its_nbgrader_config_reads(cohort):
    plan = hub.plan(cohort.root)
    learner, instructor = hub.server_environment(plan, "bruno"), hub.server_environment(plan, "coach")
    assert learner["PMKIT_STUDENT_ID"] == "Bruno" and "PMKIT_COHORT" not in learner
    assert instructor["PMKIT_COHORT"] == str(plan.cohort) and "PMKIT_STUDENT_ID" not in instructor
    for env, user in ((learner, "bruno"), (instructor, "coach")):
        assert env["JUPYTER_CONFIG_DIR"] == str(plan.state / "home" / user / ".jupyter")
        assert env["PMKIT_EXCHANGE"] == str(plan.exchange)
    for config in (hub.SINGLEUSER / "learner" / "nbgrader_config.py", hub.SINGLEUSER / "instructor" /
                   "nbgrader_config.py"):
        text = config.read_text(encoding="utf-8")
        named = {name for name in ("PMKIT_STUDENT_ID", "PMKIT_COHORT", "PMKIT_EXCHANGE") if name in text}
        assert named <= set(learner) | set(instructor), f"{config} reads a variable no server gets"


def test_each_roles_server_settings_switch_the_right_nbgrader_tools(tmp_path):
    def server(role: str) -> dict[str, bool]:
        path = hub.SINGLEUSER / role / "jupyter_server_config.json"
        return json.loads(path.read_text(encoding="utf-8"))["ServerApp"]["jpserver_extensions"]

    def lab(role: str) -> dict[str, bool]:
        path = hub.SINGLEUSER / role / "labconfig" / "page_config.json"
        return json.loads(path.read_text(encoding="utf-8"))["disabledExtensions"]

    learner, instructor = server("learner"), server("instructor")
    assert learner["nbgrader.server_extensions.formgrader"] is False
    assert learner["nbgrader.server_extensions.assignment_list"] is True
    assert all(instructor.values()), instructor
    assert lab("learner")["@jupyter/nbgrader:formgrader"] and "@jupyter/nbgrader:assignment-list" not in lab("learner")
    assert not any(name.startswith("@jupyter/nbgrader") for name in lab("instructor"))


def test_hub_learners_get_learner_modes_style_sheet(cohort, tmp_path):
    from types import SimpleNamespace

    plan = hub.plan(cohort.root)
    learner = next(name for name, role in ((u, plan.role(u)) for u in plan.users) if role == "learner")
    spawner = SimpleNamespace(user=SimpleNamespace(name=learner), default_url="", environment={})
    hub.prepare_server(spawner, plan)
    sheet = plan.home(learner) / ".jupyter" / "custom" / "custom.css"
    assert sheet.read_text(encoding="utf-8") == (hub.REPO_ROOT / "deploy/lab/learner/custom/custom.css").read_text(
        encoding="utf-8")
    # and its JupyterLab defaults: long code lines wrap, the glossary opens rendered
    config = plan.home(learner) / ".jupyter"
    lab = subprocess.run([sys.executable, "-c", "from jupyterlab.labapp import LabApp; app = LabApp(); "
                          "app.load_config_file(); print(app.app_settings_dir)"],
                         env={**os.environ, "JUPYTER_CONFIG_DIR": str(config)}, capture_output=True, text=True,
                         check=True)
    settings = Path(lab.stdout.strip()) / "overrides.json"
    assert settings.parent == config / "settings", lab.stdout
    overrides = json.loads(settings.read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/notebook-extension:tracker"]["codeCellConfig"]["lineWrap"] is True
    hook = (hub.HUB_DIR / "kubernetes" / "start-pmkit.sh").read_text(encoding="utf-8")
    assert "/opt/pmkit/deploy/lab/$role/$name/." in hook and "for name in custom settings" in hook  # Kubernetes
    assert "jupyter_lab_config.py" in hook


def test_helm_values_carry_the_roster_and_the_kubernetes_hook_uses_them(cohort, tmp_path):
    plan = hub.plan(cohort.root)
    out = tmp_path / "roster-values.json"
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "hub", "--cohort", str(plan.cohort),
                           "--helm-values", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    values = json.loads(out.read_text(encoding="utf-8"))["hub"]
    assert values["config"]["Authenticator"] == {"allowed_users": ["amara", "bruno", "coach"], "admin_users": ["coach"]}
    assert values["config"]["JupyterHub"]["load_groups"]["formgrade-apm-vs-jpm"] == {"users": ["coach"]}

    # Run the chart's extraConfig as Zero to JupyterHub does (sorted by key, one namespace) on stand-ins
    # for KubeSpawner, which cannot run here: the hook must give each role its environment.
    base = yaml.safe_load((hub.HUB_DIR / "kubernetes" / "values.yaml").read_text(encoding="utf-8"))
    snippets = {**base["hub"]["extraConfig"], **values["extraConfig"]}
    config = SimpleNamespace(KubeSpawner=SimpleNamespace())
    namespace = {"c": config}
    for key in sorted(snippets):
        exec(snippets[key], namespace)
    spawners = {}
    for name, group in (("bruno", "learners"), ("coach", "instructors")):
        spawner = SimpleNamespace(user=SimpleNamespace(name=name, groups=[SimpleNamespace(name=group)]),
                                  environment={}, default_url="/lab")
        config.KubeSpawner.pre_spawn_hook(spawner)
        spawners[name] = spawner
    assert spawners["bruno"].environment["PMKIT_STUDENT_ID"] == "Bruno"
    assert spawners["bruno"].environment["PMKIT_ROLE"] == "learner"
    assert spawners["bruno"].default_url == hub.LEARNER_START
    assert spawners["coach"].environment["PMKIT_ROLE"] == "instructor"
    assert "PMKIT_STUDENT_ID" not in spawners["coach"].environment
    start = (hub.HUB_DIR / "kubernetes" / "start-pmkit.sh").read_text(encoding="utf-8")
    assert base["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"] == ["/usr/local/bin/start-pmkit.sh"]
    assert "/opt/pmkit/deploy/jupyterhub/singleuser/$role/." in start


def test_exchange_warnings_are_read_whole_from_nbgrader_logs():
    log = ("[INFO] Processing 2 submissions\n[WARNING] \n    /x/inbound/ada+ex+t claims to be submitted by ada but is "
           "owned by root; cheating attempt?\n    you may disable this warning\n    \n[INFO] Collecting\n"
           "[WARNING] second one\n")
    assert _warnings(log) == ["/x/inbound/ada+ex+t claims to be submitted by ada but is owned by root; cheating "
                              "attempt? you may disable this warning", "second one"]


def test_the_trial_roster_and_the_config_file_agree_with_make_hub():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "HUB_ROSTER ?= $(HUB_DIR)/trial-roster.csv" in makefile
    from pmkit.cohort.folder import read_roster

    assert [learner.id for learner in read_roster(hub.HUB_DIR / "trial-roster.csv")] == ["ada", "ben", "chloe"]


def test_cohort_roster_adds_learners_the_next_hub_lets_in_and_refuses_an_instructor(tmp_path):
    cohort = _cohort(tmp_path, ["amara"])
    more = tmp_path / "more.csv"
    more.write_text("id,first_name,last_name,email\namara,Amara,Renamed,\nDeniz,Deniz,New,\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "cohort", "roster", str(more), "--cohort",
                           str(cohort.root)], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1 learner(s) added (Deniz), 1 updated; 2 in the cohort" in done.stdout
    assert hub.plan(cohort.root).learners == {"amara": "amara", "deniz": "Deniz"}
    clash = tmp_path / "clash.csv"
    clash.write_text("id,first_name,last_name,email\nCOACH,Co,Ach,\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "cohort", "roster", str(clash), "--cohort",
                           str(cohort.root)], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 2 and "coach cannot be both a learner and an instructor" in done.stderr, done.stderr
    assert hub.plan(cohort.root).learners == {"amara": "amara", "deniz": "Deniz"}, "a refused roster was imported"
