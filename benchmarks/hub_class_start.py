"""A class logging in at once: N learners' servers spawned together, then one by one, on the trial hub.

    python benchmarks/hub_class_start.py [N]        # default 12

Starts `make hub` for a fresh cohort of N learners on free loopback ports (as tests/hub/test_hub.py
does), logs everyone in, and measures side by side in one run: the time until every server is ready
when all N start at once, the same N started one after another, and each server's resident memory.
The figures size a real hub; they do not gate anything.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.hub.test_hub import INSTRUCTOR, LEARNER_PASSWORD, Hub, _server_memory  # noqa: E402


def _stop_all(hub: Hub, users: list[str]) -> None:
    for user in users:
        hub.as_user(user, "DELETE", f"/hub/api/users/{user}/server")
    deadline = time.monotonic() + 120
    while any(hub.as_user(u, "GET", f"/hub/api/users/{u}").json().get("servers") for u in users):
        if time.monotonic() > deadline:
            raise SystemExit("servers did not stop within 120 s")
        time.sleep(0.5)


def main(n: int) -> None:
    """Run the benchmark for a class of ``n`` learners and print the figures."""
    with tempfile.TemporaryDirectory(prefix="pmkit-hub-bench-") as tmp:
        base = Path(tmp)
        users = [f"learner{i:02d}" for i in range(1, n + 1)]
        roster = base / "roster.csv"
        roster.write_text("id,first_name,last_name,email\n" + "".join(f"{u},{u},Bench,\n" for u in users),
                          encoding="utf-8")
        started = time.monotonic()
        hub = Hub(base / "cohort", roster, base / "hub.log")
        print(f"hub up (cohort created, {n} learners and {INSTRUCTOR}) in {time.monotonic() - started:.1f} s")
        try:
            for user in users:
                assert hub.login(user, LEARNER_PASSWORD).status_code == 302, f"{user} could not log in"

            started = time.monotonic()
            ready_at: dict[str, float] = {}
            for user in users:  # everyone presses Start at once
                hub.as_user(user, "POST", f"/hub/api/users/{user}/server")
            while len(ready_at) < n:
                with ThreadPoolExecutor(8) as pool:
                    states = dict(zip(users, pool.map(hub.ready, users), strict=True))
                for user, ready in states.items():
                    if ready and user not in ready_at:
                        ready_at[user] = time.monotonic() - started
                if time.monotonic() - started > 600:
                    raise SystemExit(f"only {len(ready_at)} of {n} servers were ready after 600 s")
                time.sleep(0.5)
            together = max(ready_at.values())
            memory = list(_server_memory(hub).values())
            _stop_all(hub, users)

            started = time.monotonic()
            for user in users:  # the same class, one after another
                hub.spawn(user)
            one_by_one = time.monotonic() - started
            _stop_all(hub, users)
        finally:
            hub.stop()

    times = sorted(ready_at.values())
    print(f"{n} servers started together: first ready {times[0]:.1f} s, median {statistics.median(times):.1f} s, "
          f"all ready {together:.1f} s ({together / n:.2f} s per learner)")
    print(f"{n} servers started one by one: {one_by_one:.1f} s ({one_by_one / n:.2f} s per learner)")
    print(f"together / one by one: {together / one_by_one:.2f}")
    if memory:
        print(f"server memory (RSS): median {statistics.median(memory):.0f} MB, max {max(memory):.0f} MB, "
              f"{sum(memory) / 1024:.1f} GB for {len(memory)} idle servers")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
