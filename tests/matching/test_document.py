"""Malformed or invalid round documents are refused with one line naming field and record."""

import pytest

from matcher.matching import RoundError, solve

from .rounds import activity, child, round_doc


def error_of(doc) -> RoundError:
    with pytest.raises(RoundError) as info:
        solve(doc)
    return info.value


def test_impossible_birth_date_names_the_child_and_field():
    kids = [child(f"c{i}") for i in range(4)]
    kids[3]["birth_date"] = "2016-02-30"
    err = error_of(round_doc(kids))
    assert str(err) == "children[3].birth_date: not a date"
    assert err.path == "children[3].birth_date"


def test_negative_capacity_is_refused():
    acts = [activity("a0"), activity("a1"), activity("a2", capacity=-1)]
    assert str(error_of(round_doc(activities=acts))) == (
        "activities[2].capacity: must be an integer >= 0"
    )


def test_duplicate_id_is_refused():
    kids = [child("c1"), child("c2"), child("c1")]
    assert str(error_of(round_doc(kids))) == 'children[2].id: duplicate id "c1"'


def test_coordinates_out_of_range_are_refused():
    kids = [child(location={"lat": 91, "lon": 10})]
    assert str(error_of(round_doc(kids))) == "children[0].location.lat: must be between -90 and 90"


def test_unknown_weekday_and_gender_are_refused():
    assert error_of(round_doc([child(available_days=["monday"])])).path == (
        "children[0].available_days[0]"
    )
    assert error_of(round_doc([child(gender="x")])).path == "children[0].gender"


def test_wrong_format_and_missing_round_date_are_refused():
    assert error_of({"format": "other"}).path == "format"
    assert error_of({"format": "matcher-round/1"}).path == "round_date"


def test_all_four_lists_are_optional():
    result = solve({"format": "matcher-round/1", "round_date": "2026-08-15"})
    assert result["status"] == "optimal"
    assert result["stats"]["placed"] == 0 and result["stats"]["paired"] == 0
