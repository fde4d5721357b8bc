"""The sign-up page in Danish: WTForms' own messages, CPR numbers in free text, decimal km."""

import re

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import ContactFamily
from tests import factories as f
from tests.signup.test_signup_form import answers

URL = "/bliv-kontaktfamilie/"
CPR = "Skriv ikke CPR-numre her. Fjern nummeret, og gem igen."


@pytest.fixture
def mun(app):
    m = f.municipality(code="silkeborg", name="Silkeborg Kommune")
    db.session.commit()
    return m


def count() -> int:
    return db.session.scalar(select(func.count(ContactFamily.id)))


def errors_of(html: str, field: str) -> list[str]:
    """Return the error texts shown next to a field."""
    return re.findall(rf'id="{re.escape(field)}-error">([^<]*)</div>', html)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Dette felt skal udfyldes."),
        ("email", "mette.example.dk", "Ugyldig e-mailadresse."),
        ("capacity", "", "Dette felt skal udfyldes."),
        ("capacity", "to", "Ikke et gyldigt heltal."),
        ("capacity", "0", "Tallet skal være mellem 1 og 5."),  # 0 is typed, not missing
        ("max_distance_km", "langt", "Ikke et gyldigt tal."),
        ("max_distance_km", "500", "Tallet skal være mellem 1 og 100."),
        ("name", "x" * 121, "Feltet må højst være 120 tegn langt."),
    ],
)
def test_wtforms_messages_are_danish_next_to_the_field(client, mun, field, value, message):
    page = client.post(URL, data=answers(**{field: value}))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and count() == 0
    assert errors_of(html, field) == [message]
    assert 'value="Søvej 4"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("children_birth_dates-0", "2014-13-45", "Ikke en gyldig dato."),
        ("languages", ["xx"], "&#39;xx&#39; er ikke et gyldigt valg i dette felt."),
    ],
)
def test_dates_and_choices_are_refused_in_danish(client, mun, field, value, message):
    html = client.post(URL, data=answers(**{field: value})).get_data(as_text=True)
    assert (
        f'<div class="invalid-feedback{" d-block" if field == "languages" else ""}">{message}<'
        in html
    )
    assert count() == 0


def test_own_children_must_be_under_18(client, mun):
    html = client.post(URL, data=answers(**{"children_birth_dates-1": "1990-02-02"})).get_data(
        as_text=True
    )
    assert "Et barn skal være under 18 år." in html and count() == 0


@pytest.mark.parametrize(
    "field", ["name", "contact_name", "address", "interests", "motivation", "email", "phone"]
)
def test_a_cpr_number_in_free_text_is_refused_next_to_the_field_and_kept(client, mun, field):
    typed = "Vi er 010190-1234" if field != "email" else "0101901234@example.dk"
    page = client.post(URL, data=answers(**{field: typed}))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and count() == 0
    assert CPR in errors_of(html, field)
    assert typed in html  # what was typed is kept ...
    assert 'value="Mette Jensen"' in html or field == "contact_name"  # ... and so is the rest
    assert "Vi vil gerne hjælpe." in html or field == "motivation"


@pytest.mark.parametrize("typed", ["12.5", "12,5"])
def test_a_decimal_distance_is_kept(client, mun, typed):
    assert client.post(URL, data=answers(max_distance_km=typed)).status_code == 302
    assert db.session.scalar(select(ContactFamily.max_distance_km)) == 12.5
