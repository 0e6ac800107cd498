"""nbgrader on an instructor's hub server: the cohort folder's own settings (course, gradebook, exchange).

The server's root is the cohort folder; the hub sets PMKIT_COHORT to it, so Formgrader and a terminal's
`nbgrader` or `pmkit` commands work on the same course wherever they run from.
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader
load_subconfig(os.path.join(os.environ["PMKIT_COHORT"], "nbgrader_config.py"))  # noqa: F821 - provided by traitlets
if os.environ.get("PMKIT_NGSHARE_URL"):  # Kubernetes: see deploy/jupyterhub/README.md (not run by the tests)
    import ngshare_exchange

    ngshare_exchange.configureExchange(c, os.environ["PMKIT_NGSHARE_URL"])
