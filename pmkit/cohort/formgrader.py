"""Formgrader made offline and safe for instructors: no CDN MathJax, no learner script (a server extension).

Offline: nbgrader's Formgrader renders each submission through nbconvert's ``mathjax()`` macro, whose default
is a ``<script>`` from cdnjs; offline it fails and Formgrader's own JavaScript then stops on
"MathJax is not defined", so the grading page never finishes loading. This extension gives
Formgrader an exporter whose templates find ``pmkit/cohort/templates/nbconvert/mathjax.html.j2`` first: a
local stand-in with the few MathJax calls Formgrader makes (TeX is then shown as typed).

Safe: stock Formgrader renders a learner's HTML outputs and Markdown as they are, so a submission that
displays ``<script>`` runs it in the instructor's page, with the instructor's session (it could change
grades through Formgrader's API) or hide the page behind a fake "100/100". The exporter turns on
nbconvert's own ``sanitize_html``: learner HTML is cleaned by bleach, scripts and styles never run.

Enable it beside nbgrader's extensions (``deploy/lab/instructor`` and the hub's instructor servers do).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates" / "nbconvert"


class OfflineHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter with pmkit's offline ``mathjax.html.j2`` ahead of its own, sanitising learner HTML."""

    def _create_environment(self) -> Any:
        import jinja2

        environment = super()._create_environment()
        environment.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)), environment.loader])
        return environment


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "pmkit.cohort.formgrader"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Replace Formgrader's exporter once nbgrader's extension has set it up (it loads first, by name)."""
    settings = serverapp.web_app.settings
    exporter = settings.get("nbgrader_exporter")
    if exporter is None:
        serverapp.log.warning("pmkit.cohort.formgrader: Formgrader is not loaded; nothing to make offline")
        return
    settings["nbgrader_exporter"] = OfflineHTMLExporter(config=exporter.config, sanitize_html=True)
    serverapp.log.info("pmkit.cohort.formgrader: Formgrader pages load no MathJax from the network and run no "
                       "learner script")
