"""Reading, cleaning and running notebooks: the one way pmkit executes a notebook in a kernel.

Notebooks are stored clean (no outputs, no execution counts, stable cell ids, minimal
metadata) so that diffs stay readable and generated student versions are byte-for-byte stable.
:func:`clean` is that normal form; ``make notebooks`` applies it and a test enforces it.
"""

from __future__ import annotations

import json
import platform
import re
from array import array
from collections.abc import Iterable
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.errors import NotebookUnreadable, PmkitError
from pmkit.files import open_regular

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


#: The deepest nesting of JSON arrays and objects a notebook may have. Real notebooks stay under 15 (widget
#: state and JSON outputs included); a learner's file 100,000 levels deep would overflow every recursive reader.
MAX_DEPTH = 100
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)  # unrolled: linear, and fast on long strings
_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_CELL_TYPES = ("code", "markdown", "raw")


def _too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when JSON ``text`` nests arrays and objects deeper than ``limit``: one linear pass, no recursion."""
    brackets = _BRACKETS.sub("", _STRING.sub("", text))
    steps = array("b", brackets.encode("ascii").translate(_DEPTH_STEP))  # +1 per opening, -1 per closing
    return bool(steps) and max(accumulate(steps)) > limit


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"the number {name} is not allowed in a notebook")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        repeated = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise ValueError(f"the key {repeated[:40]!r} appears twice in one object")
    return found


def load_json(path: str | Path, *, max_bytes: int | None = None) -> Any:
    """A learner's notebook file as JSON, read defensively; any file at all gives data or NotebookUnreadable.

    Bounded before it is parsed: size (``max_bytes``, default :data:`MAX_NOTEBOOK_BYTES`), strict UTF-8,
    nesting depth (:data:`MAX_DEPTH`, checked by a linear scan, so nothing recursive ever sees a deep file);
    then parsed refusing repeated keys, NaN/Infinity and numbers too large for a float or an int.
    """
    path = Path(path)
    limit = MAX_NOTEBOOK_BYTES if max_bytes is None else max_bytes
    try:
        with open_regular(path) as stream:  # a pipe or device is refused, never waited on
            raw = stream.read(limit + 1)
    except FileNotFoundError:
        raise PmkitError(f"{path}: no such notebook; check the path") from None
    except IsADirectoryError:
        raise NotebookUnreadable(path, "is a folder, not a notebook") from None
    except OSError as error:
        raise NotebookUnreadable(path, f"cannot be read ({error.strerror or error})") from None
    if len(raw) > limit:
        raise NotebookUnreadable(path, f"is over the {limit / 2**20:.0f} MB limit for a notebook; not read")
    return loads_json(raw, path)


def loads_json(raw: bytes, path: str | Path) -> Any:
    """A learner's notebook bytes (already read, size-capped) as JSON, parsed as :func:`load_json` does."""
    path = Path(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotebookUnreadable(path, f"is not UTF-8 text (byte {error.start} cannot be decoded), so it is not a "
                                       "notebook; was it saved completely? Open it in JupyterLab, or restore it "
                                       "from a backup") from None
    if _too_deep(text):
        raise NotebookUnreadable(path, f"nests its JSON more than {MAX_DEPTH} levels deep, which no notebook does; "
                                       "not read (ask the learner for the notebook JupyterLab saved)")
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_refuse_constant,
                          parse_float=_finite)
    except RecursionError:  # pragma: no cover - the depth scan comes first
        raise NotebookUnreadable(path, "nests its JSON too deeply to read") from None
    except json.JSONDecodeError as error:
        raise NotebookUnreadable(path, f"not a readable notebook (it is not valid JSON: {error.msg} at character "
                                       f"{error.pos}); was it saved completely? Open it in JupyterLab, or restore "
                                       "it from a backup") from None
    except ValueError as error:  # our refusals, and int's digit limit
        detail = re.split(r"[;\n]", str(error))[0][:160]
        raise NotebookUnreadable(path, f"is JSON no notebook holds ({detail}); not read (ask the learner for the "
                                       "notebook JupyterLab saved)") from None


def shape_problem(data: Any) -> str:
    """What keeps parsed JSON from being a notebook pmkit can use (cells, sources, metadata), or ''."""
    if not isinstance(data, dict):
        return f"is JSON but not a notebook (a {type(data).__name__}, not an object with cells)"
    if not isinstance(data.get("nbformat"), int) or isinstance(data.get("nbformat"), bool):
        return "is JSON but not a notebook (no nbformat version)"
    if data["nbformat"] != 4:
        return f"is an nbformat {data['nbformat']} notebook; save it again in JupyterLab (nbformat 4)"
    if not isinstance(data.get("metadata", {}), dict):
        return "is not a valid notebook: its metadata is not an object"
    cells = data.get("cells")
    if not isinstance(cells, list):
        return "is JSON but not a notebook (it has no list of cells)"
    for index, cell in enumerate(cells):
        where = f"cell {index}"
        if not isinstance(cell, dict):
            return f"is not a valid notebook: {where} is not an object"
        if cell.get("cell_type") not in _CELL_TYPES:
            return f"is not a valid notebook: {where} has no cell_type of code, markdown or raw"
        source = cell.get("source", "")
        if not isinstance(source, str) and not (isinstance(source, list) and all(isinstance(s, str) for s in source)):
            return f"is not a valid notebook: {where}'s source is not text"
        metadata = cell.get("metadata", {})
        if not isinstance(metadata, dict) or not isinstance(metadata.get("nbgrader", {}), dict):
            return f"is not a valid notebook: {where}'s metadata is not an object"
        if cell.get("id") is not None and not isinstance(cell.get("id"), str):
            return f"is not a valid notebook: {where}'s id is not text"
        if cell["cell_type"] == "code":
            outputs = cell.get("outputs", [])
            if not isinstance(outputs, list) or not all(isinstance(o, dict) for o in outputs):
                return f"is not a valid notebook: {where}'s outputs are not a list of objects"
            count = cell.get("execution_count")
            if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
                return f"is not a valid notebook: {where}'s execution_count is not a number"
    return ""


def read(path: str | Path, *, max_bytes: int | None = None) -> nbformat.NotebookNode:
    """Read a notebook, raising NotebookUnreadable (naming the file and why) for anything that is not one.

    Safe on any file a learner can make (see :func:`load_json`); the one reader of learners' notebooks.
    """
    import nbformat

    path = Path(path)
    data = load_json(path, max_bytes=max_bytes)
    problem = shape_problem(data)
    if problem:
        raise NotebookUnreadable(path, problem)
    try:
        from nbformat import v4

        minor = data.get("nbformat_minor", 0)
        nb = v4.to_notebook_json(data, minor=minor if isinstance(minor, int) else 0)  # as nbformat.read does
        return nbformat.convert(nb, 4)
    except Exception as exc:  # nbformat raises several kinds for a wrong structure
        raise NotebookUnreadable(path, f"not a valid notebook ({type(exc).__name__}: {str(exc)[:200]})") from None


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
