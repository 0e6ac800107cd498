"""Reading, cleaning and running notebooks: the one way pmkit executes a notebook in a kernel.

Notebooks are stored clean (no outputs, no execution counts, stable cell ids, minimal
metadata) so that diffs stay readable and generated student versions are byte-for-byte stable.
:func:`clean` is that normal form; ``make notebooks`` applies it and a test enforces it.
"""

from __future__ import annotations

import json
import platform
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.errors import NotebookUnreadable, PmkitError

if TYPE_CHECKING:
    import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: What ipykernel reports and JupyterLab writes into a notebook it opens. Stored in full, a chapter opens
#: unchanged (no unsaved marker) and autosave has nothing to rewrite. ``version`` is kept from the stored
#: notebook when there is one, so cleaning gives the same bytes on every Python.
LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3", "version": platform.python_version()}
#: Cell metadata that carries meaning and survives cleaning; everything else is dropped.
KEEP_CELL_METADATA = ("nbgrader", "tags", "deletable", "editable")
#: The largest notebook filed or graded; a bigger one is refused unread (the course's notebooks are under 1 MB).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
_ID_OK = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")


def read(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook, raising a PmkitError that names the file if it is not a valid notebook."""
    import nbformat
    from nbformat.reader import NotJSONError

    path = Path(path)
    try:
        return nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise PmkitError(f"{path}: no such notebook; check the path") from None
    except (NotJSONError, json.JSONDecodeError, UnicodeDecodeError):
        raise NotebookUnreadable(path, "not a readable notebook (it is not valid JSON); was it saved completely? "
                                 "Open it in JupyterLab, or restore it from a backup") from None
    except Exception as exc:  # nbformat raises several kinds for a wrong structure
        raise NotebookUnreadable(path, f"not a valid notebook ({type(exc).__name__}: {exc})") from None


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return ``nb`` in stored form: outputs and counts cleared, only meaningful metadata kept."""
    import nbformat

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.nbformat, nb.nbformat_minor = 4, 5
    stored = nb.metadata.get("language_info", {}).get("version")
    language = {**json.loads(json.dumps(LANGUAGE_INFO)), **({"version": stored} if isinstance(stored, str) else {})}
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": language}
    for cell in nb.cells:
        kept = {k: cell.metadata[k] for k in KEEP_CELL_METADATA if k in cell.metadata}
        cell.metadata = kept
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if "attachments" in cell and not cell.attachments:
            del cell["attachments"]
    return nb


def dumps(nb: nbformat.NotebookNode) -> str:
    """Serialise the way every stored notebook is written (sorted keys, one-space indent)."""
    import nbformat

    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def bad_cell_ids(nb: nbformat.NotebookNode) -> list[str]:
    """Cell ids that are missing, malformed or repeated (stable ids keep diffs readable)."""
    seen: set[str] = set()
    bad = []
    for index, cell in enumerate(nb.cells):
        cell_id = cell.get("id")
        if not cell_id or not _ID_OK.match(cell_id) or cell_id in seen:
            bad.append(f"cell {index}: {cell_id!r}")
        seen.add(cell_id or "")
    return bad


def execute(path: str | Path, *, timeout: int = 120, kernel_name: str = "python3",
            cwd: str | Path | None = None) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel and return the executed copy.

    Cells tagged ``raises-exception`` may fail; any other error raises ``CellExecutionError``.
    """
    from nbclient import NotebookClient

    path = Path(path)
    nb = read(path)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                            resources={"metadata": {"path": str(cwd or path.parent)}})
    client.execute()
    return nb


def outputs(nb: nbformat.NotebookNode) -> Iterable[tuple[int, dict[str, Any]]]:
    """Every output of every code cell, with the cell's index."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                yield index, output


def is_test_cell(cell: Any) -> bool:
    """An autograder test cell: a graded code cell that is neither a written answer nor a task (nbgrader's rule)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution") \
        and not meta.get("task")


def markdown_cell(cells: Any, cell_id: str) -> dict[str, Any] | None:
    """The Markdown cell whose nbgrader grade id (else cell id) is ``cell_id``, in a list of JSON or nbformat cells."""
    markdown = [c for c in (cells if isinstance(cells, list) else []) if isinstance(c, dict)
                and c.get("cell_type") == "markdown"]

    def grade_id(cell: dict[str, Any]) -> Any:
        meta = cell.get("metadata")
        nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
        return nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None

    return next((c for c in markdown if grade_id(c) == cell_id), None) or \
        next((c for c in markdown if c.get("id") == cell_id), None)


def markdown_answer(cells: Any, cell_id: str, starter: str = "YOUR ANSWER HERE") -> str | None:
    """The text of the Markdown answer cell ``cell_id`` (see :func:`markdown_cell`); None if absent, blank or unchanged.

    One reading for the learner's kernel (the notebook as last saved) and for the grader (the submitted
    notebook itself, never a value the learner's kernel hands over), so both see the same answer.
    """
    cell = markdown_cell(cells, cell_id)
    source = cell.get("source", "") if cell is not None else ""
    text = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else str(source)
    return None if text.strip() in ("", starter) else text


def execution_problems(nb: Any) -> list[str]:
    """Timeouts and dead kernels in an executed notebook, worth a note beside its score."""
    notes = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            name = output.get("ename", "") if output.get("output_type") == "error" else ""
            if "Timeout" in name or "DeadKernel" in name:
                notes.append(f"cell {cell.get('id', '?')}: {name}")
    return notes
