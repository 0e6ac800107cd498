"""Which fact rows of pmkit.teach.roles the chapters show: the coverage test's usage log, kept out of pmkit.

:func:`install` wraps the public functions of ``pmkit.teach.roles`` so that, while ``PMKIT_USAGE_LOG``
names a file, each outermost call appends the keys of the rows it returns to that file (a call made
by another tracked function is not the learner's and is not logged). Kernels install it from an
IPython startup file (:func:`startup_folder`); a test in this process uses :func:`tracking`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

USAGE_LOG_ENV = "PMKIT_USAGE_LOG"

#: The table whose rows each public function returns.
TRACKED = {
    "topics": "comparison_topics", "comparison": "comparisons", "items": "role_items",
    "responsibilities": "role_items", "decisions": "role_items", "day_in_the_life": "role_items",
    "influence": "role_items", "profile": "profiles", "describe": "profiles", "traits": "profiles",
    "salaries": "salaries", "salary_drivers": "salary_drivers", "career_paths": "career_paths",
    "case_studies": "case_studies", "case_study_steps": "case_study_steps", "jpm_functions": "jpm_functions",
    "interview_flow": "interview_flow", "getting_started": "getting_started", "side_by_side": "comparisons",
    "at_a_glance": "profiles", "next_moves": "career_paths",
}


def _described(roles: Any, role: str, attribute: str) -> Any:
    frame = roles.profile(role)
    return frame[frame["attribute"] == attribute]


def _at_a_glance(roles: Any, attributes: tuple[str, ...]) -> Any:
    frame = roles.profile()
    return frame[frame["role"].isin(roles.ROLES) & frame["attribute"].isin(attributes)]


#: Functions that reshape their result (dropping the key columns): the rows they show, from their arguments.
SHOWN: dict[str, Callable[..., Any]] = {
    "describe": _described,
    "side_by_side": lambda roles, topic: roles.comparison(topic),
    "at_a_glance": _at_a_glance,
}

_depth: contextvars.ContextVar[int] = contextvars.ContextVar("pmkit_roles_usage_depth", default=0)


def record_use(roles: Any, name: str, frame: Any) -> None:
    """Log the keys of the rows of table ``name`` in ``frame``, if usage logging is on."""
    log = os.environ.get(USAGE_LOG_ENV)
    if not log:
        return
    keys = list(roles.SCHEMAS[name].key)
    rows = frame[keys].astype(object).where(frame[keys].notna(), None).values.tolist()
    with open(log, "a", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({"table": name, "key": [str(v) for v in row]}) + "\n")


def _tracked(roles: Any, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    table, shown = TRACKED[name], SHOWN.get(name)

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        outer = _depth.get() == 0
        token = _depth.set(_depth.get() + 1)
        try:
            result = function(*args, **kwargs)
            if outer and shown is not None:
                bound = inspect.signature(function).bind(*args, **kwargs)
                bound.apply_defaults()
                record_use(roles, table, shown(roles, *bound.args, **bound.kwargs))
        finally:
            _depth.reset(token)
        if outer and shown is None:
            record_use(roles, table, result)
        return result

    wrapper.__wrapped_for_usage__ = function  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    """Wrap every tracked function of pmkit.teach.roles (once), so calls log their rows while the log is on."""
    from pmkit.teach import roles

    for name in TRACKED:
        function = getattr(roles, name)
        if not hasattr(function, "__wrapped_for_usage__"):
            setattr(roles, name, _tracked(roles, name, function))


def uninstall() -> None:
    """Put pmkit.teach.roles' own functions back."""
    from pmkit.teach import roles

    for name in TRACKED:
        setattr(roles, name, getattr(getattr(roles, name), "__wrapped_for_usage__", getattr(roles, name)))


@contextlib.contextmanager
def tracking(log: Path) -> Iterator[None]:
    """Log the rows roles' calls return to ``log`` while inside, in this process."""
    install()
    previous = os.environ.get(USAGE_LOG_ENV)
    os.environ[USAGE_LOG_ENV] = str(log)
    try:
        yield
    finally:
        uninstall()
        if previous is None:
            del os.environ[USAGE_LOG_ENV]
        else:
            os.environ[USAGE_LOG_ENV] = previous


def startup_folder(ipython_dir: Path) -> Path:
    """An IPython folder whose startup file installs the log in every kernel started with ``IPYTHONDIR`` set to it."""
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-pmkit-roles-usage.py").write_text(
        "def _pmkit_roles_usage():\n"
        "    import importlib.util\n\n"
        f"    spec = importlib.util.spec_from_file_location('pmkit_roles_usage', {str(Path(__file__))!r})\n"
        "    module = importlib.util.module_from_spec(spec)\n"
        "    spec.loader.exec_module(module)\n"
        "    module.install()\n\n\n"
        "_pmkit_roles_usage()\n"
        "del _pmkit_roles_usage\n", encoding="utf-8")
    return ipython_dir
