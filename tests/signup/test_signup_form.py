"""The public sign-up: a Danish family volunteers without logging in."""

import re

import pytest
from sqlalchemy import func, select

from matcher.extensions import db, limiter
from matcher.models import AuditEvent, ContactFamily
from tests import factories as f


@pytest.fixture
def mun(app):
    m = f.municipality(code="silkeborg", name="Silkeborg Kommune")
    m.contact_email = "frivillig@silkeborg.example.dk"
    db.session.commit()
    return m


def answers(**extra) -> dict:
    data = {
        "name": "Familien Jensen",
        "contact_name": "Mette Jensen",
        "email": "Mette@Example.dk",
        "phone": "20 30 40 50",
        "address": "Søvej 4",
        "postcode": "8600",
        "languages": ["da", "ar"],
        "interests": "Fodbold, madlavning; natur",
        "children_birth_dates-0": "2014-06-01",
        "children_birth_dates-1": "",
        "capacity": "2",
        "max_distance_km": "15",
        "motivation": "Vi vil gerne hjælpe.",
        "consent": "y",
        "token": "t" * 32,
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def count() -> int:
    return db.session.scalar(select(func.count(ContactFamily.id)))


def test_form_is_public_and_shows_privacy_text_and_consent(client, mun):
    page = client.get("/bliv-kontaktfamilie/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="consent"' in html and 'name="token"' in html
    assert "frivillig@silkeborg.example.dk" in html
    assert html.count('type="date"') == 4


def test_valid_application_waits_as_applied_with_consent_time(client, mun):
    answer = client.post("/bliv-kontaktfamilie/", data=answers())
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/bliv-kontaktfamilie/silkeborg/tak")
    cf = db.session.scalar(select(ContactFamily))
    assert cf.status == "applied" and cf.municipality_id == mun.id
    assert cf.consent_at is not None
    assert cf.email == "mette@example.dk"
    assert cf.languages == ["da", "ar"]
    assert cf.interests == ["football", "cooking", "nature"]  # stored as shared codes
    assert cf.children_birth_dates == ["2014-06-01"]
    assert cf.capacity == 2 and cf.max_distance_km == 15
    assert (cf.lat, cf.lon) != (0, 0)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == cf.id))
    assert event.action == "create" and event.municipality_id == mun.id


def test_thank_you_page_is_public(client, mun):
    page = client.get("/bliv-kontaktfamilie/silkeborg/tak")
    assert page.status_code == 200


def test_double_submission_creates_one_record(client, mun):
    first = client.post("/bliv-kontaktfamilie/", data=answers())
    second = client.post("/bliv-kontaktfamilie/", data=answers())
    assert first.status_code == second.status_code == 302
    assert count() == 1


def test_consent_is_required(client, mun):
    page = client.post("/bliv-kontaktfamilie/", data=answers(consent=None))
    assert page.status_code == 200
    assert count() == 0
    assert 'id="consent-error"' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postcode", "86"),
        ("postcode", "0001"),
        ("email", "not-an-email"),
        ("phone", "12"),
        ("capacity", "0"),
        ("children_birth_dates-0", "2999-01-01"),
        ("name", ""),
    ],
)
def test_invalid_answers_are_refused_next_to_the_field_and_kept(client, mun, field, value):
    page = client.post("/bliv-kontaktfamilie/", data=answers(**{field: value}))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and count() == 0
    assert f'id="{field}-error"' in html or "invalid-feedback" in html
    assert 'value="Søvej 4"' in html  # what was typed is kept


def test_unknown_municipality_code_is_404(client, mun):
    assert client.get("/bliv-kontaktfamilie/nowhere/").status_code == 404


def test_with_several_municipalities_the_visitor_chooses_one(client, mun):
    f.municipality(code="aarhus", name="Aarhus Kommune")
    db.session.commit()
    html = client.get("/bliv-kontaktfamilie/").get_data(as_text=True)
    assert "/bliv-kontaktfamilie/aarhus/" in html and "/bliv-kontaktfamilie/silkeborg/" in html
    answer = client.post("/bliv-kontaktfamilie/aarhus/", data=answers())
    assert answer.status_code == 302
    assert db.session.scalar(select(ContactFamily)).municipality.code == "aarhus"


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_post_without_csrf_token_is_refused(client, mun, app_config):
    answer = client.post("/bliv-kontaktfamilie/", data=answers())
    assert answer.status_code == 400
    assert count() == 0


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_post_with_the_pages_csrf_token_is_stored(client, mun, app_config):
    html = client.get("/bliv-kontaktfamilie/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    answer = client.post("/bliv-kontaktfamilie/", data=answers(csrf_token=token))
    assert answer.status_code == 302 and count() == 1


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_public_post_is_rate_limited(client, mun, app_config):
    limiter.reset()
    codes = [
        client.post("/bliv-kontaktfamilie/", data=answers(token=f"{i:032d}")).status_code
        for i in range(11)
    ]
    limiter.reset()
    assert codes[:10] == [302] * 10 and codes[10] == 429
    assert client.get("/bliv-kontaktfamilie/").status_code == 200
