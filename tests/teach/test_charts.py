"""Charts are checked through their Vega-Lite specs: title, description, palette, data."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pmkit.teach import charts, roles
from tests.conftest import REPO


def _datasets(spec):
    return next(iter(spec["datasets"].values()))


def test_salary_chart_spec():
    spec = charts.salary_ranges().to_dict()
    assert spec["title"]["text"] == "Yearly salary ranges (USD)"
    assert "APM $70,000 to $110,000" in spec["description"]
    assert "JPM $60,000 to $95,000" in spec["description"]
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["x"]["field"] == "low" and bars["encoding"]["x2"]["field"] == "high"
    assert bars["encoding"]["color"]["scale"] == {"domain": ["APM", "JPM"],
                                                  "range": [charts.ROLE_COLORS["APM"], charts.ROLE_COLORS["JPM"]]}
    rows = {r["role"]: (r["low"], r["high"]) for r in _datasets(spec)}
    assert rows == {"APM": (70_000, 110_000), "JPM": (60_000, 95_000)}


def test_salary_chart_follows_the_data(data_copy):
    path = data_copy / "salaries.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("110000", "120000"), encoding="utf-8")
    spec = charts.salary_ranges().to_dict()
    assert {r["role"]: r["high"] for r in _datasets(spec)}["APM"] == 120_000
    assert "APM $70,000 to $120,000" in spec["description"]


def test_palette_is_okabe_ito():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(charts.PALETTE) == okabe_ito
    assert set(charts.ROLE_COLORS.values()) <= okabe_ito


@pytest.mark.parametrize(("title", "description", "match"), [
    ("", "d", "needs a title"), ("  ", "d", "needs a title"), ("t", "", "needs a description")])
def test_untitled_or_undescribed_chart_is_refused(title, description, match):
    import altair as alt

    with pytest.raises(ValueError, match=match):
        charts.titled(alt.Chart(roles.salaries()).mark_bar(), title=title, description=description)


def test_renderer_is_offline_jupyter_inside_a_kernel_only():
    charts.setup()  # outside a kernel: a no-op
    code = ("import re, IPython, altair as alt\n"
            "from pmkit import charts\n"
            "charts.setup(force=True)\n"
            "data, _ = alt.renderers.get()(charts.salary_ranges().to_dict())\n"
            "esm = alt.JupyterChart._esm\n"
            "cdn = re.search(r'(from|import)\\s*\\(?\\s*[\"\\']https?://', esm)\n"
            "print(alt.renderers.active, alt.JupyterChart._is_offline, bool(cdn), len(esm) > 100_000)\n"
            "print(sorted(data))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, second = done.stdout.splitlines()
    # The widget's JavaScript is vega's bundled copy, with no import from a CDN.
    assert first.split() == ["jupyter", "True", "False", "True"]
    assert "application/vnd.jupyter.widget-view+json" in second


BUILDERS = {
    "salary_ranges": lambda: charts.salary_ranges(),
    "day_timeline": lambda: charts.day_timeline(),
    "interview_flow": lambda: charts.interview_flow(),
    "career_map_jpm": lambda: charts.career_map("Junior Product Manager"),
    "career_map_apm": lambda: charts.career_map("Associate Product Manager"),
    "ticket_trend": lambda: charts.ticket_trend(),
}
NEUTRAL = {"#000000", "#999999", "#555555", "white", "black"}


def _colours(node):
    """Every colour in a spec: colour scales' ranges and fixed mark or value colours."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"color", "fill", "stroke"} and isinstance(value, str):
                yield value
            elif key in {"color", "fill", "stroke"} and isinstance(value, dict):
                yield from value.get("scale", {}).get("range", [])
                if isinstance(value.get("value"), str):
                    yield value["value"]
            else:
                yield from _colours(value)
    elif isinstance(node, list):
        for value in node:
            yield from _colours(value)


@pytest.mark.parametrize("name", BUILDERS)
def test_every_chart_is_titled_described_and_colour_blind_safe(name):
    spec = BUILDERS[name]().to_dict()
    assert spec["title"]["text"].strip()
    assert len(spec["description"]) > 40
    colours = set(_colours(spec))
    assert colours, "a chart with no colour encoding at all"
    assert colours <= set(charts.PALETTE) | NEUTRAL, colours - set(charts.PALETTE) - NEUTRAL


def _all_rows(spec):
    return [row for rows in spec["datasets"].values() for row in rows]


def test_day_timeline_has_both_days_in_order():
    spec = charts.day_timeline().to_dict()
    rows = _all_rows(spec)
    assert len(rows) == 12
    assert [r["item"] for r in rows if r["role"] == "APM"] == roles.day_in_the_life("APM")["item"].tolist()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["range"] == list(charts.ROLE_COLORS.values())
    assert spec["layer"][0]["encoding"]["y"]["field"] == "step"


def test_interview_flow_spells_out_every_step():
    spec = charts.interview_flow().to_dict()
    flow = roles.interview_flow()
    assert len({r["step"] for r in _all_rows(spec)}) == 6
    for action in flow["action"]:
        assert action in spec["description"]


def test_career_map_nodes_and_title_follow_the_start():
    spec = charts.career_map("Associate Product Manager").to_dict()
    assert spec["title"]["text"] == "Career moves from Associate Product Manager"
    labels = {r["role"] for r in _all_rows(spec) if "role" in r}
    reachable = {edge["to_role"] for route in roles.paths_from("Associate Product Manager", 4) for edge in route}
    assert labels == {"Associate Product Manager", "Product Manager", "Senior Product Manager"} | reachable
    assert "12–18 months" in {r.get("timing") for r in _all_rows(spec)}


def test_ticket_trend_title_comes_from_the_data():
    spec = charts.ticket_trend().to_dict()
    assert spec["title"]["text"] == "Support tickets fell 30% after the launch"
    assert "1280 tickets before, 896 after, a change of -30.0%" in spec["description"]


def _kernel_like(code: str, cache: Path, **env: str) -> str:
    """Run ``code`` in a fresh interpreter with the chart cache at ``cache``; return its stdout."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PMKIT_CACHE_DIR": str(cache), **env})
    return done.stdout.strip()


SETUP = ("import sys, time\nfrom pmkit import charts\nt = time.perf_counter()\ncharts.setup(force=True)\n"
         "alt = sys.modules['altair']\nprint(round(time.perf_counter() - t, 2), len(alt.JupyterChart._esm),"
         " 'rfc3987_syntax' in sys.modules, alt.JupyterChart._is_offline)\n")


def test_the_vega_bundle_is_built_once_then_read_from_the_cache(tmp_path):
    cache = tmp_path / "cache"
    first = _kernel_like(SETUP, cache).split()
    files = list(cache.glob("vega-widget-*.js"))
    assert len(files) == 1 and files[0].stat().st_size > 100_000
    assert first[2:] == ["False", "True"]  # altair imported without jsonschema's IRI grammar
    stamp = files[0].stat().st_mtime_ns
    second = _kernel_like(SETUP, cache).split()
    assert files[0].stat().st_mtime_ns == stamp and second[1] == first[1]  # read, not rebuilt
    assert float(second[0]) < float(first[0])
    files[0].write_text("truncated")  # a broken cache file is rebuilt, never served
    _kernel_like(SETUP, cache)
    assert files[0].stat().st_size > 100_000


def test_the_cached_bundle_is_what_altair_itself_builds(tmp_path):
    code = ("import altair\nfrom pmkit import charts\ncached = charts.offline_bundle()\n"
            "altair.JupyterChart.enable_offline()\nprint(cached == altair.JupyterChart._esm)\n")
    assert _kernel_like(code, tmp_path) == "True"
    name = charts.bundle_path().name
    from importlib.metadata import version
    assert name.startswith(f"vega-widget-{version('vl-convert-python')}-")  # a new vl-convert, a new file


def test_cache_off_takes_altairs_own_path(tmp_path):
    out = _kernel_like(SETUP, tmp_path,
                       PMKIT_CHART_CACHE="off").split()
    assert out[3] == "True" and not list(tmp_path.glob("*.js"))
    assert out[2] == str(importlib.util.find_spec("rfc3987_syntax") is not None)


def test_cache_lives_outside_the_repository(monkeypatch, tmp_path):
    monkeypatch.delenv("PMKIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert charts.cache_dir() == tmp_path / "pmkit"
    assert REPO not in charts.bundle_path().parents


@pytest.mark.parametrize("name", BUILDERS)
def test_every_chart_fits_a_notebook_cell_and_sits_on_a_light_card(name):
    """Rendered by vega itself (vl-convert): at most 700 px wide, the width of a cell at 1280 px."""
    import json
    import struct

    import vl_convert

    spec = BUILDERS[name]().to_dict()
    png = vl_convert.vegalite_to_png(json.dumps(spec), scale=1)
    width, _height = struct.unpack(">II", png[16:24])
    assert width <= 700, f"{name} is {width} px wide"
    assert spec["background"] == "#FFFFFF"  # vega's black text stays readable in the dark theme


def test_interview_flow_labels_every_step_in_place():
    spec = charts.interview_flow().to_dict()
    texts = [c for c in spec["hconcat"] if c.get("mark", {}).get("type") == "text"]
    assert len(texts) == 1 and texts[0]["encoding"]["text"]["field"] == "lines"
    drawn = {" ".join(r["lines"]) for r in _all_rows(spec)}
    assert drawn == set(roles.interview_flow()["action"])


def test_career_map_words_people_management_as_the_data_means_it():
    """The data records only what an article says, so "false" would claim more than it knows."""
    values = {row["manages"] for data in charts.career_map().to_dict()["datasets"].values()
              for row in data if "manages" in row}
    assert values == set(charts.MANAGES.values())
