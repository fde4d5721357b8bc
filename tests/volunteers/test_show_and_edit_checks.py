"""A contact family's page shows language names and birth dates in the reader's language; the
edit form keeps decimal distances and refuses CPR numbers next to the field."""

import re

import flask_babel
import pytest

from matcher.extensions import db
from matcher.models import ContactFamily
from tests import factories as f
from tests.volunteers.test_views import edit_data

CPR = "Skriv ikke CPR-numre her. Fjern nummeret, og gem igen."


@pytest.fixture
def cf(app):
    mun = f.municipality()
    cf = f.contact_family(
        mun,
        "Familien Holm",
        languages=["da", "ar", "xx"],
        children_birth_dates=["2014-06-01", "2017-11-23"],
        max_distance_km=12.5,
    )
    f.user(mun, "coordinator", email="koord@example.dk")
    db.session.commit()
    return cf


def dd_after(html: str, label: str) -> str:
    return re.search(rf"<dt[^>]*>{label}</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S).group(1)


def test_languages_and_birth_dates_are_shown_in_danish(client, cf):
    f.login(client, "koord@example.dk")
    html = client.get(f"/contact-families/{cf.id}").get_data(as_text=True)
    assert dd_after(html, "Sprog") == "Dansk, Arabisk, xx"  # an unknown code stays readable
    assert dd_after(html, "Egne børn født") == "1. jun. 2014, 23. nov. 2017"


def test_languages_and_birth_dates_are_shown_in_english(client, cf):
    f.login(client, "koord@example.dk")
    client.post("/language", data={"lang": "en"})
    flask_babel.refresh()  # the requests share the test's app context
    html = client.get(f"/contact-families/{cf.id}").get_data(as_text=True)
    assert dd_after(html, "Languages") == "Danish, Arabic, xx"
    assert dd_after(html, "Own children born") == "Jun 1, 2014, Nov 23, 2017"


def test_the_edit_form_shows_and_keeps_a_decimal_distance(client, cf):
    f.login(client, "koord@example.dk")
    form = client.get(f"/contact-families/{cf.id}/edit").get_data(as_text=True)
    assert 'name="max_distance_km"' in form and 'value="12.5"' in form
    answer = client.post(
        f"/contact-families/{cf.id}/edit", data=edit_data(cf, max_distance_km="7.5")
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(ContactFamily, cf.id).max_distance_km == 7.5


@pytest.mark.parametrize("field", ["name", "contact_name", "interests", "motivation"])
def test_a_cpr_number_in_the_edit_form_is_refused_next_to_the_field(client, cf, field):
    f.login(client, "koord@example.dk")
    typed = "Nævnt 010190-1234"
    page = client.post(f"/contact-families/{cf.id}/edit", data=edit_data(cf, **{field: typed}))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(rf'id="{field}-error">{CPR}<', html)
    assert typed in html and 'value="Søvej 4"' in html
    db.session.expire_all()
    assert db.session.get(ContactFamily, cf.id).name == "Familien Holm"
