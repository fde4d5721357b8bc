"""Fuzzing the form and import checks: any input gives None or a message, never an exception;
a CPR number is found wherever it sits in a text."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.web import validators as v

FUZZ = settings(max_examples=200, deadline=None)


@FUZZ
@given(st.one_of(st.none(), st.text(max_size=40)))
def test_text_checks_answer_none_or_a_message(text):
    for check in (v.check_postcode, v.check_phone, v.check_no_cpr):
        result = check(text)
        assert result is None or str(result)
    assert isinstance(v.contains_cpr(text), bool)


@FUZZ
@given(st.one_of(st.none(), st.dates()), st.dates(min_value=date(1990, 1, 1)))
def test_date_checks_answer_none_or_a_message(day, today):
    for result in (v.check_child_birth_date(day, today), v.check_not_future(day, today)):
        assert result is None or str(result)


@FUZZ
@given(
    st.one_of(st.none(), st.integers()),
    st.one_of(st.none(), st.integers()),
    st.one_of(st.none(), st.floats(allow_nan=True)),
)
def test_number_checks_answer_none_or_a_message(low, high, number):
    assert v.check_age_range(low, high) is None or (low > high)
    result = v.check_non_negative(number)
    assert result is None or number < 0


@FUZZ
@given(
    st.text(max_size=20),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(0, 9999),
    st.sampled_from(["-", "", " "]),
    st.text(max_size=20),
)
def test_a_cpr_number_is_found_anywhere_in_a_text(before, born, serial, sep, after):
    cpr = f"{born:%d%m%y}{sep}{serial:04d}"
    text = f"{before} {cpr} {after}"
    assert v.contains_cpr(text)
    assert v.check_no_cpr(text) is not None
