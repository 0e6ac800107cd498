"""The lab's own environment first on PATH, for kernels and for JupyterLab's terminal (both modes load this).

A learner types `pmkit check` in JupyterLab's terminal. That terminal is a login shell, and a login
shell's /etc/profile resets PATH, so a command of the course's environment (pmkit, nbgrader, jupyter)
is "not found" unless the server was started from a shell that had the environment on PATH, and
not even then. Here the server puts its own environment's bin folder first on its PATH (kernels
inherit it), and its terminal runs the login shell's start-up first, then puts that folder first
again and becomes an interactive shell.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

#: Shells that understand `PATH=...; export PATH; exec ...` (others keep the server's PATH only).
POSIX_SHELLS = {"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash"}


def bin_dir() -> str:
    """The bin folder of the environment this server runs in (where pmkit and jupyter live)."""
    return str(Path(sys.prefix) / ("Scripts" if os.name == "nt" else "bin"))


def put_first_on_path(folder: str, environ: dict | os._Environ = os.environ) -> None:
    """Put ``folder`` first on ``environ``'s PATH (once)."""
    rest = [p for p in environ.get("PATH", "").split(os.pathsep) if p and p != folder]
    environ["PATH"] = os.pathsep.join([folder, *rest])


def terminal_command(folder: str, shell: str | None = None) -> list[str] | None:
    """The terminal's shell command: a login shell that ends with ``folder`` first on PATH (None: the default)."""
    shell = shell or os.environ.get("SHELL") or "/bin/sh"
    if os.name == "nt" or Path(shell).name not in POSIX_SHELLS:
        return None
    script = f"PATH={shlex.quote(folder)}:\"$PATH\"; export PATH; exec {shlex.quote(shell)} -i"
    return [shell, "-l", "-c", script]


def configure(c) -> None:  # noqa: ANN001 - a traitlets Config
    """Apply both to the server's config ``c``."""
    folder = bin_dir()
    put_first_on_path(folder)
    command = terminal_command(folder)
    if command is not None:
        c.ServerApp.terminado_settings = {"shell_command": command}
