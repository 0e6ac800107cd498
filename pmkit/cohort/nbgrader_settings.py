"""nbgrader settings a cohort adds on top of the course's: late policy, safe feedback, offline Formgrader.

A cohort's ``nbgrader_config.py`` calls :func:`configure`, so ``nbgrader generate_feedback`` and
Formgrader's feedback button write ``pmkit feedback``'s pages. ``nbgrader autograde`` (and Formgrader's
Autograde button) would run learners' code as the instructor, outside pmkit's sandbox, with the hidden
tests in the learner's kernel: in a cohort it refuses before it touches anything and says to use
``pmkit grade``, the one grading path (sandboxed kernels, hidden tests in a separate interpreter).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: What `nbgrader autograde` and Formgrader's Autograde button say in a cohort, instead of grading.
AUTOGRADE_REFUSED = ("nbgrader autograde is turned off in this pmkit cohort: it would run learners' code outside "
                     "pmkit's sandbox, as you, with the hidden tests in reach; grade with `pmkit grade <exercise> "
                     "--cohort <this folder>` instead (Formgrader then shows its scores, and manual grading works "
                     "as before)")


def _refusing_exporter() -> type:
    from nbconvert.exporters import NotebookExporter
    from nbgrader.converters import NbGraderException

    class RefuseAutograde(NotebookExporter):
        """Made by nbgrader's Autograde converter before it reads or writes any submission: it refuses."""

        def __init__(self, *args: Any, **kw: Any) -> None:
            parent = kw.get("parent")
            if parent is not None:
                parent.log.error(AUTOGRADE_REFUSED)
            raise NbGraderException(AUTOGRADE_REFUSED)

    return RefuseAutograde


def configure(config: Any, root: str | Path) -> Any:
    """Apply the cohort's late policy and pmkit's feedback pages to an nbgrader config; turn off its autograde."""
    from pmkit.cohort import deadlines, feedback
    from pmkit.grading.sandbox import local_kernels

    deadlines.configure(config, Path(root))
    feedback.configure(config)
    local_kernels(config)
    config.Autograde.exporter_class = _refusing_exporter()
    return config
