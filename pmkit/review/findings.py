"""A finding: one specific problem a reviewer found in a learner's artifact."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem in an artifact.

    ``index`` is the item's position (story or metric; None for the whole artifact), ``criterion``
    names the rule, ``message`` says what is wrong and how to fix it.
    """

    index: int | None
    criterion: str
    message: str

    def __str__(self) -> str:
        where = f"#{self.index + 1} " if self.index is not None else ""
        return f"{where}[{self.criterion}] {self.message}"
