"""A bootcamp cohort on a real JupyterHub, with the real configurable-http-proxy, on loopback ports.

Three learners and one instructor log in with the trial passwords. The instructor releases an
exercise through Formgrader; two learners fetch it, answer (one right, one wrong) and submit through
their own servers' nbgrader endpoints; the instructor collects and grades with ``pmkit`` in a terminal
of their own server and hands feedback back through the exchange. Then every learner tries to reach what is not theirs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
import requests

from pmkit.grading.engine import COURSE_ID, gradebook
from tests.browser.test_browser import _menu_items
from tests.conftest import CHROMIUM, REPO, block_outside, free_port, write_roster

pytestmark = [pytest.mark.hub, pytest.mark.slow]
EX = "beta-metrics"
SOLUTION = REPO / "solutions" / EX / f"{EX}.ipynb"
# Roster ids; JupyterHub lower-cases log-in names, so "Bruno" logs in as "bruno" and is graded as "Bruno".
LEARNERS = {"amara": "amara", "bruno": "Bruno", "chen": "chen"}
INSTRUCTOR = "coach"
LEARNER_PASSWORD, INSTRUCTOR_PASSWORD = "trial-learners-pw", "trial-instructors-password-0123456789"
# Bruno's answers: the adoption rate is right, the other two are wrong (2 of the 7 autograded points).
WRONG = {"answer-errors": "error_rate = 0.5",
         "answer-tickets": "b = tickets.loc[tickets['date'] < LAUNCH, 'tickets'].mean()\n"
                           "a = tickets.loc[tickets['date'] >= LAUNCH, 'tickets'].mean()\n"
                           "ticket_change_pct = (a - b) / b"}
ARTIFACTS = REPO / "test-artifacts" / "hub"
TIMES: dict[str, float] = {}


class Hub:
    """`make hub` for a cohort folder, in its own process group, and a client for its users."""

    def __init__(self, cohort: Path, roster: Path, log: Path) -> None:
        self.cohort, self.port = cohort, free_port(3)  # the proxy, the hub's API and the proxy's API
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PMKIT_HUB_PASSWORD": LEARNER_PASSWORD,
               "PMKIT_HUB_INSTRUCTOR_PASSWORD": INSTRUCTOR_PASSWORD}
        self.log = log
        started = time.monotonic()
        with log.open("wb") as sink:
            self.proc = subprocess.Popen(
                ["make", "-s", "-C", str(REPO), "hub", f"HUB_COHORT={cohort}", f"HUB_ROSTER={roster}",
                 f"HUB_INSTRUCTORS={INSTRUCTOR}", f"HUB_ARGS=--port {self.port}"],
                stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            self._wait(lambda: requests.get(f"{self.base}/hub/api", timeout=5).status_code == 200, 90,
                       "the hub to answer")
        except BaseException:
            self.stop()  # nothing left running when the hub never came up
            raise
        TIMES["make hub to first answer, cohort creation included (s)"] = round(time.monotonic() - started, 1)
        TIMES["hub start, from its log (s)"] = _log_span(log, "Running JupyterHub version", "JupyterHub is now running")
        self.tokens: dict[str, str] = {}

    def _wait(self, ready, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the hub exited ({self.proc.returncode}); log:\n{self.log.read_text()[-3000:]}")
            try:
                if ready():
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}; log:\n{self.log.read_text()[-3000:]}")

    def login(self, user: str, password: str) -> requests.Response:
        """Log in through the hub's form, as a browser does; keep an API token for the user."""
        session = requests.Session()
        session.get(f"{self.base}/hub/login", timeout=10)
        response = session.post(f"{self.base}/hub/login", timeout=10, allow_redirects=False,
                                data={"username": user, "password": password, "_xsrf": session.cookies.get("_xsrf")})
        if response.status_code == 302:
            made = session.post(f"{self.base}/hub/api/users/{user}/tokens", json={"note": "hub test"}, timeout=10,
                                headers={"X-XSRFToken": session.cookies.get("_xsrf")})
            made.raise_for_status()
            self.tokens[user] = made.json()["token"]
        return response

    def as_user(self, user: str, method: str, path: str, **kwargs) -> requests.Response:
        """A request with the user's own token, to the hub or to any server behind the proxy."""
        headers = {"Authorization": f"token {self.tokens[user]}"}
        kwargs.setdefault("allow_redirects", False)
        return requests.request(method, f"{self.base}{path}", headers=headers, timeout=120, **kwargs)

    def ready(self, user: str) -> bool:
        """Whether the hub reports the user's server as started and answering."""
        user_model = self.as_user(user, "GET", f"/hub/api/users/{user}").json()
        return bool(user_model.get("servers", {}).get("", {}).get("ready"))

    def spawn(self, user: str) -> float:
        """Start the user's server through the hub's API and wait until the hub says it is ready."""
        started = time.monotonic()
        response = self.as_user(user, "POST", f"/hub/api/users/{user}/server")
        assert response.status_code in (201, 202), response.text
        self._wait(lambda: self.ready(user), 150, f"{user}'s server")
        return time.monotonic() - started

    def nbgrader(self, user: str, action: str) -> dict:
        """One of the assignment list's actions in the user's own server (fetch, submit, fetch_feedback)."""
        response = self.as_user(user, "POST", f"/user/{user}/assignments/{action}",
                                data={"course_id": COURSE_ID, "assignment_id": EX})
        assert response.status_code == 200, response.text
        return response.json()

    def listing(self, user: str) -> dict:
        """The user's assignment list, as the Assignments tab shows it."""
        response = self.as_user(user, "GET", f"/user/{user}/assignments", params={"course_id": COURSE_ID})
        assert response.status_code == 200, response.text
        return response.json()

    def terminal(self, user: str, command: str, timeout: float = 600) -> str:
        """Run a shell command in a terminal of the user's own server, as they would type it; return its output."""
        import asyncio
        import re

        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        name = self.as_user(user, "POST", f"/user/{user}/api/terminals").json()["name"]
        url = f"ws://127.0.0.1:{self.port}/user/{user}/terminals/websocket/{name}"
        marker = "__pmkit_exit_"

        async def run() -> tuple[int, str]:
            socket_ = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {self.tokens[user]}"}))
            socket_.write_message(json.dumps(["stdin", f"{command}; echo {marker}$?\r"]))
            output, deadline = "", time.monotonic() + timeout
            while True:  # the echoed command line shows the marker before `$?`, the result before digits
                message = await asyncio.wait_for(socket_.read_message(), deadline - time.monotonic())
                assert message is not None, f"{user}'s terminal closed; it printed:\n{output}"
                kind, *content = json.loads(message)
                output += content[0] if kind == "stdout" else ""
                done = re.search(re.escape(marker) + r"(\d+)", output)
                if done:
                    socket_.close()
                    return int(done.group(1)), output

        code, output = asyncio.run(run())
        self.as_user(user, "DELETE", f"/user/{user}/api/terminals/{name}")
        assert code == 0, f"`{command}` failed in {user}'s terminal:\n{output}"
        return output

    def stop(self) -> None:
        """Stop the hub (it stops the servers and the proxy), then anything left in its process group."""
        pid_file = self.cohort / "hub" / "jupyterhub.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _log_span(log: Path, first: str, last: str) -> float:
    """Seconds between two lines of the hub's log, by their timestamps."""
    from datetime import datetime

    stamps = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        for marker in (first, last):
            if marker in line and marker not in stamps and line.startswith("[I "):
                stamps[marker] = datetime.strptime(line[3:26], "%Y-%m-%d %H:%M:%S.%f")
    return round((stamps[last] - stamps[first]).total_seconds(), 1)


def _server_memory(hub: Hub) -> dict[str, float]:
    """Resident memory of each user's server process, for sizing a real hub (MB)."""
    import psutil

    sizes = {}
    for proc in psutil.process_iter(["cmdline", "cwd", "memory_info"]):
        if any("jupyterhub-singleuser" in part for part in proc.info["cmdline"] or []):
            cwd = Path(proc.info["cwd"] or "")
            if cwd.parent == hub.cohort / "hub" / "home":
                sizes[f"server RSS {cwd.name} (MB)"] = round(proc.info["memory_info"].rss / 2**20)
    return sizes


def _answered(fetched: dict, wrong: dict[str, str] | None) -> dict:
    """The learner's notebook with every answer cell filled from the solution, or with wrong answers."""
    solution = {c.id: c.source for c in nbformat.read(SOLUTION, as_version=4).cells}
    for cell in fetched["cells"]:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if grading.get("solution"):
            cell["source"] = (wrong or {}).get(cell["id"], solution[cell["id"]])
    return fetched


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    subprocess.run(["make", "-s", "-C", str(REPO), "hub-proxy"], check=True, timeout=600)  # npm ci, once
    base = tmp_path_factory.mktemp("hub")
    roster = write_roster(base / "roster.csv", LEARNERS.values(), email="{lower}@example.org", last_name="Learner")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    running = Hub(base / "cohort", roster, ARTIFACTS / "hub.log")  # `make hub` creates the cohort from the roster
    yield running
    running.stop()
    (ARTIFACTS / "timings.json").write_text(json.dumps(TIMES, indent=1) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def round_trip(hub):
    """Everything a cohort does with one exercise, in order; the tests below check what it left."""
    started = time.monotonic()
    for user in LEARNERS:
        assert hub.login(user, LEARNER_PASSWORD).status_code == 302, f"{user} could not log in"
    assert hub.login(INSTRUCTOR, INSTRUCTOR_PASSWORD).status_code == 302
    spawns = {user: hub.spawn(user) for user in [INSTRUCTOR, *LEARNERS]}
    TIMES.update({f"spawn {u} (s)": round(t, 1) for u, t in spawns.items()})

    fg = f"/user/{INSTRUCTOR}/formgrader/api/assignment/{EX}"
    for step in ("assign", "release"):  # nbgrader's Formgrader: generate the student version, then release it
        response = hub.as_user(INSTRUCTOR, "POST", f"{fg}/{step}")
        assert response.status_code == 200 and response.json()["success"], response.text
    released = hub.listing("chen")

    path = f"exercises/{EX}/{EX}.ipynb"
    for user, wrong in (("amara", None), ("bruno", WRONG)):
        fetched = hub.nbgrader(user, "fetch")
        assert fetched["success"], fetched
        notebook = hub.as_user(user, "GET", f"/user/{user}/api/contents/{path}").json()["content"]
        saved = hub.as_user(user, "PUT", f"/user/{user}/api/contents/{path}",
                            json={"type": "notebook", "format": "json", "content": _answered(notebook, wrong)})
        assert saved.status_code == 200, saved.text
        assert hub.nbgrader(user, "submit")["success"]
    # A learner's own terminal has the course's tools: amara checks her answers before the deadline.
    checked = hub.terminal("amara", f"pmkit check {path}")

    # The instructor's own terminal: its folder is the cohort, and pmkit is on its PATH.
    collected = hub.terminal(INSTRUCTOR, f"pmkit collect --exercise {EX} --exchange")
    graded = hub.terminal(INSTRUCTOR, f"pmkit grade {EX} --workers 2")
    returned = hub.terminal(INSTRUCTOR, f"pmkit feedback {EX} --exchange")
    fetched_feedback = {user: hub.nbgrader(user, "fetch_feedback") for user in LEARNERS}
    TIMES["round trip after the hub started (s)"] = round(time.monotonic() - started, 1)
    TIMES.update(_server_memory(hub))
    return {"released": released, "checked": checked, "collected": collected, "graded": graded,
            "returned": returned, "feedback": fetched_feedback}


def test_the_hub_spawns_each_users_server_with_their_role(hub, round_trip):
    for user in LEARNERS:
        files = {item["name"] for item in hub.as_user(user, "GET", f"/user/{user}/api/contents").json()["content"]}
        assert {"course", "exercises"} <= files, f"{user}'s server lacks the course: {files}"
        assert hub.as_user(user, "GET", f"/user/{user}/api/contents/course/00-welcome.ipynb").status_code == 200
        assert hub.as_user(user, "GET", f"/user/{user}/formgrader").status_code == 404
    page = hub.as_user(INSTRUCTOR, "GET", f"/user/{INSTRUCTOR}/formgrader", allow_redirects=True)
    assert page.status_code == 200 and "Manage Assignments" in page.text, page.url
    instructor_files = hub.as_user(INSTRUCTOR, "GET", f"/user/{INSTRUCTOR}/api/contents").json()["content"]
    names = {item["name"] for item in instructor_files}
    assert {"gradebook.db", "course", "solutions"} <= names, f"the instructor's server is not the cohort: {names}"
    assert "Autograded: 7 of 7 points" in round_trip["checked"], round_trip["checked"]
    listed = round_trip["released"]
    assert listed["success"] and [a["assignment_id"] for a in listed["value"]] == [EX], listed


def test_gradebook_holds_the_right_scores_under_the_right_learner_ids(hub, round_trip):
    assert "collected 2: Bruno, amara" in round_trip["collected"]
    from nbgrader.api import MissingEntry

    with gradebook(f"sqlite:///{hub.cohort / 'gradebook.db'}") as book:
        scores = {}
        for learner in LEARNERS.values():
            try:
                notebook = book.find_submission_notebook(EX, EX, learner)
            except MissingEntry:  # chen submitted nothing
                continue
            scores[learner] = {g.name: g.score for g in notebook.grades if g.auto_score is not None
                               and g.name.startswith("test-")}
    assert scores == {
        "amara": {"test-adoption": 2, "test-errors": 2, "test-tickets": 3},
        "Bruno": {"test-adoption": 2, "test-errors": 0, "test-tickets": 0},
    }, f"{scores}\n{round_trip['graded']}"
    assert sorted(p.name for p in (hub.cohort / "submitted").iterdir()) == ["Bruno", "amara"]


def _feedback_pages(hub: Hub, user: str) -> list[str]:
    folder = hub.cohort / "hub" / "home" / user / "exercises" / EX / "feedback"
    return [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.html"))] if folder.exists() else []


def test_each_learner_fetches_only_their_own_feedback(hub, round_trip):
    assert "returned them through the exchange" in round_trip["returned"]
    amara, bruno, chen = (_feedback_pages(hub, user) for user in LEARNERS)
    assert len(amara) == 1 and "(amara)" in amara[0] and "Bruno" not in amara[0]
    assert "7 of 10 points" in amara[0]
    assert len(bruno) == 1 and "(Bruno)" in bruno[0] and "amara" not in bruno[0]
    assert "2 of 10 points" in bruno[0]
    assert chen == [], "a learner who submitted nothing was handed someone's feedback"
    hidden = "### BEGIN HIDDEN TESTS"
    assert all(hidden not in page for page in amara + bruno)
    for user, roster_id in LEARNERS.items():  # each list shows the learner's own submissions only
        submitted = [a for a in hub.listing(user)["value"] if a.get("status") == "submitted"]
        assert {a["student_id"] for a in submitted} <= {roster_id}, f"{user} sees {submitted}"


def test_a_learner_cannot_reach_another_learners_work_or_the_instructor_tools(hub, round_trip):
    submission = f"exercises/{EX}/{EX}.ipynb"
    for path in (f"/user/bruno/api/contents/{submission}", f"/user/bruno/files/{submission}",
                 "/user/bruno/api/contents/exercises", f"/user/bruno/assignments?course_id={COURSE_ID}"):
        response = hub.as_user("amara", "GET", path)
        assert response.status_code == 403, f"amara reached {path}: {response.status_code}"
    # Out of her own server's root, even by a relative path.
    escaped = hub.as_user("amara", "GET", f"/user/amara/api/contents/../bruno/{submission}")
    assert escaped.status_code in (400, 403, 404), escaped.status_code
    for path in ("/hub/api/users/bruno", "/hub/api/users"):
        assert hub.as_user("amara", "GET", path).status_code in (403, 404), path
    # No Formgrader: not in her server, not the instructor's, and not by logging in as the instructor.
    assert hub.as_user("amara", "GET", "/user/amara/formgrader").status_code == 404
    for path in (f"/user/{INSTRUCTOR}/formgrader", f"/user/{INSTRUCTOR}/formgrader/api/submissions/{EX}",
                 f"/user/{INSTRUCTOR}/api/contents/feedback/Bruno/{EX}/{EX}.html"):
        assert hub.as_user("amara", "GET", path).status_code == 403, path
    assert hub.login(INSTRUCTOR, LEARNER_PASSWORD).status_code != 302, "the learners' password opened Formgrader"
    assert hub.login("someone-else", LEARNER_PASSWORD).status_code != 302, "a name not on the roster logged in"


def _log_in_with_a_browser(browser, hub: Hub, user: str, password: str):
    """A fresh browser context logged in through the hub's form, landing on the user's JupyterLab."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    outside = block_outside(context)
    tab = context.new_page()
    tab.goto(f"{hub.base}/hub/login")
    tab.fill("#username_input", user)
    tab.fill("#password_input", password)
    tab.click("#login_submit")
    tab.wait_for_selector(".lm-MenuBar-itemLabel", timeout=120_000)
    return context, tab, outside


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (.ci/run installs it)")
def test_in_the_browser_learners_get_the_assignment_list_and_instructors_formgrader(hub, round_trip, browser):
    from playwright.sync_api import expect

    context, tab, outside = _log_in_with_a_browser(browser, hub, "chen", LEARNER_PASSWORD)
    try:
        tab.wait_for_selector(".jp-NotebookPanel h1", timeout=120_000)  # the server opens on the welcome chapter
        assert "/user/chen/lab" in tab.url
        items = _menu_items(tab, "Nbgrader")
        assert "Assignment List" in items and not {"Formgrader", "Course List"} & set(items), items
        tab.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
        tab.locator(".lm-Menu-itemLabel", has_text="Assignment List").first.click()
        released = tab.locator("#released_assignments_list")
        expect(released).to_contain_text(EX, timeout=60_000)
        released.get_by_role("button", name="Fetch").click()  # chen fetches from the page, as a learner does
        expect(tab.locator("#fetched_assignments_list")).to_contain_text(EX, timeout=60_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "learner-assignments.png"))
        assert outside == [], f"the learner's page reached outside the machine: {outside}"
    finally:
        context.close()
    assert (hub.cohort / "hub" / "home" / "chen" / "exercises" / EX / f"{EX}.ipynb").is_file()

    context, tab, outside = _log_in_with_a_browser(browser, hub, INSTRUCTOR, INSTRUCTOR_PASSWORD)
    try:
        listing = tab.locator(".jp-DirListing-content")
        for name in ("course", "exercises", "solutions", "gradebook.db"):  # the server is the cohort folder
            expect(listing).to_contain_text(name, timeout=60_000)
        assert "Formgrader" in _menu_items(tab, "Nbgrader")
        tab.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
        tab.locator(".lm-Menu-itemLabel", has_text="Formgrader").first.click()
        expect(tab.frame_locator("iframe").first.locator("body")).to_contain_text(EX, timeout=60_000)
        tab.screenshot(path=str(ARTIFACTS / "instructor-formgrader.png"))
        assert outside == [], f"the instructor's page reached outside the machine: {outside}"
    finally:
        context.close()
