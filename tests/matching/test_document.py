"""Malformed or invalid round documents are refused with one line naming field and record."""

import pytest

from matcher.matching import RoundError, solve

from .rounds import activity, child, contact, family, round_doc


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


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["params"].update(preference_points=[100, 100_001]),
            "params.preference_points[1]: must be at most 100000",
        ),
        (
            lambda d: d["params"].update(preference_points=[100, -1]),
            "params.preference_points[1]: must be an integer >= 0",
        ),
        (
            lambda d: d["params"].update(sibling_points=10**16),
            "params.sibling_points: must be at most 100000",
        ),
        (
            lambda d: d["params"].update(distance_penalty_per_km=1e300),
            "params.distance_penalty_per_km: must be at most 10000",
        ),
        (
            lambda d: d["children"][0].update(rounds_waited=10**19),
            "children[0].rounds_waited: must be at most 1000",
        ),
        (
            lambda d: d["activities"][0].update(capacity=10**19),
            "activities[0].capacity: must be at most 1000000",
        ),
        (
            lambda d: d["activities"][0].update(fee=1e7),
            "activities[0].fee: must be at most 1000000",
        ),
        (
            lambda d: d["families"][0].update(rounds_waited=1001),
            "families[0].rounds_waited: must be at most 1000",
        ),
        (
            lambda d: d["contact_families"][0].update(capacity=10**6 + 1),
            "contact_families[0].capacity: must be at most 1000000",
        ),
    ],
)
def test_numbers_beyond_any_real_round_are_refused(change, message):
    # they would overflow the flows' 64-bit weights: a clear line, never a traceback
    doc = round_doc([child()], [activity()], [family()], [contact()])
    change(doc)
    assert str(error_of(doc)) == message


def test_numbers_at_the_limits_are_taken():
    doc = round_doc(
        [child(rounds_waited=1000)],
        [activity(capacity=10**6, fee=1e6)],
        [family(rounds_waited=1000)],
        [contact(capacity=10**6)],
        preference_points=[100_000],
        waiting_points=100_000,
        distance_penalty_per_km=10_000,
        budget=1e6,
    )
    result = solve(doc)
    assert result["status"] == "optimal"
    assert (result["stats"]["placed"], result["stats"]["paired"]) == (1, 1)
    assert result["placements"][0]["why"]["waiting_points"] == 10**8


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
