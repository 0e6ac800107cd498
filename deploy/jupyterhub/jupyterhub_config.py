"""JupyterHub for one bootcamp cohort, driven by the cohort folder (`pmkit cohort init`).

`pmkit hub --cohort DIR` (or `make hub`) runs `jupyterhub -f` on this file with PMKIT_COHORT set.
All the settings are made by pmkit.hub.config.configure; README.md beside this file explains each of them
and what to change for a real deployment (an authenticator, real OS users or containers).
"""

import os

from pmkit.hub.config import configure

c = get_config()  # noqa: F821 - provided by JupyterHub
if "PMKIT_COHORT" not in os.environ:
    raise SystemExit("PMKIT_COHORT is not set: start the hub with `pmkit hub --cohort DIR` (see README.md here)")
configure(
    c,
    os.environ["PMKIT_COHORT"],
    ip=os.environ.get("PMKIT_HUB_IP", "127.0.0.1"),
    port=int(os.environ.get("PMKIT_HUB_PORT", "8000")),
    hub_port=int(os.environ["PMKIT_HUB_API_PORT"]) if "PMKIT_HUB_API_PORT" in os.environ else None,
    proxy_api_port=int(os.environ["PMKIT_PROXY_API_PORT"]) if "PMKIT_PROXY_API_PORT" in os.environ else None,
)
