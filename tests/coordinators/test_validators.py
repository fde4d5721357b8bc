"""The reusable checks behind the forms and the imports."""

from datetime import date

import pytest

from matcher.web import validators as v

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize("text", ["010203-1234", "0102031234", "CPR: 311299 1234", "x150687-4411"])
def test_cpr_numbers_are_found_in_free_text(text):
    assert v.contains_cpr(text)


@pytest.mark.parametrize("text", ["20 30 40 50", "+4520304050", "tlf 4520304050", "8600", ""])
def test_phone_numbers_and_postcodes_are_not_taken_for_cpr_numbers(text):
    assert not v.contains_cpr(text)


@pytest.mark.parametrize(
    "value, ok", [("8600", True), ("9999", False), ("860", False), ("", False)]
)
def test_postcodes_must_be_four_digits_and_known(value, ok):
    assert (v.check_postcode(value) is None) == ok


@pytest.mark.parametrize(
    "value, ok", [("20 30 40 50", True), ("+45 20-30-40-50", True), ("", True), ("123", False)]
)
def test_phone_numbers_have_eight_to_fifteen_digits(value, ok):
    assert (v.check_phone(value) is None) == ok


@pytest.mark.parametrize(
    "born, ok",
    [
        (date(2008, 6, 16), True),  # turns 18 tomorrow
        (date(2008, 6, 15), False),  # 18 today
        (date(2026, 6, 16), False),  # not born yet
        (TODAY, True),
    ],
)
def test_a_childs_birth_date_is_under_18_and_not_in_the_future(born, ok):
    assert (v.check_child_birth_date(born, TODAY) is None) == ok


def test_age_ranges_places_and_dates():
    assert v.check_age_range(6, 12) is None and v.check_age_range(12, 6) is not None
    assert v.check_non_negative(0) is None and v.check_non_negative(-1) is not None
    assert v.check_not_future(TODAY, TODAY) is None
    assert v.check_not_future(date(2026, 6, 16), TODAY) is not None
