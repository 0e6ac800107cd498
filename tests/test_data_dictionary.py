"""datasets/README.md documents every role file and every column, with the schema's type."""

from __future__ import annotations

import re

import pytest

from pmkit.roles import SCHEMAS
from tests.conftest import REPO

README = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")


def _section(filename: str) -> str:
    match = re.search(rf"^## roles/{re.escape(filename)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"datasets/README.md has no section '## roles/{filename}'"
    return match.group(1)


@pytest.mark.parametrize("schema", SCHEMAS.values(), ids=lambda s: s.filename)
def test_every_column_is_documented_with_its_type(schema):
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (\w+) \|", _section(schema.filename), re.M))
    assert list(rows) == schema.names
    assert {name: rows[name] for name in schema.names} == {c.name: c.kind for c in schema.columns}
    required = {c.name for c in schema.columns if c.required}
    optional = {name for name in rows if f"`{name}` | {rows[name]} | *optional*" in _section(schema.filename)}
    assert optional == set(schema.names) - required


def test_every_file_on_disk_has_a_schema():
    on_disk = {p.name for p in (REPO / "datasets" / "roles").glob("*.csv")}
    assert on_disk == {s.filename for s in SCHEMAS.values()}
