"""Hostile notebooks against `pmkit grade` and `pmkit check`: the sandbox and the trusted tests must hold.

One cohort of attackers and classmates is graded once with real kernels, real nbgrader and a
real SQLite gradebook; each test asserts the recorded score, the classmates' scores, the text a
learner gets back, and the files outside the sandbox. Attackers start from the blank release (or
the solution where noted), so any point they get beyond the expected is an attack that worked.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from pmkit.cohort.folder import Cohort
from pmkit.grading.gradebook import gradebook
from pmkit.runs.runner import FAILED, GRADED, Grader
from tests.conftest import EX, RELEASE, REPO, SOLUTION, collect, hidden_lines, new_cohort, with_answers

pytestmark = pytest.mark.slow
MARKER = "pmkit-trust-marker-4711"
BASHRC = Path.home() / ".bashrc"
STARTUP = Path.home() / ".ipython" / "profile_default" / "startup"


def _with(source: Path, *, extra: list[str] = (), points: int | None = None, **answers: str) -> nbformat.NotebookNode:
    """A notebook from ``source`` with answer cells replaced and extra learner cells after the setup."""
    nb = with_answers(source, **answers)
    for cell in nb.cells:
        if points is not None and cell.id == "test-adoption":
            cell.metadata["nbgrader"]["points"] = points
    after = next(i for i, cell in enumerate(nb.cells) if cell.id == "setup") + 1
    for offset, code in enumerate(extra):
        nb.cells.insert(after + offset, nbformat.v4.new_code_cell(code))
    for cell in nb.cells:  # ids nbformat made up are fine; keep them unique and valid
        cell.setdefault("id", f"c{id(cell)}")
    return nb


def _targets(cohort_root: Path) -> dict[str, Path]:
    """Files outside the sandbox an attacker tries to write, by what they are."""
    return {"gradebook": cohort_root / "gradebook.db",
            "state": cohort_root / ".pmkit" / f"grading-{EX}.json",
            "classmate": cohort_root / "submitted" / "vic-1" / EX / f"{EX}.ipynb",
            "pmkit": REPO / "pmkit" / "__init__.py",
            "solutions": SOLUTION,
            "bashrc": BASHRC,
            "startup": STARTUP / "00-pmkit-evil.py"}


def _tamper_code(targets: dict[str, Path]) -> str:
    paths = {k: str(v) for k, v in targets.items()}
    return f"""
import os, json
report = {{}}
for what, path in {paths!r}.items():
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a") as handle:
            handle.write("\\n# {MARKER}\\n")
        report[what] = "WROTE"
    except Exception as error:
        report[what] = type(error).__name__
# a startup file in this kernel's own (fresh) profile that would zero whoever runs next here
os.makedirs(os.path.expanduser("~/.ipython/profile_default/startup"), exist_ok=True)
open(os.path.expanduser("~/.ipython/profile_default/startup/00-zero.py"), "w").write(
    "import pmkit.exercises.checks as c\\n"
    "c.check_number = lambda *a, **k: (_ for _ in ()).throw(c.Incorrect('zeroed'))\\n")
print("tamper report", json.dumps(report, sort_keys=True))
"""


KILL = """
import os, signal
for target in (-1, 0, 1, os.getppid()):
    try:
        os.kill(target, signal.SIGKILL) if target > 0 else os.killpg(os.getpgid(0), signal.SIGKILL) if target == 0 \\
            else os.kill(-1, signal.SIGKILL)
    except Exception as error:
        print(target, type(error).__name__)
"""

SPAWN_AND_HANG = f"""
import signal, subprocess, sys
for i in range(25):
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{MARKER}"], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
"""

SNOOP = f"""
import glob, os
found = []
for pattern in ("{REPO}/solutions/**/*.ipynb", "/work/*/*.db", "/work/*/solutions", "/tmp/**/*.ipynb",
                "/tmp/**/*.db", "/tmp/**/submitted", "{REPO}/*.md"):
    found += glob.glob(pattern, recursive=True)
print("snooped", sorted(found)[:20])
print("history", In, _ih if "_ih" in globals() else None)
raise RuntimeError("leak: " + repr(found) + repr(In))
"""

SOLVED = {"answer-adoption": "beta = events[events['cohort'] == 'beta']\n"
                             "adoption_rate = beta.loc[beta['event'] == 'feature_used', 'user_id'].nunique() / "
                             "beta['user_id'].nunique()",
          "answer-errors": "c = events['event'].value_counts()\nerror_rate = c['error'] / c['feature_used']",
          "answer-tickets": "b = tickets.loc[tickets['date'] < LAUNCH, 'tickets'].mean()\n"
                            "a = tickets.loc[tickets['date'] >= LAUNCH, 'tickets'].mean()\n"
                            "ticket_change_pct = (a - b) / b * 100"}


def _attacks(targets: dict[str, Path]) -> dict[str, tuple[nbformat.NotebookNode, int | str | None]]:
    """learner id -> (notebook, expected autograded score; None: must fail; "0|failed": either)."""
    eq_anything = ("class Anything(float):\n    def __eq__(self, other):\n        return True\n"
                   "    def __sub__(self, other):\n        return 0.0\n    __rsub__ = __sub__\n"
                   "    def __abs__(self):\n        return 0.0\n    def __float__(self):\n        return 0.97\n"
                   "    __hash__ = float.__hash__\n")
    return {
        # full marks without answering
        "atk-checks": (_with(RELEASE, extra=[
            "import pmkit.exercises.checks as c, pmkit, sys\n"
            "for name in dir(c):\n    if name.startswith('check_'):\n        setattr(c, name, lambda *a, **k: None)\n"
            "c.Incorrect = c.NotAttempted = type('Never', (Exception,), {})\n"
            "sys.modules['pmkit.exercises.checks'] = type(sys)('pmkit.exercises.checks')"]), 0),
        "atk-equal": (_with(RELEASE, **{
            "answer-adoption": eq_anything + "adoption_rate = Anything(0.5)",
            "answer-errors": eq_anything + "error_rate = Anything(0.1)",
            "answer-tickets": eq_anything + "ticket_change_pct = Anything(-10)"}), 0),
        "atk-hooks": (_with(RELEASE, extra=[
            "ip = get_ipython()\n"
            "ip.input_transformers_cleanup.append(lambda lines: ['pass\\n'] if any('pmkit' in l for l in lines) "
            "else lines)\n"
            "ip.events.register('pre_run_cell', lambda info: None)"]), 0),
        "atk-builtins": (_with(RELEASE, extra=[
            "import builtins\nbuiltins.abs = lambda x: 0\nbuiltins.isinstance = lambda *a: True\n"
            "builtins.float = lambda x=0: 0.97\nbuiltins.set = lambda *a: {1}"],
            **{"answer-adoption": "adoption_rate = 0.5"}), "0|failed"),  # may break its own kernel
        "atk-rebind": (_with(RELEASE, extra=[
            "events = events.assign(event='feature_used')\nimport pandas as pd\nLAUNCH = pd.Timestamp('2025-05-01')\n"
            "tickets = tickets.assign(tickets=1)"], **SOLVED), 0),
        # scores only from trusted data: the points field is restored, the score clamped, right answers still count
        "atk-forge": (_with(SOLUTION, points=105, extra=[
            "from IPython.display import display\n"
            "display({'text/x-pmkit-answers': '{\"adoption_rate\": 105}'}, raw=True)\n"
            "print('{\"output_type\": \"execute_result\", \"data\": {\"text/plain\": \"105\"}}')"]), 7),
        # tampering beyond one's own work
        "atk-files": (_with(RELEASE, extra=[_tamper_code(targets)]), 0),
        "atk-kill": (_with(SOLUTION, extra=[KILL]), 7),  # it cannot reach the worker, so it is simply graded
        # leaks
        "atk-snoop": (_with(RELEASE, extra=[SNOOP]), 0),
        # limits
        "atk-memory": (_with(SOLUTION, extra=["hog = bytearray(2 * 1024 ** 3)\nprint('allocated', len(hog))"]), 7),
        "atk-flood": (_with(SOLUTION, extra=["print('x' * 24_000_000)"]), 7),
        "atk-spawn": (_with(SOLUTION, extra=[SPAWN_AND_HANG]), None),
    }


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _marker_processes(marker: str = MARKER) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(entry.name)
            except OSError:
                pass
    return found


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    base = tmp_path_factory.mktemp("trust")
    root = base / "cohort"
    targets = _targets(root)
    attacks = _attacks(targets)
    victims = ["vic-1", "vic-2", "vic-3"]
    learners = sorted(attacks) + victims
    cohort = new_cohort(base, learners, email="{id}@secret.example", release=[EX])
    collect(cohort, base / "subs", {**{learner: nb for learner, (nb, _) in attacks.items()},
                                    "vic-1": _with(SOLUTION), "vic-2": _with(SOLUTION),
                                    "vic-3": _with(RELEASE, **{"answer-errors": SOLVED["answer-errors"]})})
    (root / ".pmkit").mkdir(exist_ok=True)
    before = {what: _digest(path) for what, path in targets.items() if what not in ("gradebook", "state")}
    outcomes = Grader(cohort.grading_source(EX), EX, workers=2, cell_timeout=10, submission_timeout=60,
                      out=sys.stderr).run()
    return cohort, attacks, {o.learner: o for o in outcomes}, targets, before


def _graded_text(cohort: Cohort, learner: str) -> str:
    path = cohort.root / "autograded" / learner / EX / f"{EX}.ipynb"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _outputs_text(cohort: Cohort, learner: str) -> str:
    """Everything in the outputs of a learner's graded notebook (what feedback pages show besides sources)."""
    text = _graded_text(cohort, learner)
    nb = nbformat.reads(text, as_version=4) if text else nbformat.v4.new_notebook()
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts += [output.get("text", ""), output.get("evalue", ""), *output.get("traceback", []),
                      *(str(v) for v in output.get("data", {}).values())]
    return "\n".join(parts)


def _scores(cohort: Cohort, learner: str) -> dict[str, float | None]:
    with gradebook(cohort.db_url) as book:
        return {g.name: g.auto_score for g in book.find_submission_notebook(EX, EX, learner).grades}


def test_every_attack_gets_exactly_its_own_score(attacked):
    cohort, attacks, outcomes, _, _ = attacked
    for learner, (_, expected) in attacks.items():
        outcome = outcomes[learner]
        if expected == "0|failed":
            assert outcome.status == FAILED or (outcome.status, outcome.score) == (GRADED, 0), (learner, outcome)
        elif expected is None:
            assert outcome.status == FAILED, (learner, outcome)
        else:
            assert (outcome.status, outcome.score, outcome.max_score) == (GRADED, expected, 7), (learner, outcome)
            with gradebook(cohort.db_url) as book:
                assert book.find_submission(EX, learner).score == expected, learner


def test_classmates_keep_their_scores(attacked):
    cohort, _, outcomes, _, _ = attacked
    for learner, total in (("vic-1", 7), ("vic-2", 7), ("vic-3", 2)):
        assert (outcomes[learner].status, outcomes[learner].score) == (GRADED, total), outcomes[learner]
    assert _scores(cohort, "vic-1") == {"test-adoption": 2, "test-errors": 2, "test-tickets": 3, "answer-call": None}


def test_answers_that_are_not_plain_data_are_named_and_score_zero(attacked):
    cohort, _, _, _, _ = attacked
    nb = nbformat.reads(_graded_text(cohort, "atk-equal"), as_version=4)
    errors = [o["evalue"] for c in nb.cells for o in c.get("outputs", []) if o.get("ename") == "Incorrect"]
    assert any("adoption_rate: an answer must be plain data" in e and "got a Anything" in e for e in errors), errors


def test_swallowed_test_cells_hand_over_nothing(attacked):
    cohort, _, _, _, _ = attacked
    assert _scores(cohort, "atk-hooks")["test-adoption"] == 0
    assert "did not hand over its answers" in _graded_text(cohort, "atk-hooks")


def test_points_field_is_restored_and_scores_clamped(attacked):
    cohort, _, _, _, _ = attacked
    scores = _scores(cohort, "atk-forge")
    assert scores["test-adoption"] == 2
    with gradebook(cohort.db_url) as book:
        assert max(g.max_score for g in book.find_submission_notebook(EX, EX, "atk-forge").grades) <= 3


def test_files_outside_the_sandbox_are_untouched(attacked):
    cohort, _, _, targets, before = attacked
    for what, digest in before.items():
        assert _digest(targets[what]) == digest, what
    assert MARKER.encode() not in targets["gradebook"].read_bytes()
    assert MARKER not in targets["state"].read_text(encoding="utf-8")
    assert not (STARTUP / "00-pmkit-evil.py").exists()
    report = next(line for line in _outputs_text(cohort, "atk-files").splitlines() if "tamper report" in line)
    tried = json.loads(report.split("tamper report", 1)[1])
    assert tried["pmkit"] != "WROTE" and tried["solutions"] != "WROTE" and tried["bashrc"] != "WROTE", tried
    # the cohort's paths do not exist in the sandbox: whatever it "wrote" there went to its own throwaway /tmp
    state = json.loads(targets["state"].read_text(encoding="utf-8"))
    assert state["atk-files"]["status"] == GRADED and state["atk-files"]["score"] == 0


def test_a_kernel_that_kills_everything_it_sees_reaches_nothing(attacked):
    cohort, _, outcomes, _, _ = attacked
    assert (outcomes["atk-kill"].status, outcomes["atk-kill"].score) == (GRADED, 7)
    tried = _outputs_text(cohort, "atk-kill")
    assert "1 PermissionError" in tried  # the sandbox's init is not the learner's to signal; the worker is not in view
    assert all(o.status == GRADED for learner, o in outcomes.items() if learner.startswith("vic-"))


def test_detached_processes_and_hanging_kernels_are_gone(attacked):
    _, _, outcomes, _, _ = attacked
    assert outcomes["atk-spawn"].status == FAILED and "stopped after" in outcomes["atk-spawn"].reason
    assert _marker_processes() == []


def test_memory_and_output_are_capped(attacked):
    cohort, _, _, _, _ = attacked
    memory = _outputs_text(cohort, "atk-memory")
    assert "MemoryError" in memory and f"allocated {2 * 1024 ** 3}" not in memory
    flood = cohort.root / "autograded" / "atk-flood" / EX / f"{EX}.ipynb"
    assert flood.stat().st_size < 3_000_000
    assert "output cut here" in flood.read_text(encoding="utf-8")


def test_nothing_secret_reaches_what_learners_get_back(attacked):
    cohort, attacks, _, _, _ = attacked
    hidden = hidden_lines()
    for learner in attacks:
        text = _graded_text(cohort, learner)
        for line in hidden:
            assert line not in text, (learner, line)
        outputs = _outputs_text(cohort, learner)
        assert "@secret.example" not in outputs and "vic-1" not in outputs and "Vic-1" not in outputs, learner
    assert "snooped []" in _outputs_text(cohort, "atk-snoop")


def _check(path: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pmkit.cli", "check", str(path)], capture_output=True, text=True,
                          check=False, cwd=REPO, env={**os.environ, **(env or {})})


def test_pmkit_check_holds_against_a_hostile_notebook(tmp_path):
    nb = _with(RELEASE, extra=[
        "import pmkit.exercises.checks as c\nc.check_number = lambda *a, **k: None\n"
        "c.check_answered = lambda *a, **k: None", SNOOP.replace("raise RuntimeError", "print")],
        **{"answer-adoption": "class A(float):\n    __eq__ = lambda s, o: True\nadoption_rate = A(0.5)",
           "answer-errors": "error_rate = 0.25"})
    path = tmp_path / f"{EX}.ipynb"
    nbformat.write(nb, path)
    done = _check(path)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert "Autograded: 0 of 7 points." in out
    assert "adoption_rate: an answer must be plain data" in out
    assert "\u2718 error_rate: got 0.25, which is not the expected value" in out
    for line in hidden_lines():
        assert line not in out, line


def test_pmkit_check_without_solutions_says_hidden_tests_run_at_grading(tmp_path):
    done = _check(SOLUTION, {"PMKIT_SOLUTIONS": str(tmp_path / "none")})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "visible checks only" in done.stdout and "Hidden tests run when your instructor grades" in done.stdout
    assert "Autograded: 7 of 7 points." in done.stdout


def test_nothing_the_kernel_started_survives_a_killed_grader(tmp_path):
    """SIGKILL the process grading a notebook whose kernel spawned detached processes: all of them go too."""
    import signal
    import time

    marker = f"{MARKER}-orphan"
    nbformat.write(_with(SOLUTION, extra=[SPAWN_AND_HANG.replace(MARKER, marker)]), tmp_path / f"{EX}.ipynb")
    script = ("import sys\nfrom pathlib import Path\nfrom pmkit.grading.engine import GradingCourse\n"
              "with GradingCourse(cell_timeout=300) as course:\n"
              f"    course.autograde({EX!r}, 'orphan', Path({str(tmp_path / f'{EX}.ipynb')!r}))\n")
    grader = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)

    def running() -> list[str]:
        return _marker_processes(marker)

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(running()) < 25:
        time.sleep(0.5)
    assert len(running()) >= 25, "the notebook never started its processes"
    grader.send_signal(signal.SIGKILL)  # the grader only, not its group: the sandbox must go by itself
    grader.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and running():
        time.sleep(0.2)
    assert running() == []


def test_the_socket_folder_is_closed_once_the_kernel_runs(tmp_path):
    """The one host folder the kernel shares (its ZMQ sockets) takes no new files after start-up."""
    from pmkit.grading.engine import GradingCourse

    if os.geteuid() != 0:
        pytest.skip("the folder is handed back to the grader only when grading runs as root")
    probe = ("import glob, os\nfolder = os.path.dirname(glob.glob('/tmp/pmkit-k-*/kernel.json')[0])\n"
             "try:\n    open(os.path.join(folder, 'fill'), 'w').write('x' * 1000)\n    print('wrote')\n"
             "except OSError as error:\n    print('refused', type(error).__name__)")
    nbformat.write(_with(SOLUTION, extra=[probe]), tmp_path / f"{EX}.ipynb")
    with GradingCourse(cell_timeout=60) as course:
        graded = course.autograde(EX, "filler", tmp_path / f"{EX}.ipynb")
    printed = "".join(o.get("text", "") for c in graded.cells for o in c.get("outputs", []))
    assert "refused PermissionError" in printed and "wrote" not in printed


def test_without_bubblewrap_check_and_grade_refuse_and_say_why(tmp_path):
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no bwrap, prlimit or setpriv on it
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "check", str(SOLUTION)], capture_output=True,
                          text=True, check=False, cwd=REPO, env=env)
    assert done.returncode == 2 and "the grading sandbox cannot be made here" in done.stderr
    assert "--no-sandbox" in done.stderr and "Traceback" not in done.stderr
    cohort = new_cohort(tmp_path, [("ann", "A", "B")], folder="c", release=[EX])
    collect(cohort, tmp_path / "subs", {"ann": _with(SOLUTION)})
    done = subprocess.run([sys.executable, "-m", "pmkit.cli", "grade", EX, "--cohort", str(cohort.root)],
                          capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 2 and "the grading sandbox cannot be made here" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_an_install_inside_a_private_tmp_folder_is_reachable_in_the_sandbox(monkeypatch):
    """A clone made by `mktemp -d` is 0700 under /tmp; the sandbox's own /tmp must not hide it from the kernel."""
    import shutil
    import tempfile

    from pmkit.grading import sandbox

    if sandbox.unavailable_reason():
        pytest.skip(f"no sandbox here: {sandbox.unavailable_reason()}")
    private = Path(tempfile.mkdtemp(prefix="pmkit-clone-"))  # 0700, like a CI clone
    sockets = Path(tempfile.mkdtemp(prefix="pmkit-k-"))
    try:
        data = private / "data"
        data.mkdir(mode=0o755)
        (data / "hello.txt").write_text("reachable", encoding="utf-8")
        (data / "hello.txt").chmod(0o644)
        paths = [*sandbox._readonly_paths(), data]
        monkeypatch.setattr(sandbox, "_readonly_paths", lambda: paths)
        uid = sandbox.sandbox_uid()
        if uid is not None:
            os.chown(sockets, uid, uid)
        argv = [sys.executable, "-c", f"print(open({str(data / 'hello.txt')!r}).read())"]
        done = subprocess.run(sandbox.command(argv, sockets, sandbox.Limits(), uid), capture_output=True,
                              text=True, timeout=60, check=False)
        assert done.returncode == 0 and done.stdout.strip() == "reachable", done.stderr[-500:]
    finally:
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)
