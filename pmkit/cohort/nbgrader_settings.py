"""nbgrader settings a cohort adds on top of the course's: late policy, safe feedback, offline Formgrader.

A cohort's ``nbgrader_config.py`` calls :func:`configure`, so ``nbgrader autograde``, ``nbgrader
generate_feedback`` and Formgrader's buttons behave as ``pmkit grade`` and ``pmkit feedback`` do.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def configure(config: Any, root: str | Path) -> Any:
    """Apply the cohort's late policy and pmkit's feedback pages to an nbgrader config."""
    from pmkit.cohort import deadlines, feedback

    deadlines.configure(config, Path(root))
    feedback.configure(config)
    local_kernels(config)
    return config


def local_kernels(config: Any) -> Any:
    """Talk to grading kernels over Unix sockets, not TCP: nothing on the network, and no ipykernel warning.

    Over TCP every kernel prints "Kernel is running over TCP without encryption"; IPC sockets live in
    Jupyter's runtime folder, readable by their owner only.
    """
    from jupyter_core.paths import jupyter_runtime_dir

    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    config.KernelManager.transport = "ipc"
    # An absolute socket prefix per process: nbgrader starts kernels in the notebook's folder, so the
    # default relative one would differ between the kernel and its client; parallel graders never share one.
    config.KernelManager.ip = str(runtime / f"pmkit-{os.getpid()}")
    return config
