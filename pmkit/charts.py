"""Every chart in the course, built one way: titled, described, colour-blind safe, offline.

Rendering choice (made here once, so no notebook repeats it): altair's ``jupyter`` renderer in
offline mode. Altair 6's default HTML renderer loads vega from a CDN and shows nothing without a
network, and its ``mimetype`` renderer emits Vega-Lite v6, which JupyterLab 4's built-in
renderer (Vega-Lite v3 to v5) ignores. The ``jupyter`` renderer draws through an anywidget
``JupyterChart`` whose JavaScript comes from ``vl-convert-python``'s bundled copy of vega, so
charts render with no network and stay interactive (tooltips, selections).

altair is imported only inside the functions below: ``import pmkit`` must stay cheap.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

#: Okabe and Ito's palette, distinguishable with the common forms of colour-blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: The two roles keep the same colours in every chart of the course.
ROLE_COLORS = {"APM": PALETTE[0], "JPM": PALETTE[1]}

_state = {"renderer": False}


def _in_kernel() -> bool:
    """True inside a Jupyter kernel, where the offline widget renderer is wanted."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ipython = shell.get_ipython()
    return ipython is not None and type(ipython).__name__ == "ZMQInteractiveShell"


def setup(force: bool = False) -> None:
    """Enable the offline ``jupyter`` renderer once per kernel (a no-op outside a kernel)."""
    if _state["renderer"] or not (force or _in_kernel()):
        return
    import altair as alt

    alt.renderers.enable("jupyter", offline=True)
    _state["renderer"] = True


def role_scale() -> alt.Scale:
    """The colour scale that maps APM and JPM to their fixed palette colours."""
    import altair as alt

    return alt.Scale(domain=list(ROLE_COLORS), range=list(ROLE_COLORS.values()))


def titled(chart: Any, *, title: str, description: str, subtitle: str | None = None,
           **props: Any) -> Any:
    """Give any altair chart its title and description; refuses a chart without either.

    Every course chart goes through here, which also sets up the offline renderer.
    """
    if not title or not title.strip():
        raise ValueError("every chart needs a title: say what the reader should see")
    if not description or not description.strip():
        raise ValueError("every chart needs a description: screen readers announce it")
    setup()
    import altair as alt

    heading: dict[str, Any] = {"text": title, "anchor": "start"}
    if subtitle:
        heading["subtitle"] = subtitle
    return chart.properties(title=alt.TitleParams(**heading), description=description, **props)


def salary_ranges(frame: pd.DataFrame | None = None) -> alt.LayerChart:
    """US salary range of each role as a bar from low to high, with the midpoint marked."""
    import altair as alt

    from pmkit import roles

    frame = roles.salaries() if frame is None else frame
    data = frame.assign(low=frame["low"].astype(float), high=frame["high"].astype(float))
    ranges = ", ".join(f"{r.role} ${r.low:,.0f} to ${r.high:,.0f}" for r in data.itertuples())
    chart = alt.Chart(data)
    y = alt.Y("role_name:N", title=None, sort=["Associate Product Manager", "Junior Product Manager"])
    tooltip = [alt.Tooltip("role_name:N", title="Role"),
               alt.Tooltip("low:Q", title="Low", format="$,.0f"),
               alt.Tooltip("high:Q", title="High", format="$,.0f"),
               alt.Tooltip("midpoint:Q", title="Midpoint", format="$,.0f")]
    bars = chart.mark_bar(height=28, cornerRadius=4).encode(
        x=alt.X("low:Q", title="Yearly salary (USD)", axis=alt.Axis(format="$,.0f"),
                scale=alt.Scale(domain=[50_000, 120_000])),
        x2="high:Q", y=y, color=alt.Color("role:N", scale=role_scale(), legend=None),
        tooltip=tooltip)
    ticks = chart.mark_tick(color="white", thickness=3, size=28).encode(
        x="midpoint:Q", y=y, tooltip=tooltip)
    labels = chart.mark_text(align="left", dx=6, fontSize=12).encode(
        x="high:Q", y=y, text=alt.Text("high:Q", format="$,.0f"))
    return titled(
        alt.layer(bars, ticks, labels), title="Salary ranges in the United States (USD)",
        subtitle="Bars run from the low to the high end of each range; the white tick is the midpoint",
        description=f"Horizontal range bars of yearly base salary by role: {ranges}.",
        width=520, height=120)
