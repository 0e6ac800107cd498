"""Files a learner can hand in instead of a notebook, generated at test time (never stored): every kind of hostile
or broken JSON, and JSON that is not a notebook. Each command that reads learners' files must refuse each one by
name and carry on with everyone else's.
"""

from __future__ import annotations

import json
from pathlib import Path

#: Bigger than the default size cap on a notebook (20 MB).
OVER_CAP = 21 * 2**20


def _notebook(release: Path, **extra) -> dict:
    nb = json.loads(release.read_text(encoding="utf-8"))
    nb.update(extra)
    return nb


def malformed(release: Path) -> dict[str, bytes]:
    """Kind of damage to the file's bytes; ``release`` is a real notebook to damage where a kind needs one."""
    good = release.read_bytes()
    deep_cells = b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": ' + b"[" * 100_000 + \
        b"]" * 100_000 + b"}"
    wrong_cell = _notebook(release)
    wrong_cell["cells"][0]["source"] = 42
    no_type = _notebook(release)
    no_type["cells"][1] = {"source": "x = 1", "metadata": {}}
    text = good.decode("utf-8")
    return {
        "deep": deep_cells,                                              # 100,000 levels: RecursionError once
        "deep-objects": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "invalid-utf8": good[:200] + b"\xff\xfe\xc3\x28" + good[200:],
        "huge-float": text.replace('"nbformat": 4', '"huge": 1e999, "nbformat": 4', 1).encode(),
        "huge-int": text.replace('"nbformat": 4', '"huge": ' + "9" * 5000 + ', "nbformat": 4', 1).encode(),
        "nan": text.replace('"nbformat": 4', '"x": NaN, "nbformat": 4', 1).encode(),
        "duplicate-keys": text.replace('"nbformat": 4', '"cells": [], "nbformat": 4', 1).encode(),
        "a-list": b"[1, 2, 3]",
        "a-string": b'"a notebook"',
        "cells-not-a-list": json.dumps(_notebook(release, cells={"0": "x"})).encode(),
        "source-not-text": json.dumps(wrong_cell).encode(),
        "cell-without-type": json.dumps(no_type).encode(),
        "nbformat-3": json.dumps(_notebook(release, nbformat=3)).encode(),
        "truncated": good[: len(good) // 2],
        "empty": b"",
        "huge-string": json.dumps(_notebook(release, metadata={"x": "y" * OVER_CAP})).encode(),
    }
