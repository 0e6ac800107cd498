"""nbgrader settings a cohort adds on top of the course's: late policy, safe feedback, offline Formgrader.

A cohort's ``nbgrader_config.py`` calls :func:`configure`, so ``nbgrader autograde``, ``nbgrader
generate_feedback`` and Formgrader's buttons behave as ``pmkit grade`` and ``pmkit feedback`` do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def configure(config: Any, root: str | Path) -> Any:
    """Apply the cohort's late policy and pmkit's feedback pages to an nbgrader config."""
    from pmkit.cohort import deadlines, feedback
    from pmkit.grading.sandbox import local_kernels

    deadlines.configure(config, Path(root))
    feedback.configure(config)
    local_kernels(config)
    return config
