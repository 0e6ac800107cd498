"""The career graph behind chapter 09's explorer."""

from __future__ import annotations

import itertools

import pytest

from pmkit.teach import roles, widgets


def test_apm_routes_follow_the_ladder_with_timing():
    routes = roles.paths_from("Associate Product Manager")
    assert len(routes) == 1  # the first article gives the APM one ladder
    assert [e["to_role"] for e in routes[0]] == ["Product Manager", "Senior Product Manager",
                                                 "Group Product Manager", "Director of Product"]
    assert {e["track"] for e in routes[0]} == {"apm_ladder"}
    assert roles.timing(routes[0][0]) == "12–18 months"
    assert roles.timing(routes[0][1]) == "timing not given"


def test_jpm_routes_never_borrow_the_apm_ladder():
    for route in roles.paths_from("Junior Product Manager"):
        tracks = [e["track"] for e in route]
        assert "apm_ladder" not in tracks, roles.route_summary(route)
        for before, after in itertools.pairwise(tracks):
            assert after in roles.FOLLOWS[before], roles.route_summary(route)


def test_jpm_routes_include_management_ic_alternatives_and_the_retitle():
    routes = roles.paths_from("Junior Product Manager")
    first_moves = {r[0]["to_role"]: r[0]["track"] for r in routes}
    assert first_moves["Director of Product"] == "management"
    assert first_moves["Product Lead"] == "ic"
    assert first_moves["Associate Product Manager"] == "retitle"
    assert {k for k, v in first_moves.items() if v == "alternative"} == {
        "Product Ops", "UX Strategy", "Customer Insights"}
    for route in routes:  # no route visits a role twice
        visited = [route[0]["from_role"], *(e["to_role"] for e in route)]
        assert len(visited) == len(set(visited))


def test_only_moves_an_article_says_add_managing_people_are_marked():
    managing = set(roles.career_paths().query("people_management")["to_role"])
    assert managing == {"Director of Product", "VP of Product"}  # the second article's two


def test_max_steps_cuts_routes():
    assert all(len(r) <= 2 for r in roles.paths_from("Junior Product Manager", max_steps=2))


def test_route_summary_says_timing_and_management():
    route = roles.paths_from("Associate Product Manager")[0]
    text = roles.route_summary(route)
    assert text.startswith("Associate Product Manager → Product Manager (APM ladder, 12–18 months)")
    assert text.endswith("— an article says this adds managing people")
    ic = next(r for r in roles.paths_from("Junior Product Manager") if r[-1]["to_role"] == "Product Lead")
    assert roles.route_summary(ic).endswith("— neither article says this adds managing people")
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
    assert "9 routes from Junior Product Manager" in explorer.routes.value
    explorer.picker.value = "Associate Product Manager"
    assert explorer.chart.spec["title"]["text"] == "Career moves from Associate Product Manager"
    assert "1 route from Associate Product Manager" in explorer.routes.value
    assert "12–18 months" in explorer.routes.value


def test_a_jpm_to_director_line_is_a_destination_not_one_promotion():
    """The second article names director and product-lead roles a JPM may reach, not the steps between."""
    route = next(r for r in roles.paths_from("Junior Product Manager") if r[-1]["to_role"] == "Director of Product")
    assert len(route) == 1 and roles.timing(route[0]) == "steps and timing not given"
    assert "steps and timing not given" in roles.route_summary(route)
    apm = roles.paths_from("Associate Product Manager")[0]
    assert roles.timing(apm[1]) == "timing not given"  # a rung of the APM ladder is one move
