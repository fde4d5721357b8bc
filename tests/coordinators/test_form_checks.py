"""The coordinator's family and child forms on Danish pages: CPR numbers refused next to every
free-text field (what was typed kept), WTForms' own messages in Danish, decimal distances."""

import re

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Child, Family
from tests import factories as f
from tests.coordinators.test_views import child_form, family_form

CPR = "Skriv ikke CPR-numre her. Fjern nummeret, og gem igen."


@pytest.fixture
def world(app):
    mun = f.municipality()
    me = f.user(mun, "coordinator", email="koord@example.dk", name="Hanne")
    family = f.family(mun, "Haddad", coordinator_id=me.id)
    db.session.commit()
    return {"mun": mun, "family": family}


def errors_of(html: str, field: str) -> list[str]:
    return re.findall(rf'id="{field}-error">([^<]*)</div>', html)


def families() -> int:
    return db.session.scalar(select(func.count(Family.id)))


@pytest.mark.parametrize(
    "field", ["reference", "name", "address", "interests", "consent_given_by", "notes"]
)
def test_a_cpr_number_in_any_family_text_is_refused_next_to_the_field(client, world, field):
    f.login(client, "koord@example.dk")  # Danish, the default
    typed = "Se 150687-4411"
    page = client.post("/coordinator/families/new", data=family_form(**{field: typed}))
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and families() == 1
    assert CPR in errors_of(html, field)
    assert typed in html
    assert 'value="Nørrevænget 8"' in html or field == "address"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Dette felt skal udfyldes."),
        ("arrival_date", "i går", "Ikke en gyldig dato."),
        ("lat", "nord", "Ikke et gyldigt tal."),
        ("coordinator_id", "abc", "Ugyldigt valg: værdien kunne ikke læses."),
    ],
)
def test_wtforms_messages_are_danish_on_the_family_form(client, world, field, value, message):
    f.login(client, "koord@example.dk")
    html = client.post("/coordinator/families/new", data=family_form(**{field: value})).get_data(
        as_text=True
    )
    assert message in errors_of(html, field)


def test_a_cpr_number_as_a_childs_first_name_is_refused_and_kept(client, world):
    f.login(client, "koord@example.dk")
    url = f"/coordinator/families/{world['family'].id}/children"
    page = client.post(url, data=child_form("new", first_name="Amal 0101901234"))
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert errors_of(html, "new-first_name") == [CPR]
    assert 'value="Amal 0101901234"' in html


def test_a_childs_distance_keeps_its_decimals(client, world):
    f.login(client, "koord@example.dk")
    url = f"/coordinator/families/{world['family'].id}/children"
    assert client.post(url, data=child_form("new", max_distance_km="2,5")).status_code == 302
    amal = db.session.scalar(select(Child).where(Child.first_name == "Amal"))
    assert amal.max_distance_km == 2.5
