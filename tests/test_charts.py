"""Charts are checked through their Vega-Lite specs: title, description, palette, data."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pmkit import charts, roles


def _datasets(spec):
    return next(iter(spec["datasets"].values()))


def test_salary_chart_spec():
    spec = charts.salary_ranges().to_dict()
    assert spec["title"]["text"] == "Salary ranges in the United States (USD)"
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
