"""pmkit.teach.display shows tables as a learner reads them: full text, words for headers, yes/no, no <NA>."""

from __future__ import annotations

import pandas as pd
import pytest

from pmkit.teach import display, roles


def test_long_text_is_shown_whole_without_index_and_left_aligned():
    long = "A sentence that is much longer than pandas' fifty-character default column width, in full."
    shown = display.table(pd.DataFrame({"item": [long], "from_role": ["APM"]}))._repr_html_()
    assert long.replace("'", "&#x27;") in shown
    assert "…" not in shown and "..." not in shown
    assert "<th" in shown and ">Item<" in shown and ">From<" in shown
    assert "from_role" not in shown
    assert "text-align:left" in shown


def test_booleans_and_missing_values_read_as_words():
    frame = pd.DataFrame({"people_management": [True, False], "months_min": pd.array([12, None], dtype="Int64")})
    shown = display.table(frame)
    assert shown.rows == [["yes", "12"], ["no", ""]]
    assert "<NA>" not in shown._repr_html_() and "True" not in shown._repr_html_()


def test_columns_can_be_chosen_and_named_and_a_named_index_is_kept():
    shown = display.table(roles.side_by_side("daily"))
    assert shown.headers[1:] == ["Associate Product Manager", "Junior Product Manager"]
    assert shown.rows[0][0] == "Team syncs"
    picked = display.table(roles.salaries(), {"role_name": "Role", "low": "From (USD)"})
    assert picked.headers == ["Role", "From (USD)"] and picked.rows[0][1] == "70,000"


def test_snake_case_detection():
    assert display.is_snake_case("from_role") and not display.is_snake_case("From role")
    assert display.header("decision_focus") == "Decision focus"


def test_reveal_shows_the_answer_only_after_an_attempt():
    box = display.reveal("Which reason?", "Payout delay, because it drives churn.")
    _, answer_box, button, shown = box.children
    assert button.disabled and shown.value == ""
    answer_box.value = "no idea"  # too short to count as an attempt
    assert button.disabled
    answer_box.value = "Payout delay: it is the most common reason"
    assert not button.disabled
    button.click()
    assert "Payout delay, because it drives churn." in shown.value


def test_grouped_keeps_the_order_of_the_headings_and_refuses_unknown_groups():
    frame = pd.DataFrame({"kind": ["b", "a", "b"], "text": ["b1", "a1", "b2"]})
    shown = display.grouped(frame, "kind", "text", {"b": "Bee", "a": "Ay"}).data
    assert shown.index("**Bee**") < shown.index("b2") < shown.index("**Ay**")
    with pytest.raises(KeyError, match="no heading for kind value"):
        display.grouped(frame, "kind", "text", {"a": "Ay"})


def test_capitalize_starts_chosen_columns_with_a_capital_and_leaves_the_rest():
    frame = pd.DataFrame({"phase": ["setting", "outcome"], "stream": ["QA", "design handoff"],
                          "text": ["as is", "iOS app"]})
    shown = display.table(frame, capitalize=["phase", "stream"])
    assert shown.rows == [["Setting", "QA", "as is"], ["Outcome", "Design handoff", "iOS app"]]
    with pytest.raises(KeyError, match="phase"):
        display.table(frame, ["text"], capitalize=["phase"])
