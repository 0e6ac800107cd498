"""The career graph behind chapter 09's explorer."""

from __future__ import annotations

import pytest

from pmkit import roles, widgets


def test_apm_routes_follow_the_ladder_with_timing():
    routes = roles.paths_from("Associate Product Manager")
    ends = {r[-1]["to_role"] for r in routes}
    assert ends == {"Director of Product", "SVP of Product", "Senior IC Product Manager"}
    ladder = next(r for r in routes if r[-1]["to_role"] == "Director of Product")
    assert [e["to_role"] for e in ladder] == ["Product Manager", "Senior Product Manager",
                                               "Group Product Manager", "Director of Product"]
    assert roles.timing(ladder[0]) == "12–18 months"
    assert roles.timing(ladder[1]) == "timing not given"


def test_jpm_routes_include_management_ic_and_alternatives():
    routes = roles.paths_from("Junior Product Manager")
    first_moves = {r[0]["to_role"]: r[0]["track"] for r in routes}
    assert first_moves["Director of Product"] == "management"
    assert first_moves["Product Lead"] == "ic"
    assert {k for k, v in first_moves.items() if v == "alternative"} == {
        "Product Ops", "UX Strategy", "Customer Insights", "Associate Product Manager"}
    for route in routes:  # no route visits a role twice
        visited = [route[0]["from_role"], *(e["to_role"] for e in route)]
        assert len(visited) == len(set(visited))


def test_max_steps_cuts_routes():
    assert all(len(r) <= 2 for r in roles.paths_from("Junior Product Manager", max_steps=2))


def test_route_summary_says_timing_and_management():
    route = next(r for r in roles.paths_from("Associate Product Manager") if r[-1]["to_role"] == "SVP of Product")
    text = roles.route_summary(route)
    assert text.startswith("Associate Product Manager → Product Manager (APM ladder, 12–18 months)")
    assert text.endswith("ends managing people")
    ic = next(r for r in roles.paths_from("Junior Product Manager") if r[-1]["to_role"] == "Product Lead")
    assert roles.route_summary(ic).endswith("no people management")
    with pytest.raises(ValueError):
        roles.route_summary([])


def test_unknown_role_is_a_clear_error():
    with pytest.raises(ValueError, match="no role named 'CEO'"):
        roles.next_moves("CEO")


def test_starting_roles_put_the_two_titles_first():
    starts = roles.starting_roles()
    assert starts[:2] == ["Associate Product Manager", "Junior Product Manager"]
    assert "Director of Product" not in starts  # no onward move


def test_explorer_redraws_on_a_new_start():
    explorer = widgets.career_explorer("Junior Product Manager")
    assert explorer.chart.spec["title"]["text"] == "Career moves from Junior Product Manager"
    assert "12 routes from Junior Product Manager" in explorer.routes.value
    explorer.picker.value = "Associate Product Manager"
    assert explorer.chart.spec["title"]["text"] == "Career moves from Associate Product Manager"
    assert "3 routes from Associate Product Manager" in explorer.routes.value
    assert "12–18 months" in explorer.routes.value
