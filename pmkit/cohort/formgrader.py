"""Formgrader made offline and safe for instructors: no CDN MathJax, no learner script (a server extension).

Offline: nbgrader's Formgrader renders each submission through nbconvert's ``mathjax()`` macro, whose default
is a ``<script>`` from cdnjs; offline it fails and Formgrader's own JavaScript then stops on
"MathJax is not defined", so the grading page never finishes loading. This extension gives
Formgrader an exporter whose templates find ``pmkit/cohort/templates/nbconvert/mathjax.html.j2`` first: a
local stand-in with the few MathJax calls Formgrader makes (TeX is then shown as typed).

Safe: stock Formgrader renders a learner's HTML outputs and Markdown as they are, so a submission that
displays ``<script>`` runs it in the instructor's page, with the instructor's session (it could change
grades through Formgrader's API) or hide the page behind a fake "100/100". The exporter turns on
nbconvert's own ``sanitize_html`` for outputs, and cleans every Markdown cell's HTML with
:func:`pmkit.safe_html.clean` (nbgrader's ``formgrade`` template renders Markdown itself, past nbconvert's
cleaning); the learner's and the roster's names go into the page escaped, and Formgrader's own list pages
are rendered with Jinja2's autoescape. Scripts, styles and event handlers from a learner never run.

Enable it beside nbgrader's extensions (``deploy/lab/instructor`` and the hub's instructor servers do).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates" / "nbconvert"


#: Formgrader's page values that come from the roster, the learner or the folder: escaped before the page is made.
_TEXT_RESOURCES = ("student", "first_name", "last_name", "assignment_id", "notebook_id", "notebook_path",
                   "filename")


class OfflineHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter with pmkit's offline ``mathjax.html.j2`` ahead of its own, sanitising learner HTML."""

    def _create_environment(self) -> Any:
        import jinja2

        environment = super()._create_environment()
        environment.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)), environment.loader])
        # nbconvert's own cleaner escapes table heads and bodies, so a pandas table reads as HTML source;
        # pmkit's allowlist keeps tables as tables and still lets nothing run.
        from pmkit.safe_html import clean_output

        environment.filters["clean_html"] = clean_output
        return environment

    @pass_context
    def markdown2html(self, context: Any, source: str) -> str:
        """A Markdown cell as HTML with only inert markup left (Formgrader's template renders it uncleaned)."""
        from pmkit.safe_html import clean

        return clean(super().markdown2html(context, source))

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any) -> Any:
        """Render with the names and ids Formgrader passes escaped: its template prints them as they are.

        A learner's HTML output loses its ``<style>`` blocks first (a pandas table brings one): the sanitiser
        would otherwise show the CSS as text above the table, and a learner's style is never wanted here.
        """
        import copy
        import re

        nb = copy.deepcopy(nb)
        for cell in nb.get("cells", []):
            for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
                data = output.get("data") if isinstance(output, dict) else None
                if isinstance(data, dict) and isinstance(data.get("text/html"), (str, list)):
                    text = data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"])
                    data["text/html"] = re.sub(r"(?is)<style\b[^>]*>.*?</style\s*>", "", text)
        resources = dict(resources or {})
        for key in _TEXT_RESOURCES:
            if isinstance(resources.get(key), str):
                resources[key] = html.escape(resources[key], quote=True)
        return super().from_notebook_node(nb, resources, **kw)


#: Formgrader's score columns, which show nbgrader's score before any late penalty, and the label they get.
SCORE_HEADINGS = {">Score</th>": ">Score before late penalty</th>",
                  ">Overall Score</th>": ">Overall score before late penalty</th>"}


class RawScoreLabels(jinja2.BaseLoader):
    """A Jinja2 loader that labels Formgrader's score columns as the score before the late penalty.

    nbgrader's Formgrader shows a submission's points without its late penalty (7/10 where the feedback
    page and the report say 6.3/10); the column says so, rather than look like a second, different grade.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def get_source(self, environment: Any, template: str) -> tuple[str, Any, Any]:
        """The template's source with its score headings labelled."""
        source, filename, uptodate = self.inner.get_source(environment, template)
        for heading, labelled in SCORE_HEADINGS.items():
            source = source.replace(heading, labelled)
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        """The inner loader's templates."""
        return self.inner.list_templates()


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
    if settings.get("nbgrader_jinja2_env") is not None:  # its list pages print ids and names as they are
        settings["nbgrader_jinja2_env"].autoescape = True
        settings["nbgrader_jinja2_env"].loader = RawScoreLabels(settings["nbgrader_jinja2_env"].loader)
    serverapp.log.info("pmkit.cohort.formgrader: Formgrader pages load no MathJax from the network and run no "
                       "learner script")
