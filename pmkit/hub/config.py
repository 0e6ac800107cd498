"""A cohort's JupyterHub: who may log in, what each role's server runs, where nbgrader files things.

``deploy/jupyterhub/jupyterhub_config.py`` calls :func:`configure` with a cohort folder, so the hub is
driven by the cohort's gradebook roster and its instructor list. ``pmkit hub`` starts it on
127.0.0.1 for a trial cohort. Everything a single-user server needs (its nbgrader identity, the
exchange, the course's chapters) is put in place by :func:`prepare_server` just before it starts.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmkit.errors import PmkitError
from pmkit.grading.engine import COURSE_ID
from pmkit.paths import REPO_ROOT

HUB_DIR = REPO_ROOT / "deploy" / "jupyterhub"
CONFIG_FILE = HUB_DIR / "jupyterhub_config.py"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
#: Templates of each role's ``~/.jupyter``: which nbgrader tools its server and JupyterLab load.
SINGLEUSER = HUB_DIR / "singleuser"
LEARNERS, INSTRUCTORS = "learners", "instructors"
#: nbgrader's JupyterHub group names for a course (see nbgrader's JupyterHubAuthPlugin).
NBGRADER_GROUP, FORMGRADE_GROUP = f"nbgrader-{COURSE_ID}", f"formgrade-{COURSE_ID}"
PASSWORDS = "passwords.json"
#: An instructor's terminals open in the cohort folder (JupyterLab may ask for another folder; that wins).
INSTRUCTOR_BASHRC = """# Written by pmkit's hub: terminals start in the cohort folder, where pmkit and nbgrader work.
if [ "$PWD" = "$HOME" ] && [ -n "$PMKIT_COHORT" ]; then cd "$PMKIT_COHORT"; fi
"""
LEARNER_START = "/lab/tree/course/00-welcome.ipynb"
#: What a hub server takes from ``deploy/lab/<role>/`` (the rest there is `make lab`'s own server setup).
LAB_MODE_FILES = ("custom", "settings", "jupyter_lab_config.py")


@dataclass(frozen=True)
class HubPlan:
    """Who is on the cohort's hub and where its files live."""

    cohort: Path
    learners: dict[str, str]  # hub user name -> roster id (the nbgrader student id)
    instructors: list[str]
    exchange: Path

    @property
    def state(self) -> Path:
        """The hub's own files: its database, cookie secret, passwords and the users' homes."""
        return self.cohort / "hub"

    def home(self, user: str) -> Path:
        """A user's home folder on the trial hub (one OS user, one folder per hub user)."""
        return self.state / "home" / user

    @property
    def users(self) -> list[str]:
        """Everyone who may log in: the learners and the instructors."""
        return sorted([*self.learners, *self.instructors])

    def role(self, user: str) -> str:
        """``instructor`` or ``learner``; anyone else is refused."""
        if user in self.instructors:
            return "instructor"
        if user in self.learners:
            return "learner"
        raise PmkitError(f"{user!r} is neither on the roster of {self.cohort} nor one of its instructors")


def plan(cohort_dir: Path) -> HubPlan:
    """Read the cohort: hub names are the roster ids in lower case (JupyterHub lower-cases log-in names)."""
    from pmkit.cohort.folder import Cohort

    cohort = Cohort(Path(cohort_dir))
    learners: dict[str, str] = {}
    problems = []
    for learner_id in cohort.learner_ids():
        name = learner_id.lower()
        if name in learners:
            problems.append(f"{learners[name]!r} and {learner_id!r} are one hub user ({name!r}); rename one")
        learners[name] = learner_id
    instructors = sorted({name.lower() for name in cohort.instructors})
    if not instructors:
        problems.append(f"no instructors; add them to \"instructors\" in {cohort.root / 'pmkit-cohort.json'} "
                        "or create the cohort with `pmkit cohort init ... --instructors NAME`")
    problems += [f"{name!r} is both a learner and an instructor" for name in instructors if name in learners]
    if problems:
        raise PmkitError(f"{cohort.root}: cannot run a hub for this cohort:\n  " + "\n  ".join(problems))
    return HubPlan(cohort.root, learners, instructors, cohort.exchange)


def require_proxy() -> None:
    """Refuse to start without configurable-http-proxy, saying how to install it."""
    if not PROXY.exists():
        raise PmkitError(f"{PROXY} is missing; install JupyterHub's proxy with `make hub-proxy` (needs npm)")


def passwords(plan: HubPlan) -> dict[str, str]:
    """The trial's two shared passwords: from the environment, else made once and kept in the hub folder."""
    path = plan.state / PASSWORDS
    stored = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    chosen = {
        "learners": os.environ.get("PMKIT_HUB_PASSWORD") or stored.get("learners") or secrets.token_urlsafe(12),
        "instructors": (os.environ.get("PMKIT_HUB_INSTRUCTOR_PASSWORD") or stored.get("instructors")
                        or secrets.token_urlsafe(32)),
    }
    if chosen != stored:
        plan.state.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps(chosen, indent=1) + "\n", encoding="utf-8")
    return chosen


def groups(hub: HubPlan) -> dict[str, dict[str, list[str]]]:
    """The hub's groups: learners and instructors, under our names and under nbgrader's."""
    return {
        LEARNERS: {"users": sorted(hub.learners)},
        INSTRUCTORS: {"users": hub.instructors},
        NBGRADER_GROUP: {"users": sorted(hub.learners)},
        FORMGRADE_GROUP: {"users": hub.instructors},
    }


def helm_values(hub: HubPlan) -> dict[str, Any]:
    """The roster part of the Zero to JupyterHub values (kubernetes/values.yaml holds the rest).

    Helm reads JSON as YAML, so this is written as JSON and passed as a second ``--values`` file.
    """
    return {"hub": {
        "config": {
            "Authenticator": {"allowed_users": hub.users,
                              "admin_users": hub.instructors},
            "JupyterHub": {"load_groups": groups(hub)},
        },
        "extraConfig": {"pmkit-0-roster": f"PMKIT_ROSTER = {json.dumps(hub.learners, sort_keys=True)}\n"},
    }}


def configure(c: Any, cohort_dir: str | Path, *, ip: str = "127.0.0.1", port: int = 8000,
              hub_port: int | None = None, proxy_api_port: int | None = None) -> HubPlan:
    """Set a JupyterHub config ``c`` up for one cohort on one machine (the trial set-up)."""
    from jupyterhub.spawner import SimpleLocalProcessSpawner

    hub = plan(Path(cohort_dir))
    require_proxy()
    hub.state.mkdir(parents=True, exist_ok=True)
    hub.exchange.mkdir(parents=True, exist_ok=True)  # learners' assignment lists work before the first release
    secret = passwords(hub)

    c.JupyterHub.bind_url = f"http://{ip}:{port}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{hub_port or port + 1}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port or port + 2}"
    c.ConfigurableHTTPProxy.command = [str(PROXY)]
    c.ConfigurableHTTPProxy.pid_file = str(hub.state / "proxy.pid")
    c.JupyterHub.pid_file = str(hub.state / "jupyterhub.pid")
    c.JupyterHub.db_url = f"sqlite:///{hub.state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(hub.state / "jupyterhub_cookie_secret")

    # Trial log-in: one password for learners, a longer one for instructors (hub admins), roster names only.
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = secret["learners"]
    c.SharedPasswordAuthenticator.admin_password = secret["instructors"]
    c.Authenticator.allowed_users = set(hub.users)
    c.Authenticator.admin_users = set(hub.instructors)
    c.JupyterHub.load_groups = groups(hub)

    # One OS user, one home per hub user: a trial, not a security boundary (deploy/jupyterhub/README.md).
    c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
    c.SimpleLocalProcessSpawner.home_dir_template = str(hub.state / "home" / "{username}")
    c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
    c.Spawner.args = ["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 120
    c.Spawner.pre_spawn_hook = lambda spawner: prepare_server(spawner, hub)
    return hub


def server_environment(hub: HubPlan, user: str) -> dict[str, str]:
    """The environment of a user's server: its config folder, the exchange and its nbgrader identity."""
    home = hub.home(user)
    env = {
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "PMKIT_EXCHANGE": str(hub.exchange),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "/usr/bin:/bin")]),
    }
    if hub.role(user) == "learner":
        env["PMKIT_STUDENT_ID"] = hub.learners[user]
    else:
        env["PMKIT_COHORT"] = str(hub.cohort)
    return env


def prepare_server(spawner: Any, hub: HubPlan) -> None:
    """Before a server starts: its role's config, the course's chapters and its environment.

    A learner's server is their home, with ``course/``, ``exercises/`` and, when the instructor has assigned
    one, ``peer-review/``; an instructor's is the cohort folder, which gets ``course/`` too, so instructors
    can preview what learners read.
    """
    user = spawner.user.name
    role = hub.role(user)
    home = hub.home(user)
    config_dir = home / ".jupyter"
    # The role's settings are put back at every start, so a server always runs its role's tools.
    shutil.copytree(SINGLEUSER / role, config_dir, dirs_exist_ok=True)
    # Learner mode as `make lab` has it: the style sheet (dollar amounts, one feedback box, reading width) and
    # JupyterLab's defaults (long code lines wrap, Markdown files such as the glossary open rendered).
    mode = REPO_ROOT / "deploy" / "lab" / role
    for name in LAB_MODE_FILES:
        if (mode / name).is_dir():
            shutil.copytree(mode / name, config_dir / name, dirs_exist_ok=True)
        elif (mode / name).is_file():
            shutil.copy2(mode / name, config_dir / name)
    # The chapters, copied on the first start only: edits are the user's to keep.
    chapters = home / "course" if role == "learner" else hub.cohort / "course"
    if not chapters.exists():
        shutil.copytree(REPO_ROOT / "course", chapters, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if role == "learner":
        (home / "exercises").mkdir(exist_ok=True)
        # An optional peer review: the learner's review notebook on first start (never over theirs), and
        # what peers said about their own answer once the instructor has written it.
        from pmkit.cohort import peer_review

        try:
            peer_review.deliver(hub.cohort, hub.learners[user], home)
        except Exception as error:  # a copy that fails (their home is theirs) never keeps their server from starting
            print(f"pmkit: {user}'s peer-review files were not copied ({type(error).__name__}: {error}); they are "
                  "copied at the next start",
                  file=sys.stderr)
        spawner.default_url = LEARNER_START
    else:
        if not (home / ".bashrc").exists():
            (home / ".bashrc").write_text(INSTRUCTOR_BASHRC, encoding="utf-8")
        spawner.notebook_dir = str(hub.cohort)
        spawner.default_url = "/lab"
    spawner.environment = {**spawner.environment, **server_environment(hub, user)}
