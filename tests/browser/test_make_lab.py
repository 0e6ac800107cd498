"""`make lab` serves JupyterLab on 127.0.0.1 with the welcome chapter open, also as root."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import REPO, free_port

pytestmark = pytest.mark.slow


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except OSError:
        return 0, b""


def test_make_lab_serves_the_welcome_chapter(tmp_path):
    port, token = free_port(), "pmkit-test-token"
    log = tmp_path / "lab.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "BROWSER": "true"}
    args = f"--port={port} --no-browser --IdentityProvider.token={token}"
    with log.open("w") as sink:
        proc = subprocess.Popen(["make", "-s", "-C", str(REPO), "lab", f"LAB_ARGS={args}"], stdout=sink,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        status = 0
        while time.monotonic() < deadline and status != 200:
            assert proc.poll() is None, log.read_text()
            status, _ = _get(f"{base}/api/status?token={token}")
            time.sleep(0.5)
        assert status == 200, log.read_text()
        text = log.read_text()
        # The page JupyterLab opens in the browser is the welcome chapter (the file named on its
        # command line); the server writes that redirect page to its runtime folder.
        opened = list((tmp_path / "runtime").glob("jpserver-file-to-run-*-open.html"))
        assert opened, sorted(p.name for p in (tmp_path / "runtime").iterdir())
        assert re.search(rf"http://127\.0\.0\.1:{port}/lab/tree/course/00-welcome\.ipynb",
                         opened[0].read_text()), opened[0].read_text()
        status, body = _get(f"{base}/lab/tree/course/00-welcome.ipynb?token={token}")
        assert status == 200 and b"JupyterLab" in body
        status, body = _get(f"{base}/api/contents/course/00-welcome.ipynb?token={token}")
        assert status == 200
        assert json.loads(body)["content"]["cells"][0]["source"].startswith("# Welcome")
        # Bound to loopback only: the server reports 127.0.0.1, never all interfaces.
        assert "0.0.0.0" not in text and "http://127.0.0.1" in text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
