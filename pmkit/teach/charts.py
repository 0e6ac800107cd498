"""Every chart in the course, built one way: titled, described, colour-blind safe, offline.

Rendering choice (made here once, so no notebook repeats it): altair's ``jupyter`` renderer in
offline mode. Altair 6's default HTML renderer loads vega from a CDN and shows nothing without a
network, and its ``mimetype`` renderer emits Vega-Lite v6, which JupyterLab 4's built-in
renderer (Vega-Lite v3 to v5) ignores. The ``jupyter`` renderer draws through an anywidget
``JupyterChart`` whose JavaScript comes from ``vl-convert-python``'s bundled copy of vega, so
charts render with no network and stay interactive (tooltips, selections).

altair is imported only inside the functions below: ``import pmkit`` must stay cheap.

Speed (the first chart of a chapter): :func:`altair` imports altair without jsonschema's IRI format
checker, whose grammar (``rfc3987_syntax``) takes about 1.7 s to compile and which no Vega-Lite schema
uses; and the widget's JavaScript bundle, which ``vl-convert`` rebuilds on every call (about 1.7 s), is
built once and kept in the user's cache folder (:func:`bundle_path`), keyed by the versions that shape
it. ``PMKIT_CHART_CACHE=off`` restores altair's own path, for the benchmark's "before".
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pmkit.files import write_text_atomic

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

#: Okabe and Ito's palette, distinguishable with the common forms of colour-blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: The two roles keep the same colours in every chart of the course.
ROLE_COLORS = {"APM": PALETTE[0], "JPM": PALETTE[1]}

_state = {"renderer": False}
#: Set to ``off`` to build the bundle every time and import altair the slow way (benchmarks).
CACHE_ENV = "PMKIT_CHART_CACHE"
#: Overrides the folder the bundle is cached in (default: ``$XDG_CACHE_HOME/pmkit`` or ``~/.cache/pmkit``).
CACHE_DIR_ENV = "PMKIT_CACHE_DIR"


def _cache_enabled() -> bool:
    """False when ``PMKIT_CHART_CACHE=off`` asks for altair's own, uncached path."""
    return os.environ.get(CACHE_ENV, "").strip().lower() not in {"off", "0", "no", "false"}


def altair() -> ModuleType:
    """Import altair, skipping jsonschema's slow IRI checker (no Vega-Lite schema checks IRIs)."""
    if "altair" not in sys.modules and "jsonschema" not in sys.modules and _cache_enabled():
        blocked = "rfc3987_syntax" not in sys.modules
        if blocked:
            sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes its import fail
        try:
            import altair as alt
        finally:
            if blocked and sys.modules.get("rfc3987_syntax", 0) is None:
                del sys.modules["rfc3987_syntax"]  # later explicit imports work as usual
        return alt
    import altair as alt

    return alt


def cache_dir() -> Path:
    """Where pmkit keeps rebuildable files: outside the repository, in the user's cache folder."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pmkit"


def _widget_source() -> tuple[str, str]:
    """Altair's widget JavaScript with its imports stripped, and the Vega-Lite version to bundle."""
    from importlib.metadata import version

    from altair.jupyter.jupyter_chart import load_js_src
    from altair.utils._importers import vl_version_for_vl_convert

    lines = load_js_src().split("\n")
    while lines and (not lines[0].strip() or lines[0].startswith(("import", "//"))):
        lines.pop(0)  # as altair's JupyterChart.enable_offline does
    src = "\n".join(lines)
    return src, f"{version('vl-convert-python')}|{version('altair')}|{vl_version_for_vl_convert()}"


def bundle_path() -> Path:
    """The cache file of the offline widget bundle for the installed vl-convert and altair."""
    src, versions = _widget_source()
    key = hashlib.sha256(f"{versions}\n{src}".encode()).hexdigest()[:16]
    return cache_dir() / f"vega-widget-{versions.split('|')[0]}-{key}.js"


def offline_bundle() -> str:
    """The widget's self-contained JavaScript (vega included), built once and then read from the cache."""
    path = bundle_path()
    try:
        text = path.read_text(encoding="utf-8")
        if len(text) > 100_000:  # a truncated file is rebuilt, never used
            return text
    except OSError:
        pass
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    src, _ = _widget_source()
    text = vl_convert.javascript_bundle(src, vl_version=vl_version_for_vl_convert())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)  # another kernel never reads half a bundle
    except OSError:
        pass  # a read-only home still gets charts, only slower
    return text


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
    alt = altair()
    if _cache_enabled() and not alt.JupyterChart._is_offline:
        alt.JupyterChart._esm = offline_bundle()  # what enable_offline() sets, without rebuilding it
        alt.JupyterChart._is_offline = True
    alt.renderers.enable("jupyter", offline=True)
    alt.JupyterChart.enable_offline()  # for chart widgets made directly (see as_widget)
    _state["renderer"] = True


def as_widget(chart: Any) -> alt.JupyterChart:
    """A chart as a widget that can sit inside other widgets and be redrawn in place.

    Set its ``chart`` attribute to a new chart to redraw it; no Output area is needed.
    """
    setup()
    alt = altair()

    return alt.JupyterChart(chart)


def role_scale() -> alt.Scale:
    """The colour scale that maps APM and JPM to their fixed palette colours."""
    alt = altair()

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
    alt = altair()

    heading: dict[str, Any] = {"text": title, "anchor": "start"}
    if subtitle:
        heading["subtitle"] = subtitle
    props.setdefault("background", "#FFFFFF")  # a light card: vega's black text stays readable in dark themes
    props.setdefault("padding", 10)
    return chart.properties(title=alt.TitleParams(**heading), description=description, **props)


def salary_ranges(frame: pd.DataFrame | None = None) -> alt.LayerChart:
    """The salary range of each role as a bar from low to high, with the midpoint marked."""
    alt = altair()

    from pmkit.teach import roles

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
        alt.layer(bars, ticks, labels), title="Yearly salary ranges (USD)",
        subtitle=["Bars run from the low to the high end of each range; the white tick is the midpoint",
                  "The article gives the APM range for the US and names no country for the JPM range"],
        description=f"Horizontal range bars of yearly base salary by role: {ranges}.",
        width=520, height=120)


def _wrapped(text: str, width: int) -> list[str]:
    """A label as lines of at most ``width`` characters (Vega draws a list as several lines)."""
    import textwrap

    return textwrap.wrap(str(text), width) or [""]


def day_timeline(frame: pd.DataFrame | None = None) -> alt.LayerChart:
    """Both roles' days as two lanes of steps, in the order the article lists them."""
    alt = altair()

    from pmkit.teach import roles

    frame = roles.day_in_the_life() if frame is None else frame
    data = frame.assign(step=frame["position"].astype(int), lane=frame["role"].map(
        {"APM": "Associate Product Manager", "JPM": "Junior Product Manager"}),
        lines=[_wrapped(item, 40) for item in frame["item"]])
    base_ = alt.Chart(data).encode(
        y=alt.Y("step:O", title="Item in the article's list (it gives no times and no order)",
                axis=alt.Axis(labelExpr="'Item ' + datum.label")),
        x=alt.X("lane:N", title=None, axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold"),
                sort=["Associate Product Manager", "Junior Product Manager"],
                scale=alt.Scale(paddingInner=0.04, paddingOuter=0.02)),
        tooltip=[alt.Tooltip("lane:N", title="Role"), alt.Tooltip("step:O", title="Item"),
                 alt.Tooltip("item:N", title="Activity")])
    dots = base_.mark_circle(size=140, opacity=1).encode(
        color=alt.Color("role:N", scale=role_scale(), legend=None),
        xOffset=alt.value(-128))
    labels = base_.mark_text(align="left", baseline="middle", dx=-116, fontSize=11, lineHeight=14,
                             limit=250).encode(text="lines:N")
    apm, jpm = (len(data[data["role"] == r]) for r in ("APM", "JPM"))
    return titled(alt.layer(dots, labels), title="A day in the life: APM and JPM",
                  subtitle="Each dot is one activity, numbered as the article lists them; no times are given",
                  description=(f"Two columns of activities, {apm} for the APM and {jpm} for the JPM, in the "
                               "order the article lists them: the APM's day is analysis, PRDs and prototype "
                               "tests; the JPM's is QA, backlog grooming, bug triage and release coordination."),
                  width=540, height=46 * max(data["step"].max(), 1))


def interview_flow(frame: pd.DataFrame | None = None) -> alt.HConcatChart:
    """The second article's loop: a senior leader's question, the JPM's interviews, action items."""
    alt = altair()

    from pmkit.teach import roles

    frame = roles.interview_flow() if frame is None else frame
    actors = list(dict.fromkeys(frame["actor"]))
    colours = dict(zip(actors, [PALETTE[3], PALETTE[1], PALETTE[2]], strict=False))
    data = frame.assign(step=frame["step"].astype(int), lines=[_wrapped(a, 48) for a in frame["action"]])
    height = 40 * len(data)
    y = alt.Y("step:O", title=None, axis=alt.Axis(labelExpr="'Step ' + datum.label", ticks=False, domain=False))
    lanes = alt.X("actor:N", title=None, sort=actors,
                  axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold", labelLimit=120))
    line = alt.Chart(data).mark_line(color="#999999", strokeDash=[4, 3]).encode(x=lanes, y=y, order="step:O")
    tooltip = [alt.Tooltip("step:O", title="Step"), alt.Tooltip("actor:N", title="Who"),
               alt.Tooltip("action:N", title="What they do")]
    dots = alt.Chart(data).mark_circle(size=300, opacity=1).encode(
        x=lanes, y=y, tooltip=tooltip,
        color=alt.Color("actor:N", scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                        legend=None))
    numbers = alt.Chart(data).mark_text(color="white", fontWeight="bold").encode(x=lanes, y=y, text="step:O")
    words = alt.Chart(data).mark_text(align="left", baseline="middle", fontSize=11, lineHeight=14).encode(
        x=alt.value(0), y=alt.Y("step:O", axis=None), text="lines:N", tooltip=tooltip)
    labelled = alt.hconcat(alt.layer(line, dots, numbers).properties(width=200, height=height),
                           words.properties(width=300, height=height, view=alt.ViewBackground(stroke=None)),
                           spacing=4).resolve_scale(y="shared")
    steps = "; ".join(f"{r.step}. {r.actor}: {r.action}" for r in data.itertuples())
    return titled(labelled, title="From a leader's question to action items",
                  subtitle="How customer pain points travel in the second article, step by step",
                  description=f"A six-step flow between two lanes, the senior leader and the JPM: {steps}")


#: How the career map words a step's people management: the data records only what an article says.
MANAGES = {True: "yes, an article says so", False: "not stated"}


def career_map(start: str = "Junior Product Manager", max_steps: int = 4) -> alt.LayerChart:
    """Every onward route from ``start`` as a left-to-right tree, coloured by kind of move."""
    alt = altair()
    import pandas as pd

    from pmkit.teach import roles

    routes = roles.paths_from(start, max_steps)
    nodes: dict[tuple[str, ...], dict] = {(start,): {"role": start, "depth": 0, "track": "start"}}
    edges = []
    for route in routes:
        prefix: tuple[str, ...] = (start,)
        for edge in route:
            node = (*prefix, edge["to_role"])
            if node not in nodes:
                nodes[node] = {"role": edge["to_role"], "depth": len(node) - 1, "track": edge["track"],
                               "timing": roles.timing(edge),
                               "manages": MANAGES[bool(edge["people_management"])]}
                edges.append((prefix, node))
            prefix = node
    leaves = [n for n in nodes if not any(e[0] == n for e in edges)]
    for row, leaf in enumerate(leaves):  # leaves one per row, parents centred over their children
        nodes[leaf]["row"] = row
    for node in sorted(nodes, key=len, reverse=True):
        if "row" not in nodes[node]:
            rows = [nodes[child]["row"] for parent, child in edges if parent == node]
            nodes[node]["row"] = sum(rows) / len(rows)
    node_frame = pd.DataFrame(nodes.values()).fillna({"timing": "", "manages": MANAGES[False]})
    node_frame["lines"] = [_wrapped(role, 16) for role in node_frame["role"]]  # narrow columns, no overlaps
    edge_frame = pd.DataFrame([{"x": nodes[a]["depth"], "y": nodes[a]["row"], "x2": nodes[b]["depth"],
                                "y2": nodes[b]["row"], "track": nodes[b]["track"]} for a, b in edges])
    node_frame["kind"] = node_frame["track"].map(roles.TRACK_LABELS)
    edge_frame["kind"] = edge_frame["track"].map(roles.TRACK_LABELS)
    kinds = [roles.TRACK_LABELS[t] for t in ("start", *roles.TRACKS)]
    scale = alt.Scale(domain=kinds, range=["#000000", *PALETTE[:len(roles.TRACKS)]])
    deepest = max(n["depth"] for n in nodes.values())  # columns as wide as the routes need
    x = alt.X("depth:Q", axis=None, scale=alt.Scale(domain=[-0.1, deepest + 1.3]))
    y = alt.Y("row:Q", axis=None, scale=alt.Scale(reverse=True, padding=12))
    links = alt.Chart(edge_frame).mark_rule(strokeWidth=2, opacity=0.6).encode(
        x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-0.1, deepest + 1.3])),
        y=alt.Y("y:Q", axis=None, scale=alt.Scale(reverse=True, padding=12)), x2="x2:Q", y2="y2:Q",
        color=alt.Color("kind:N", scale=scale, legend=alt.Legend(title="Kind of move", orient="bottom", columns=4)))
    tooltip = [alt.Tooltip("role:N", title="Role"), alt.Tooltip("kind:N", title="Kind of move"),
               alt.Tooltip("timing:N", title="Typical timing"), alt.Tooltip("manages:N", title="Manages people")]
    dots = alt.Chart(node_frame).mark_point(filled=True, size=140, opacity=1).encode(
        x=x, y=y, color=alt.Color("kind:N", scale=scale, legend=None),
        shape=alt.Shape("manages:N", scale=alt.Scale(domain=[MANAGES[False], MANAGES[True]],
                                                   range=["circle", "square"]),
                        legend=alt.Legend(title="Manages people", orient="bottom")),
        tooltip=tooltip)
    one_line = node_frame["lines"].map(len) == 1  # Vega sets a text's first line at y: lift longer ones more
    labels = [alt.Chart(node_frame[rows]).mark_text(align="left", dx=-4, dy=lift, fontSize=11,
                                                    lineHeight=13).encode(x=x, y=y, text="lines:N", tooltip=tooltip)
              for rows, lift in ((one_line, -11), (~one_line, -24)) if rows.any()]
    timings = alt.Chart(node_frame[node_frame["timing"].str.contains("month|steps")]).mark_text(
        align="left", dx=4, dy=13, fontSize=10, fontStyle="italic", color="#555555").encode(
        x=x, y=y, text="timing:N")
    ends = sorted({r[-1]["to_role"] for r in routes})
    return titled(alt.layer(links, dots, *labels, timings),
                  title=f"Career moves from {start}",
                  subtitle="Left to right, one move per column; squares mean managing people",
                  description=(f"A tree of {len(routes)} routes from {start} over up to {max_steps} moves, "
                               f"ending at: {', '.join(ends)}."),
                  width=600, height=max(160, 44 * len(leaves)))


def ticket_trend(frame: pd.DataFrame | None = None) -> alt.LayerChart:
    """Case 1: weekly support tickets with the launch marked and the average either side."""
    alt = altair()

    from pmkit.teach import cases

    frame = cases.table("support_tickets") if frame is None else frame
    weekly = cases.weekly_totals(frame)
    result = cases.before_after(frame)
    means = weekly.groupby("period", as_index=False).agg(mean=("tickets", "mean"), start=("week", "min"),
                                                         end=("week", "max"))
    colours = alt.Scale(domain=["before launch", "after launch"], range=[PALETTE[5], PALETTE[0]])
    bars = alt.Chart(weekly).mark_bar(opacity=0.85, size=13).encode(
        x=alt.X("week:T", title="Week"), y=alt.Y("tickets:Q", title="Support tickets per week"),
        color=alt.Color("period:N", scale=colours, legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("week:T", title="Week of"), alt.Tooltip("tickets:Q", title="Tickets"),
                 alt.Tooltip("period:N", title="Period")])
    averages = alt.Chart(means).mark_rule(strokeWidth=3, color="black").encode(
        x="start:T", x2="end:T", y="mean:Q",
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("mean:Q", title="Weekly average",
                                                                     format=".1f")])
    launch = alt.Chart(means[means["period"] == "after launch"]).mark_rule(strokeDash=[6, 4]).encode(x="start:T")
    return titled(alt.layer(bars, averages, launch),
                  title=f"Support tickets fell {abs(result.change_pct):.0f}% after the launch",
                  subtitle="Weekly tickets about the admin dashboard (synthetic data); black lines are the averages",
                  description=(f"Bar chart of weekly support tickets, {result.weeks_before} weeks before and "
                               f"{result.weeks_after} after the role management launch: {result.before} tickets "
                               f"before, {result.after} after, a change of {result.change_pct:+.1f}%."),
                  width=620, height=260)
