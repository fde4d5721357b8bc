"""Every hard rule of the spec, at its boundary, on hand-made rounds."""

from .rounds import activity, child, contact, family, km, north, placed, reasons, round_doc, solved


def test_child_turning_18_on_the_round_date_is_too_old():
    doc = round_doc([child(birth_date="2008-08-15")], [activity(max_age=99)])
    result = solved(doc)
    assert placed(result) == {}
    assert reasons(result) == {"c1": "too_old"}


def test_child_turning_18_the_day_after_is_placed():
    doc = round_doc([child(birth_date="2008-08-16")], [activity(max_age=17)])
    assert placed(solved(doc)) == {"c1": "a1"}


def test_age_exactly_at_min_and_max_is_inside_the_range():
    kids = [child("young", birth_date="2020-08-15"), child("old", birth_date="2012-08-15")]
    acts = [activity("a6", min_age=6, max_age=6), activity("a14", min_age=14, max_age=14)]
    assert placed(solved(round_doc(kids, acts))) == {"young": "a6", "old": "a14"}


def test_age_one_day_short_of_min_is_outside_the_range():
    doc = round_doc([child(birth_date="2020-08-16")], [activity(min_age=6)])
    result = solved(doc)
    assert placed(result) == {}
    assert reasons(result) == {"c1": "no_activity_in_age_range"}


def test_gender_other_only_fits_activities_for_any():
    kids = [child("o", gender="other")]
    acts = [activity("girls", gender="female", capacity=5), activity("all", gender="any")]
    assert placed(solved(round_doc(kids, acts))) == {"o": "all"}
    result = solved(round_doc(kids, acts[:1]))
    assert reasons(result) == {"o": "no_activity_for_gender"}


def test_zero_capacity_places_nobody():
    result = solved(round_doc([child()], [activity(capacity=0)]))
    assert placed(result) == {}
    assert reasons(result) == {"c1": "no_activity_with_capacity"}


def test_no_shared_day_means_no_placement():
    doc = round_doc([child(available_days=["tue"])], [activity(days=["mon"])])
    assert reasons(solved(doc)) == {"c1": "no_activity_on_available_days"}


def test_category_must_be_among_the_wishes():
    doc = round_doc([child(wishes=["chess"])], [activity()])
    assert reasons(solved(doc)) == {"c1": "no_activity_in_wishes"}
    assert reasons(solved(round_doc([child(wishes=[])], [activity()]))) == {"c1": "no_wishes"}


def test_declined_activity_is_never_proposed_again():
    doc = round_doc([child(excluded_activities=["a1"])], [activity(capacity=3)])
    result = solved(doc)
    assert placed(result) == {}
    assert reasons(result) == {"c1": "all_declined_before"}


def test_distance_exactly_at_max_is_within_reach():
    where = north(7.3)
    limit = km(child()["location"], where)
    doc = round_doc([child(max_distance_km=limit)], [activity(location=where)])
    assert placed(solved(doc)) == {"c1": "a1"}


def test_distance_just_beyond_max_is_out_of_reach():
    where = north(7.3)
    limit = km(child()["location"], where) - 1e-9
    result = solved(round_doc([child(max_distance_km=limit)], [activity(location=where)]))
    assert reasons(result) == {"c1": "no_activity_within_reach"}
    assert result["unplaced"][0]["detail"]["nearest_activity"] == "a1"


def test_budget_exactly_spent_is_allowed():
    kids = [child("c1"), child("c2")]
    doc = round_doc(kids, [activity(capacity=2, fee=750.5)], budget=1501.0)
    assert len(placed(solved(doc))) == 2


def test_budget_one_short_leaves_a_child_out_for_budget():
    kids = [child("c1"), child("c2")]
    result = solved(round_doc(kids, [activity(capacity=2, fee=750.5)], budget=1500.0))
    assert len(placed(result)) == 1
    assert [u["reason"] for u in result["unplaced"]] == ["budget"]


def test_fees_of_a_fraction_of_an_ore_never_break_the_budget():
    # found by a random sweep: 0.004 DKK counted as 0 øre let 97 children "fit" a budget of 0.
    # Fees count in whole øre, rounded up; whole-øre fees (every real one) stay exact.
    kids = [child(f"c{i}") for i in range(30)]
    for budget, expected in ((0.0, 0), (0.1, 10), (0.119, 11)):
        doc = round_doc(kids, [activity(capacity=30, fee=0.004)], budget=budget)
        result = solved(doc)  # `solved` also checks every hard rule, the budget's included
        assert len(placed(result)) == expected
    doc = round_doc(
        kids, [activity(capacity=30, fee=0.07)], budget=0.7
    )  # 0.07 * 100 = 7.000000000000001
    assert len(placed(solved(doc))) == 10


def test_declined_contact_family_is_never_proposed_again():
    doc = round_doc(families=[family(excluded_contact_families=["k1"])], contacts=[contact()])
    result = solved(doc)
    assert result["pairings"] == []
    assert reasons(result) == {"f1": "all_declined_before"}


def test_child_of_14_needs_a_certificate_and_child_of_15_does_not():
    uncertified = contact(child_certificate=False)
    younger = family(children_birth_dates=["2011-08-16"])  # 14 on the round date
    older = family(children_birth_dates=["2011-08-15"])  # 15 on the round date
    result = solved(round_doc(families=[younger], contacts=[uncertified]))
    assert reasons(result) == {"f1": "no_contact_family_with_child_certificate"}
    assert len(solved(round_doc(families=[older], contacts=[uncertified]))["pairings"]) == 1


def test_contact_family_reach_is_theirs_and_inclusive():
    where = north(4.2)
    limit = km(family()["location"], where)
    doc = round_doc(families=[family()], contacts=[contact(location=where, max_distance_km=limit)])
    assert len(solved(doc)["pairings"]) == 1
    far = contact(location=north(4.3), max_distance_km=limit)
    result = solved(round_doc(families=[family()], contacts=[far]))
    assert reasons(result) == {"f1": "no_contact_family_within_reach"}


def test_contact_family_capacity_is_respected():
    fams = [family("f1"), family("f2"), family("f3")]
    result = solved(round_doc(families=fams, contacts=[contact(capacity=2)]))
    assert len(result["pairings"]) == 2
    assert list(reasons(result).values()) == ["capacity"]
    zero = solved(round_doc(families=fams[:1], contacts=[contact(capacity=0)]))
    assert reasons(zero) == {"f1": "no_contact_family_with_capacity"}
