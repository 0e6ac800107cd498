"""Self-contained HTML pages (dashboard, feedback) from Jinja2 templates with autoescape on.

Every value a template shows is escaped unless the template marks it safe, and only two things are:
vega's JavaScript bundle (from ``vl-convert-python``, so charts draw with no network) and chart specs
serialised by :func:`chart_json`, which cannot close their ``<script>`` element.
"""

from __future__ import annotations

import functools
import json
from typing import Any

#: Okabe-Ito colours with 4.5:1 contrast on white, for text and table accents in pages.
TEXT_BLUE, TEXT_VERMILLION = "#005A8C", "#B34700"


@functools.cache
def environment() -> Any:
    """The Jinja2 environment of pmkit's page templates (autoescape for every template)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("pmkit.cohort", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = number
    return env


def number(value: Any, suffix: str = "") -> str:
    """A number as a reader wants it (``12.5``, ``3``), or a dash for a missing value."""
    if value is None or value != value:  # None or NaN
        return "\u2013"
    return f"{float(value):g}{suffix}"


def render(template: str, **context: Any) -> str:
    """Render one of ``pmkit/cohort/templates`` with ``context``."""
    return environment().get_template(template).render(**context)


@functools.cache
def vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one script, shipped inside ``vl-convert-python``."""
    import vl_convert

    return vl_convert.javascript_bundle().replace("</script", "<\\/script")


def chart_svg(chart: Any) -> str:
    """An altair chart drawn as static SVG, for pages whose scripts do not run (JupyterLab's untrusted viewer).

    vl-convert draws it offline; its SVG carries no script. A chart it cannot draw gives "" (the script
    still draws it where scripts run).
    """
    import vl_convert

    try:
        svg = vl_convert.vegalite_to_svg(chart.to_dict())
    except Exception:  # a static copy is a fallback, never a reason to lose the page
        return ""
    return svg if "<script" not in svg.lower() else ""


def chart_json(chart: Any) -> str:
    """An altair chart's spec as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(chart.to_dict(), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
