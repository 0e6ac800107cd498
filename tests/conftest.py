"""Shared fixtures and helpers: repository paths, rosters and cohorts, learner notebooks, ports and Chromium.

Everything here is real: cohorts are made by ``Cohort.init`` with a real SQLite gradebook and graded by
real kernels and nbgrader; pages open in Debian's Chromium. What costs seconds is made once per test run
(session scope) and copied where a test changes it (cohort folders are relocatable).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
COURSE = REPO / "course"
#: Debian's Chromium, driven by Playwright in the browser tests (.ci/run installs it; no `playwright install`).
CHROMIUM = Path("/usr/bin/chromium")
#: The exercise most grading tests use: its solution (7/7 autograded points) and its blank release (0/7).
EX = "beta-metrics"
SOLUTION = REPO / "solutions" / EX / f"{EX}.ipynb"
RELEASE = REPO / "exercises" / EX / f"{EX}.ipynb"
ROSTER_HEADER = "id,first_name,last_name,email\n"


# --- rosters, cohorts and learner notebooks ----------------------------------------------------------------------

def write_roster(path: Path, learners: Iterable[str | tuple[str, ...]], email: str = "{id}@example.org",
                 last_name: str = "Test") -> Path:
    """A roster CSV at ``path``: each learner an id, or an ``(id, first_name, last_name)`` row."""
    rows = []
    for learner in learners:
        lid, first, last = (learner, learner.title(), last_name) if isinstance(learner, str) else learner
        rows.append(f"{lid},{first},{last},{email.format(id=lid, lower=lid.lower())}\n")
    path.write_text(ROSTER_HEADER + "".join(rows), encoding="utf-8")
    return path


def new_cohort(base: Path, learners: Iterable[str | tuple[str, ...]], *, release: Iterable[str] = (),
               folder: str = "cohort", email: str = "{id}@example.org", last_name: str = "Test", **init):
    """``Cohort.init`` of ``base/folder`` from a roster written to ``base/roster.csv``; ``release`` is released."""
    from pmkit.cohort.folder import Cohort

    base.mkdir(parents=True, exist_ok=True)
    roster = write_roster(base / "roster.csv", learners, email=email, last_name=last_name)
    cohort = Cohort.init(base / folder, roster, **init)
    for exercise in release:
        cohort.release(exercise)
    return cohort


def with_answers(source: Path, **answers: str):
    """The notebook at ``source`` with the cells of these ids given this source (a learner's answers)."""
    import nbformat

    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.id in answers:
            cell.source = answers[cell.id]
    return nb


def collect(cohort, folder: Path, notebooks: dict, exercise: str = EX):
    """Collect ``{learner: notebook node or path}`` as submission files written to ``folder``."""
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    for learner, nb in notebooks.items():
        if isinstance(nb, Path):
            shutil.copy(nb, folder / f"{learner}.ipynb")
        else:
            nbformat.write(nb, folder / f"{learner}.ipynb")
    return cohort.collect(folder, exercise)


def copy_cohort(root: Path, target: Path):
    """A private copy of the cohort folder ``root`` (cohort folders are relocatable)."""
    from pmkit.cohort.folder import Cohort

    return Cohort(shutil.copytree(root, target, symlinks=True))


def hidden_lines(source: Path = SOLUTION) -> set[str]:
    """The lines of the hidden tests of ``source`` that no visible line repeats: no learner may see them."""
    import nbformat

    lines = set()
    for cell in nbformat.read(source, as_version=4).cells:
        visible, _, hidden = cell.source.partition("### BEGIN HIDDEN TESTS")
        for line in hidden.split("### END HIDDEN TESTS")[0].splitlines():
            if line.strip() and line.strip() not in visible:
                lines.add(line.strip())
    assert lines
    return lines


@pytest.fixture(scope="session")
def graded_pair(tmp_path_factory):
    """The built-once graded cohort: alice right (7/7) and bob blank (0/7) on beta-metrics, graded once per run.

    Tests that change it take a private copy (``graded_pair_copy``); the folder itself is never written to.
    """
    from pmkit.runs.runner import Grader

    base = tmp_path_factory.mktemp("graded-pair")
    cohort = new_cohort(base, [("alice", "Alice", "A"), ("bob", "Bob", "B")], email="", release=[EX])
    collect(cohort, base / "subs", {"alice": SOLUTION, "bob": RELEASE})
    outcomes = {o.learner: o for o in Grader(cohort.grading_source(EX), EX, workers=2, cell_timeout=5).run()}
    assert (outcomes["alice"].score, outcomes["bob"].score) == (7, 0)
    return cohort.root


@pytest.fixture
def graded_pair_copy(graded_pair, tmp_path):
    """A private copy of the graded pair, free to change."""
    return copy_cohort(graded_pair, tmp_path / "cohort")


def pmkit_cli(*args, **kw):
    """``python -m pmkit.cli`` with these arguments, as an operator runs it; never raises on failure."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "pmkit.cli", *map(str, args)], capture_output=True, text=True,
                          check=False, **kw)


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    """A real small file system of ``size`` mounted at ``path`` (the test is skipped where mounting is not allowed)."""
    import subprocess

    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


# --- processes and ports ---------------------------------------------------------------------------------------

def free_port(consecutive: int = 1) -> int:
    """A loopback port P with P .. P+consecutive-1 all free (a hub needs three)."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port + consecutive > 65535:
            continue
        try:
            for offset in range(1, consecutive):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port + offset))
        except OSError:
            continue
        return port
    raise RuntimeError(f"no {consecutive} consecutive free ports on 127.0.0.1")


def start_server(command: Sequence[str], *, port: int, token: str, log: Path, env: dict[str, str] | None = None,
                 cwd: Path | None = None, timeout: float = 120) -> subprocess.Popen:
    """Start a Jupyter server command in its own process group, its output in ``log``, and return once
    ``/api/status`` on ``port`` answers 200; a server that exits or stays silent fails with the end of its log."""
    import time
    import urllib.request

    with log.open("w") as sink:
        proc = subprocess.Popen(list(map(str, command)), stdout=sink, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env, cwd=cwd, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api/status?token={token}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=3) as answer:
                if answer.status == 200:
                    return proc
        except OSError:
            pass
        time.sleep(0.5)
    exited = proc.poll()
    stop_server(proc)
    why = f"exited with {exited}" if exited is not None else f"did not answer 200 in {timeout:.0f} s"
    raise AssertionError(f"{' '.join(map(str, command))} {why}:\n{log.read_text()[-3000:]}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started by :func:`start_server` and everything it started (its process group)."""
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def serve_until_ready(command: Sequence[str], **start) -> Iterator[subprocess.Popen]:
    """A Jupyter server that answers on its port for the ``with`` block, stopped after it (see :func:`start_server`)."""
    proc = start_server(command, **start)
    try:
        yield proc
    finally:
        stop_server(proc)


@pytest.fixture(autouse=True)
def _private_progress(tmp_path_factory, monkeypatch):
    """Every test's `pmkit check` and quizzes record progress in a scratch file, never the developer's own."""
    if "PMKIT_PROGRESS" not in os.environ:
        monkeypatch.setenv("PMKIT_PROGRESS", str(tmp_path_factory.mktemp("progress") / "progress.json"))


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of datasets/ that pmkit reads instead of the real one."""
    target = tmp_path / "datasets"
    shutil.copytree(REPO / "datasets", target)
    monkeypatch.setenv("PMKIT_DATASETS", str(target))
    return target / "roles"


# --- Chromium --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, for the browser tests of JupyterLab, the instructor pages and the hub.

    Module scope, not session: Playwright's sync API keeps an event loop running in this thread while it is open,
    and the hub tests call ``asyncio.run`` before they open their own browser.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"])
        yield chromium
        chromium.close()


def block_outside(context) -> list[str]:
    """Abort every request of a browser context that leaves the machine (files and loopback pass); the list
    records the ones aborted."""
    outside: list[str] = []

    def only_local(route):
        url = route.request.url
        host = url.split("/")[2].split(":")[0] if url.startswith(("http:", "https:", "ws:", "wss:")) else ""
        if host in ("127.0.0.1", "localhost") or url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", only_local)
    return outside


def offline_context(browser, height: int = 800):
    """A new browser context that can reach only this machine."""
    context = browser.new_context(viewport={"width": 1280, "height": height})
    context.outside_requests = block_outside(context)
    return context


@pytest.fixture
def offline_page(browser):
    """A Chromium tab that can reach only this machine; ``page.outside_requests`` lists what it tried beyond."""
    context = offline_context(browser)
    tab = context.new_page()
    tab.outside_requests = context.outside_requests
    yield tab
    context.close()


# --- PostgreSQL ---------------------------------------------------------------------------------------------------

class PostgresServer:
    """A real PostgreSQL server in a scratch folder, reached on a loopback port; ``database(name)`` makes one."""

    def __init__(self, folder: Path) -> None:
        import glob
        import subprocess

        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            message = "PostgreSQL is not installed (.ci/run installs Debian's postgresql package)"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.data = folder / "data"
        folder.mkdir(parents=True, exist_ok=True)
        # PostgreSQL refuses to run as root; Debian's package made the postgres user for it
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(folder, "postgres")
        run = lambda *cmd: subprocess.run([*self.as_user, *map(str, cmd)], check=True,  # noqa: E731
                                          capture_output=True, text=True, timeout=120)
        run(self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        run(self.bin / "pg_ctl", "-D", self.data, "-w", "-l", folder / "server.log", "-o",
            f"-p {self.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60", "start")
        self._run = run

    def database(self, name: str) -> str:
        """A new empty database and its SQLAlchemy URL."""
        self._run(self.bin / "psql", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-c",
                  f'create database "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        """Stop the server (its folder goes with the test run's temporary files)."""
        import subprocess

        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the test run (per pytest worker), in its own folder under /tmp.

    Not under pytest's temporary folder: that is private to root, and the server runs as the postgres user.
    """
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="pmkit-postgres-"))
    os.chmod(folder, 0o755)
    try:
        server = PostgresServer(folder / "server")
        yield server
        server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


#: The test files that take longest (``pytest --durations=30`` names them), handed to xdist's workers first:
#: ``--dist loadfile`` gives out whole files in collection order, so a long file collected last makes one
#: worker finish minutes after the other. Only the order changes; a stale list just costs time.
LONGEST_FIRST = (
    "tests/grading/test_grading_trust.py", "tests/hub/test_hub.py", "tests/runs/test_shards.py",
    "tests/cohort/test_cohort.py", "tests/cohort/test_instructor_pages.py", "tests/course/test_course_execution.py",
    "tests/runs/test_grading_safety.py", "tests/grading/test_any_course.py", "tests/cohort/test_hostile_files.py",
    "tests/browser/test_browser.py", "tests/browser/test_learner_view.py", "tests/cohort/test_peer_review.py",
    "tests/cohort/test_canvas_times.py", "tests/cohort/test_postgres_cohort.py",
    "tests/cohort/test_feedback_sources.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the longest test files first (see LONGEST_FIRST); every other file keeps its place."""
    rank = {REPO / name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(Path(item.path), len(rank)))
