"""datasets/README.md documents every role file and every column, with the schema's type."""

from __future__ import annotations

import re

import pytest

from pmkit.exercises import catalog as exercises
from pmkit.teach import cases, glossary, roles
from pmkit.teach import content as course
from pmkit.teach import pandas_tries as tries
from pmkit.teach import worked_examples as craft
from tests.conftest import REPO

SCHEMAS = {f"roles/{s.filename}": s for s in roles.SCHEMAS.values()}
SCHEMAS |= {f"cases/{s.filename}": s for s in cases.SCHEMAS.values()}
SCHEMAS |= {f"course/{s.filename}": s for s in course.SCHEMAS.values()}
SCHEMAS |= {f"exercises/{s.filename}": s for s in exercises.SCHEMAS.values()}
SCHEMAS |= {f"course/{s.filename}": s for s in craft.SCHEMAS.values()}  # chapter 05's worked examples
SCHEMAS |= {f"course/{s.filename}": s for s in tries.SCHEMAS.values()}  # chapter 10's practice data
SCHEMAS["course/glossary.csv"] = glossary.SCHEMA

README = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")


def _section(relative: str) -> str:
    match = re.search(rf"^## {re.escape(relative)}\n(.*?)(?=^#{{1,2}} |\Z)", README, re.M | re.S)
    assert match, f"datasets/README.md has no section '## {relative}'"
    return match.group(1)


@pytest.mark.parametrize("relative", SCHEMAS)
def test_every_column_is_documented_with_its_type(relative):
    schema = SCHEMAS[relative]
    section = _section(relative)
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (\w+) \|", section, re.M))
    assert list(rows) == schema.names
    assert {name: rows[name] for name in schema.names} == {c.name: c.kind for c in schema.columns}
    required = {c.name for c in schema.columns if c.required}
    optional = {name for name in rows if f"`{name}` | {rows[name]} | *optional*" in section}
    assert optional == set(schema.names) - required


def test_every_file_on_disk_has_a_schema():
    on_disk = {str(p.relative_to(REPO / "datasets")) for p in (REPO / "datasets").rglob("*.csv")}
    assert on_disk == set(SCHEMAS)
