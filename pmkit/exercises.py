"""Data for the graded exercises, loaded and shaped the same way for learners, tests and graders."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from pmkit.paths import datasets_dir
from pmkit.tables import Column, Schema, choices, load

if TYPE_CHECKING:
    import pandas as pd


def role_sort_tasks(seed: int = 11) -> dict[int, str]:
    """The twenty tasks of the role-sort exercise (both roles' decisions and days), numbered 1 to 20."""
    from pmkit import roles

    tasks = list(roles.decisions()["item"]) + list(roles.day_in_the_life()["item"])
    random.Random(seed).shuffle(tasks)
    return dict(enumerate(tasks, start=1))
