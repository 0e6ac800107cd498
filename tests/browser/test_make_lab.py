"""`make lab` serves JupyterLab on 127.0.0.1 with the welcome chapter open, also as root."""

from __future__ import annotations

import json
import os
import re
import urllib.request

import pytest

from tests.conftest import REPO, free_port, serve_until_ready

pytestmark = pytest.mark.slow


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except OSError:
        return 0, b""


def _env(tmp_path) -> dict[str, str]:
    """The server's environment: its own runtime folder, and no browser opened."""
    return {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "BROWSER": "true"}


def test_make_lab_serves_the_welcome_chapter(tmp_path):
    port, token = free_port(), "pmkit-test-token"
    log = tmp_path / "lab.log"
    args = f"--port={port} --no-browser --IdentityProvider.token={token}"
    with serve_until_ready(["make", "-s", "-C", REPO, "lab", f"LAB_ARGS={args}"], port=port, token=token, log=log,
                           env=_env(tmp_path)):
        base = f"http://127.0.0.1:{port}"
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


def test_make_instructor_shows_the_whole_repository(tmp_path):
    port, token = free_port(), "pmkit-instructor-token"
    args = f"--port={port} --no-browser --IdentityProvider.token={token}"
    with serve_until_ready(["make", "-s", "-C", REPO, "instructor", f"LAB_ARGS={args}"], port=port, token=token,
                           log=tmp_path / "server.log", env=_env(tmp_path)):
        status, body = _get(f"http://127.0.0.1:{port}/api/contents/?token={token}")
        assert status == 200
        names = {item["name"] for item in json.loads(body)["content"]}
        assert {"course", "solutions", "exercises", "pmkit", "README.md"} <= names, names  # the root is the repo


@pytest.mark.browser
def test_pmkit_formgrader_opens_the_cohorts_own_gradebook(tmp_path, browser):
    from pmkit.runs.runner import Grader
    from tests.conftest import EX, RELEASE, SOLUTION, collect, new_cohort, offline_context

    cohort = new_cohort(tmp_path / "c", ["ana", "ben"], release=[EX])
    collect(cohort, tmp_path / "subs", {"ana": SOLUTION, "ben": RELEASE})
    Grader(cohort.grading_source(EX), EX, workers=2, cell_timeout=20).run()
    stray = REPO / "gradebook.db"
    before = stray.exists()
    port, token = free_port(), "pmkit-formgrader-token"
    pmkit = REPO / ".venv" / "bin" / "pmkit"
    command = [pmkit if pmkit.exists() else "pmkit", "formgrader", "--cohort", cohort.root, "--port", port,
               "--no-browser", "--", f"--IdentityProvider.token={token}"]
    with serve_until_ready(command, port=port, token=token, log=tmp_path / "server.log", env=_env(tmp_path),
                           cwd=REPO):
        context = offline_context(browser)
        page = context.new_page()
        page.set_extra_http_headers({"Authorization": f"token {token}"})
        page.goto(f"http://127.0.0.1:{port}/formgrader/?token={token}")
        page.wait_for_load_state("networkidle")
        from playwright.sync_api import expect

        row = page.locator("tr", has_text=EX).first
        expect(row).to_be_visible(timeout=30_000)
        expect(row).to_contain_text("2")  # its two submissions: the cohort's gradebook, not an empty course
        context.close()
        assert stray.exists() == before  # no gradebook.db written into the checkout
