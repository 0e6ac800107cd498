"""The server's Python settings (beside jupyter_server_config.json): the lab's environment first on PATH.

So `pmkit check` works in JupyterLab's terminal however the server was started (../terminal_path.py).
"""

import runpy
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
runpy.run_path(str(Path(__file__).resolve().parent.parent / "terminal_path.py"))["configure"](c)
