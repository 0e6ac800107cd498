"""`pmkit check` is found in JupyterLab's terminal even when the server was started without the venv on PATH.

The server is started as an IDE, a desktop launcher or a hub spawner starts it: by the full path of the
venv's `jupyter`, with a PATH that does not name the venv, and without a terminal. The test opens a real
terminal through the server's API and asks its shell where `pmkit` is.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port, serve_until_ready

pytestmark = pytest.mark.slow
VENV_BIN = Path(sys.prefix) / "bin"


def _request(url: str, method: str = "GET") -> dict:
    with urllib.request.urlopen(urllib.request.Request(url, method=method, data=b"" if method == "POST" else None),
                                timeout=10) as answer:
        return json.loads(answer.read() or b"{}")


async def _ask_terminal(base: str, token: str, name: str, command: str, until: str, timeout: float = 60) -> str:
    """Type ``command`` into terminal ``name`` and return what it prints up to a match of the pattern ``until``.

    The pattern must not match the command's own echo, which may arrive in pieces (under load it often does).
    """
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(f"{base.replace('http', 'ws')}/terminals/websocket/{name}?token={token}")
    seen, sent = "", False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                message = await asyncio.wait_for(ws.read_message(), timeout=2)
            except TimeoutError:
                message = None
            if message is not None:
                kind, *data = json.loads(message)
                if kind == "stdout":
                    seen += data[0]
            if not sent:  # the first prompt (or two quiet seconds) means the shell has started
                ws.write_message(json.dumps(["stdin", command + "\r"]))
                sent = True
            if re.search(until, seen.replace(command, "")):
                return seen
        raise AssertionError(f"no {until!r} from the terminal in {timeout} s; it printed:\n{seen[-2000:]}")
    finally:
        ws.close()


@pytest.mark.parametrize("mode", ["learner", "instructor"])
def test_the_lab_terminal_finds_pmkit_without_the_venv_on_path(tmp_path, mode):
    port, token = free_port(), "terminal-path-token"
    outside = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != VENV_BIN]
    env = {**os.environ, "PATH": os.pathsep.join(outside or ["/usr/bin", "/bin"]), "SHELL": "/bin/bash",
           "HOME": str(tmp_path / "home"), "JUPYTER_CONFIG_DIR": str(REPO / "deploy" / "lab" / mode),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "home").mkdir()
    root = ["--allow-root"] if os.getuid() == 0 else []
    command = [VENV_BIN / "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={REPO}", *root]
    base = f"http://127.0.0.1:{port}"
    with serve_until_ready(command, port=port, token=token, log=tmp_path / "lab.log", env=env):
        name = _request(f"{base}/api/terminals?token={token}", method="POST")["name"]
        printed = asyncio.run(_ask_terminal(base, token, name, "command -v pmkit; echo FOUND-$?", r"FOUND-\d"))
        after = printed.split("FOUND-$?", 1)[-1]
        assert "FOUND-0" in after, printed[-2000:]
        assert str(VENV_BIN / "pmkit") in after, printed[-2000:]


def test_the_terminal_command_puts_the_folder_first_after_the_login_shell_start_up():
    import runpy

    helpers = runpy.run_path(str(REPO / "deploy" / "lab" / "terminal_path.py"))
    command = helpers["terminal_command"]("/opt/my env/bin", "/bin/bash")
    assert command[:3] == ["/bin/bash", "-l", "-c"] and command[3].endswith("exec /bin/bash -i")
    assert command[3].startswith("PATH='/opt/my env/bin':\"$PATH\"; export PATH;")
    assert helpers["terminal_command"]("/x/bin", "/usr/bin/fish") is None  # not a POSIX shell: server PATH only
    environ = {"PATH": "/usr/bin:/x/bin:/bin"}
    helpers["put_first_on_path"]("/x/bin", environ)
    assert environ["PATH"] == "/x/bin:/usr/bin:/bin"
