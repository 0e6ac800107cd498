"""Stored notebooks carry the metadata JupyterLab writes back, so opening one changes nothing."""

from __future__ import annotations

import nbformat

from pmkit import notebooks


def test_clean_stores_the_full_language_info_and_keeps_a_stored_version():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    nb.metadata = {"language_info": {"name": "python", "version": "3.12.1"}, "widgets": {"x": 1}}
    cleaned = notebooks.clean(nb)
    info = cleaned.metadata["language_info"]
    assert info["codemirror_mode"] == {"name": "ipython", "version": 3}
    assert info["pygments_lexer"] == "ipython3" and info["mimetype"] == "text/x-python"
    assert info["version"] == "3.12.1"  # the same bytes whichever Python runs `make notebooks`
    assert set(cleaned.metadata) == {"kernelspec", "language_info"}
    assert notebooks.clean(cleaned) == cleaned
    fresh = notebooks.clean(nbformat.v4.new_notebook())
    assert fresh.metadata["language_info"]["version"].count(".") == 2
