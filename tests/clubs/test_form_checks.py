"""The club portal's forms in Danish: real activity times, CPR numbers refused next to the field,
WTForms' own messages translated."""

import re

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Activity, Club
from tests import factories as f
from tests.clubs.test_portal import ACTIVITY

CPR = "Skriv ikke CPR-numre her. Fjern nummeret, og gem igen."


@pytest.fixture
def club(app):
    mun = f.municipality()
    club = f.club(mun, "Klub A")
    f.user(mun, "club_contact", club=club, email="a@example.dk")
    db.session.commit()
    return club


def errors_of(html: str, field: str) -> list[str]:
    return re.findall(rf'id="{field}-error">([^<]*)</div>', html)


def new_activity(client, club, **changes):
    f.login(client, "a@example.dk")
    data = {**ACTIVITY, "token": "t" * 32, **changes}
    return client.post(f"/club/{club.id}/activities/new", data=data)


def stored(name: str = ACTIVITY["name"]):
    return db.session.scalar(select(Activity).where(Activity.name == name))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("25:99-99:99", "25:99 er ikke et klokkeslæt (00:00 til 23:59)."),
        ("16:00-16:75", "16:75 er ikke et klokkeslæt (00:00 til 23:59)."),
        ("18:00-16:00", "Starttiden skal ligge før sluttiden."),
        ("18:00-18:00", "Starttiden skal ligge før sluttiden."),
        ("16:30", "Skriv tiden som fra-til, fx 16:30-18:00."),
        ("om eftermiddagen", "Skriv tiden som fra-til, fx 16:30-18:00."),
    ],
)
def test_an_impossible_time_is_refused_next_to_the_field(client, club, typed, message):
    page = new_activity(client, club, time=typed)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and stored() is None
    assert errors_of(html, "time") == [message]
    assert f'value="{typed}"' in html and 'value="Svømning for begyndere"' in html


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("16:30-18:00", "16:30-18:00"), ("9.30 – 11:00", "09:30-11:00"), ("", "")],
)
def test_a_real_time_span_is_stored_as_hh_mm(client, club, typed, kept):
    assert new_activity(client, club, time=typed).status_code == 302
    assert stored().time == kept


def test_no_places_and_no_fee_are_numbers_not_missing_values(client, club):
    assert new_activity(client, club, places="0", fee="0").status_code == 302
    assert (stored().places, stored().fee) == (0, 0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("places", "", "Dette felt skal udfyldes."),
        ("places", "fire", "Ikke et gyldigt heltal."),
        ("fee", "-5", "Tallet skal være mellem 0 og 100.000."),
        ("fee", "1000000000000", "Tallet skal være mellem 0 og 100.000."),
        ("places", "99999999999", "Tallet skal være mellem 0 og 10.000."),
        ("min_age", "20", "Tallet skal være mellem 0 og 17."),
        ("name", "", "Dette felt skal udfyldes."),
        ("category", "golf", "Ikke et gyldigt valg."),
    ],
)
def test_wtforms_messages_are_danish(client, club, field, value, message):
    html = new_activity(client, club, **{field: value}).get_data(as_text=True)
    assert errors_of(html, field) == [message]


@pytest.mark.parametrize("field", ["name", "address"])
def test_a_cpr_number_in_an_activity_is_refused_and_what_was_typed_kept(client, club, field):
    typed = "Hold for 010190-1234"
    page = new_activity(client, club, **{field: typed})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and stored(typed) is None
    assert CPR in errors_of(html, field)
    assert f'value="{typed}"' in html and 'value="16:30-17:30"' in html


@pytest.mark.parametrize("field", ["name", "address", "contact_name"])
def test_a_cpr_number_in_the_clubs_details_is_refused_next_to_the_field(client, club, field):
    f.login(client, "a@example.dk")
    data = {
        "name": "Klub A 1920",
        "address": "Ny Vej 2",
        "postcode": "8000",
        "email": "info@kluba.dk",
        "phone": "86 12 34 56",
        "contact_name": "Ole",
        "version": str(club.version),
        field: "Ole 0101901234",
    }
    page = client.post(f"/club/{club.id}/edit", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and errors_of(html, field) == [CPR]
    assert 'value="Ole 0101901234"' in html and 'value="info@kluba.dk"' in html
    db.session.expire_all()
    assert db.session.get(Club, club.id).name == "Klub A"
