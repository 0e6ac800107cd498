"""The learner's kernel in a sandbox: bubblewrap namespaces, a throwaway uid, rlimits, capped output.

Every submission's kernel runs under ``bwrap`` in new PID, network, IPC and mount namespaces: it
sees the Python install, the virtual environment, the ``pmkit`` package and the course data, all
read-only, plus a private ``/tmp`` and a fresh ``HOME`` (so a fresh IPython profile) of bounded
size, and one socket folder to talk to the grader over ZMQ ``ipc``. No cohort folder, gradebook,
``solutions/``, checkout or other learner is in its view, and there is no network. As root it runs
as a random unprivileged uid (``setpriv``); otherwise in a user namespace. ``prlimit`` caps its
address space, process count, file size and open files; the parent caps the output it keeps.
Everything the kernel started dies with its PID namespace (``--die-with-parent``). Where the
sandbox cannot be made, :func:`require` says why, once, and grading refuses unless told
``--no-sandbox``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmkit.errors import PmkitError

HOME = "/home/learner"


class SandboxUnavailable(PmkitError):
    """The sandbox cannot be made on this machine."""


@dataclass(frozen=True)
class Limits:
    """What one submission's kernel may use."""

    memory: int = 1536 << 20  # address space (RLIMIT_AS): a 2 GB allocation fails with MemoryError
    processes: int = 96  # tasks (threads count) of the sandbox's own uid
    file_size: int = 32 << 20
    open_files: int = 512
    tmp_size: int = 64 << 20  # each of /tmp and HOME
    cell_output: int = 200_000  # characters of output kept per learner cell
    total_output: int = 2_000_000  # characters of output kept per notebook
    answers_output: int = 4_200_000  # characters an export step may send
    cpu_seconds: int | None = None  # RLIMIT_CPU of each process (None: the run's deadline, plus a margin)
    nice: int = 10  # below the grader and the machine's other work


class SandboxError(PmkitError):
    """The learner's notebook could not be run to its end (died, overran); the message is the reason."""


def _readonly_paths() -> list[Path]:
    """What the kernel may read: Python, the venv, pmkit and the course data (no checkout, no solutions)."""
    import pmkit
    from pmkit.paths import datasets_dir

    paths = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), Path(pmkit.__file__).resolve().parent]
    data = datasets_dir().resolve()
    paths += sorted(p for p in data.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    unique: list[Path] = []
    for path in paths:
        if not any(path == p or p in path.parents for p in unique):
            unique = [p for p in unique if path not in p.parents] + [path]
    return unique


def _system_mounts() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/alternatives"):
        args += ["--ro-bind-try", name, name]
    return args


def _ancestors(paths: list[Path]) -> list[str]:
    """Bwrap makes missing parent folders 0700; make them 0755 so the sandbox uid can pass through."""
    dirs: list[str] = []
    for path in paths:
        for parent in reversed(path.parents):
            text = str(parent)
            if text not in ("/", "/usr", "/tmp", "/home") and text not in dirs and not text.startswith("/usr/"):
                dirs.append(text)
    args = []
    for text in dirs:
        args += ["--perms", "0755", "--dir", text]
    return args


def _tasks_of(uid: int) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                count += len(list((entry / "task").iterdir()))
    return count


def command(argv: list[str], sockets: Path, limits: Limits, uid: int | None,
            extra_env: dict[str, str] | None = None) -> list[str]:
    """The full command line that runs ``argv`` in the sandbox (``uid`` set when running as root)."""
    paths = _readonly_paths()
    venv_bin = str(Path(sys.prefix) / "bin")
    env = {"HOME": HOME, "USER": "learner", "LOGNAME": "learner", "PATH": f"{venv_bin}:/usr/bin:/bin",
           "IPYTHONDIR": f"{HOME}/.ipython", "JUPYTER_CONFIG_DIR": f"{HOME}/.jupyter",
           "JUPYTER_DATA_DIR": f"{HOME}/.local/share/jupyter", "JUPYTER_RUNTIME_DIR": f"{HOME}/.runtime",
           "MPLCONFIGDIR": f"{HOME}/.matplotlib", "TMPDIR": "/tmp", "LANG": "C.UTF-8",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           **(extra_env or {})}
    if os.environ.get("PMKIT_DATASETS"):
        from pmkit.paths import datasets_dir

        env["PMKIT_DATASETS"] = str(datasets_dir().resolve())
    nproc = limits.processes if uid is not None else _tasks_of(os.getuid()) + limits.processes
    rlimits = ["prlimit", f"--as={limits.memory}", f"--nproc={nproc}", f"--fsize={limits.file_size}",
               f"--nofile={limits.open_files}", "--core=0",
               *([f"--cpu={limits.cpu_seconds}"] if limits.cpu_seconds else []), "--",
               "nice", "-n", str(limits.nice)]
    bwrap = [shutil.which("bwrap") or "bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
             "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
    if uid is None:
        bwrap += ["--unshare-user", "--disable-userns"]
    for key, value in env.items():
        bwrap += ["--setenv", key, value]
    bwrap += [*_system_mounts(), "--proc", "/proc", "--dev", "/dev", "--perms", "0755", "--dir", "/home"]
    bwrap += ["--perms", "1777", "--size", str(limits.tmp_size), "--tmpfs", "/tmp",
              "--perms", "1777", "--size", str(limits.tmp_size), "--tmpfs", HOME]
    # After the tmpfs mounts, so an install under /tmp (a CI clone in a 0700 mktemp folder) stays reachable.
    bwrap += _ancestors([*paths, sockets])
    for path in paths:
        bwrap += ["--ro-bind", str(path), str(path)]
    bwrap += ["--bind", str(sockets), str(sockets), "--chdir", HOME, "--"]
    if uid is None:  # rlimits set outside are inherited by everything in the sandbox
        return rlimits + bwrap + argv
    drop = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
            "--inh-caps=-all", "--bounding-set=-all", "--"]
    return bwrap + drop + rlimits + argv


def sandbox_uid() -> int | None:
    """A throwaway uid for one sandbox when running as root (None otherwise: a user namespace is used)."""
    return random.randrange(200_000, 1_200_000) if os.geteuid() == 0 else None


@functools.lru_cache(maxsize=1)
def unavailable_reason() -> str | None:
    """Why the sandbox cannot be made here, or None when it can (checked once per process)."""
    needed = ["bwrap", "prlimit"] + (["setpriv"] if os.geteuid() == 0 else [])
    missing = [name for name in needed if shutil.which(name) is None]
    if missing:
        return (f"{', '.join(missing)} not found (Debian: apt-get install bubblewrap util-linux)")
    folder = Path(tempfile.mkdtemp(prefix="pmkit-probe-"))
    try:
        uid = sandbox_uid()
        if uid is not None:
            os.chown(folder, uid, uid)
        done = subprocess.run(command([sys.executable, "-c", "import pmkit.exercises.catalog"], folder, Limits(), uid),
                              capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            return f"bubblewrap could not start a sandbox: {(done.stderr or done.stdout).strip()[-400:]}"
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not start a sandbox: {error}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return None


_warned: set[str] = set()


def require() -> None:
    """Raise :class:`SandboxUnavailable` saying why the sandbox cannot be made (said once per process)."""
    reason = unavailable_reason()
    if reason is None:
        return
    raise SandboxUnavailable(f"the grading sandbox cannot be made here: {reason}. Learner code is not run "
                             "outside it; to grade without it anyway (learner code then runs as you, with your "
                             "files in reach), pass --no-sandbox.")


#: Largest single message the grader takes from a kernel; ZMQ drops larger ones before they fill its memory.
MAX_MESSAGE = 64 << 20


def _client_class_name() -> str:
    return f"{__name__}.CappedKernelClient"


def __getattr__(name: str) -> Any:
    """``CappedKernelClient`` is made on first use, so importing this module stays cheap."""
    if name != "CappedKernelClient":
        raise AttributeError(name)
    import zmq
    import zmq.asyncio
    from jupyter_client.asynchronous import AsyncKernelClient
    from traitlets import default

    class CappedKernelClient(AsyncKernelClient):
        """A kernel client whose sockets refuse messages over :data:`MAX_MESSAGE` bytes."""

        @default("context")
        def _context_default(self) -> Any:
            context = zmq.asyncio.Context()
            context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)
            return context

    globals()["CappedKernelClient"] = CappedKernelClient
    return CappedKernelClient


def _kernel_manager_class() -> type:
    from jupyter_client.manager import AsyncKernelManager

    class SandboxedKernelManager(AsyncKernelManager):
        """A kernel launched inside the sandbox, talking over ipc sockets in one shared folder."""

        def __init__(self, *, folder: Path, limits: Limits, uid: int | None, env: dict[str, str] | None = None,
                     group: Any = None, **kw: Any) -> None:
            super().__init__(transport="ipc", ip=str(folder / "k"), connection_file=str(folder / "kernel.json"),
                             client_class=_client_class_name(), **kw)
            self.sandbox_folder, self.limits, self.sandbox_uid, self.sandbox_env = folder, limits, uid, env
            self.sandbox_group = group

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            argv = [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file,
                    "--HistoryManager.enabled=False", "--IPKernelApp.capture_fd_output=False"]
            full = command(argv, self.sandbox_folder, self.limits, self.sandbox_uid, self.sandbox_env)
            return self.sandbox_group.enter_command(full) if self.sandbox_group is not None else full

        def write_connection_file(self, **kwargs: Any) -> None:
            super().write_connection_file(**kwargs)
            if self.sandbox_uid is not None:
                os.chown(self.connection_file, self.sandbox_uid, self.sandbox_uid)

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            kw["stdout"] = kw["stderr"] = subprocess.DEVNULL  # the kernel's own console chatter is not kept
            await super()._async_launch_kernel(kernel_cmd, **kw)

        async def interrupt_kernel(self) -> None:  # type: ignore[override]
            """Signals cannot cross into the sandbox's PID namespace: interrupt by message."""
            if self.has_kernel:
                self._connect_control_socket()
                self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))

    return SandboxedKernelManager


def _size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values()) + 8 * len(value)
    if isinstance(value, list):
        return sum(_size(v) for v in value) + 8
    return 8


def _client_class() -> type:
    import nbformat
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        """nbclient with per-cell and per-notebook output caps, and no widget state kept."""

        def __init__(self, *args: Any, limits: Limits, export_cells: set[int], **kw: Any) -> None:
            super().__init__(*args, **kw)
            self.limits, self.export_cells = limits, export_cells
            self.used: dict[int, int] = {}
            self.total = 0
            self.cut: set[int] = set()

        def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
            size = _size(msg.get("content", {}))
            cap = self.limits.answers_output if cell_index in self.export_cells else self.limits.cell_output
            used = self.used.get(cell_index, 0)
            if used + size > cap or (cell_index not in self.export_cells
                                     and self.total + size > self.limits.total_output):
                if cell_index in self.cut:
                    return None
                self.cut.add(cell_index)
                outs.append(nbformat.v4.new_output("stream", name="stdout",
                                                   text="\n[output cut here: more than the grader keeps]\n"))
                return None
            self.used[cell_index] = used + size
            if cell_index not in self.export_cells:
                self.total += size
            return super().output(outs, msg, display_id, cell_index)

        def handle_comm_msg(self, outs: list, msg: dict, cell_index: int) -> None:
            return None  # widgets are not graded; their state is not kept

        async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> Any:
            if cell is not None:  # recorded even when the interrupt then ends the cell
                outputs = cell.setdefault("outputs", [])
                if not any(o.get("ename") == "CellTimeoutError" for o in outputs):
                    outputs.append(nbformat.v4.new_output("error", **self.error_on_timeout))
            return await super()._async_handle_timeout(timeout, cell)

    return CappedClient


def run(nb: Any, *, export_cells: set[int], cell_timeout: int, deadline: float, sandboxed: bool = True,
        limits: Limits | None = None, saved: tuple[str, str] | None = None, on_cell_executed: Any = None) -> Any:
    """Execute ``nb`` (a copy) in a fresh kernel, sandboxed unless told not to; returns it with outputs.

    ``saved`` is (file name, text) of the notebook as the learner submitted it, put beside the kernel so that
    cells reading their own notebook (a Markdown answer) find it as they would in JupyterLab. It must hold
    nothing the learner may not read: never a notebook with hidden tests or solutions restored.
    ``on_cell_executed`` is nbclient's hook, called with each cell and its execute reply.

    Raises :class:`SandboxError` with a reason when the kernel dies or the whole run overruns
    ``deadline`` seconds; a cell that raises is just an error output.
    """
    import dataclasses
    import math

    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from pmkit.grading import cgroups

    limits = limits or Limits()
    if limits.cpu_seconds is None:  # a kernel that outlives its deadline's CPU time is stopped by the kernel too
        limits = dataclasses.replace(limits, cpu_seconds=math.ceil(deadline) + 10)
    folder = Path(tempfile.mkdtemp(prefix="pmkit-k-"))
    uid = sandbox_uid() if sandboxed else None
    env = None
    group = None
    if saved is not None:  # the kernel's own file (0600): no other local user reads a learner's work
        path = folder / Path(saved[0]).name
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as out:
            out.write(saved[1])
        if uid is not None:
            os.chown(path, uid, uid)
        env = {"JPY_SESSION_NAME": str(path)}
    if sandboxed:
        require()
        if uid is not None:
            os.chown(folder, uid, uid)
        folder.chmod(0o700)
        if cgroups.unavailable_reason() is None:  # memory held in files (memfd, tmpfs) counted, a CPU share
            try:
                group = cgroups.create(limits.memory, limits.processes)
            except OSError:
                group = None
        km = _kernel_manager_class()(folder=folder, limits=limits, uid=uid, env=env, group=group,
                                     kernel_name="python3")
    else:
        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(kernel_name="python3")
    client = _client_class()(nb, km=km, timeout=cell_timeout, allow_errors=True, interrupt_on_timeout=True,
                             limits=limits, export_cells=export_cells, kernel_name="python3",
                             resources={"metadata": {"path": str(folder)}}, record_timing=False,
                             store_widget_state=False, shutdown_kernel="immediate",
                             error_on_timeout={"ename": "CellTimeoutError", "evalue": "",  # as nbgrader records it
                                               "traceback": [f"CellTimeoutError: the cell ran longer than "
                                                             f"{cell_timeout} s and was interrupted"]})
    if uid is not None:  # once its sockets exist the kernel may write nothing more outside its own tmpfs
        def lock_folder(**_: Any) -> None:
            os.chown(folder, os.geteuid(), os.getegid())
            folder.chmod(0o711)

        client.on_notebook_start = lock_folder
    if on_cell_executed is not None:
        client.on_cell_executed = on_cell_executed
    overran = threading.Event()

    def stop() -> None:
        overran.set()
        provisioner = getattr(km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        if process is not None:
            with contextlib.suppress(OSError):
                os.kill(process.pid, signal.SIGKILL)

    timer = threading.Timer(deadline, stop)
    timer.daemon = True
    timer.start()
    try:
        client.execute()
    except (DeadKernelError, CellTimeoutError, RuntimeError) as error:
        if group is not None and group.oom_kills():
            raise SandboxError(_out_of_memory(limits)) from None
        if overran.is_set():
            raise SandboxError(f"stopped after {deadline:g} s: an endless loop, or one that ignores interrupts"
                               ) from None
        if isinstance(error, CellTimeoutError):
            raise SandboxError(f"CellTimeoutError: a cell ran longer than {cell_timeout} s") from None
        raise SandboxError("DeadKernelError: the notebook's kernel died (it exited, crashed or ran out of "
                           "memory)") from None
    finally:
        timer.cancel()
        with contextlib.suppress(Exception):
            if km.has_kernel:
                from jupyter_core.utils import run_sync

                run_sync(km.shutdown_kernel)(now=True)
        shutil.rmtree(folder, ignore_errors=True)
        oom = group is not None and group.oom_kills() > 0
        if group is not None:
            group.remove()
    if oom:  # something in the sandbox was stopped for memory even though the notebook reached its end
        raise SandboxError(_out_of_memory(limits))
    if overran.is_set():
        raise SandboxError(f"stopped after {deadline:g} s: an endless loop, or one that ignores interrupts")
    return nb


def _out_of_memory(limits: Limits) -> str:
    return (f"out of memory: the notebook held more than {limits.memory >> 20} MB (memory in files such as memfd "
            "or /tmp counts too) and was stopped")


def local_kernels(config: Any) -> Any:
    """Talk to grading kernels over Unix sockets, not TCP: nothing on the network, and no ipykernel warning.

    Over TCP every kernel prints "Kernel is running over TCP without encryption"; IPC sockets live in
    Jupyter's runtime folder, readable by their owner only.
    """
    from jupyter_core.paths import jupyter_runtime_dir

    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    config.KernelManager.transport = "ipc"
    # An absolute socket prefix per process: nbgrader starts kernels in the notebook's folder, so the
    # default relative one would differ between the kernel and its client; parallel graders never share one.
    config.KernelManager.ip = str(runtime / f"pmkit-{os.getpid()}")
    return config
