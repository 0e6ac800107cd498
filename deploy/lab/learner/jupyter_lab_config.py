"""Learner mode's JupyterLab defaults: Markdown files such as the glossary open rendered.

The defaults are in ``settings/overrides.json``; a link to a glossary term lands on its definition.
"""

from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent / "settings")
