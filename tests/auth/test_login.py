"""Logging in, start pages per role, and the language switch."""

import pytest

from matcher.extensions import db
from tests import factories as f


@pytest.fixture
def world(app):
    mun = f.municipality()
    club_a = f.club(mun, "Klub A")
    club_b = f.club(mun, "Klub B")
    people = {
        "staff": f.user(mun, "staff", email="staff@example.dk"),
        "coordinator": f.user(mun, "coordinator", email="koord@example.dk"),
        "club_contact": f.user(mun, "club_contact", club=club_a, email="klub@example.dk"),
    }
    db.session.commit()
    return {"mun": mun, "club_a": club_a, "club_b": club_b, **people}


def test_login_page_shows_a_form(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html
    assert 'lang="da"' in html


@pytest.mark.parametrize(
    ("role", "start"),
    [("staff", "/staff/"), ("coordinator", "/coordinator/"), ("club_contact", "/club/")],
)
def test_each_role_lands_on_its_own_start_page(client, world, role, start):
    f.login(client, world[role].email)
    answer = client.get("/start")
    assert answer.status_code == 302
    assert start in answer.headers["Location"]
    assert client.get(answer.headers["Location"]).status_code == 200


def test_wrong_password_gets_a_clear_message_and_no_session(client, world):
    answer = client.post("/login", data={"email": "staff@example.dk", "password": "wrong one!"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Forkert e-mail eller adgangskode." in html
    assert client.get("/start").status_code == 302
    assert "/login" in client.get("/start").headers["Location"]


def test_club_contact_gets_403_for_another_clubs_page(client, world):
    f.login(client, world["club_contact"].email)
    assert client.get(f"/club/{world['club_a'].id}").status_code == 200
    assert client.get(f"/club/{world['club_b'].id}").status_code == 403


def test_club_contact_cannot_reach_staff_or_coordinator_pages(client, world):
    f.login(client, world["club_contact"].email)
    assert client.get("/staff/").status_code == 403
    assert client.get("/coordinator/").status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    answer = client.get("/staff/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_language_switch_turns_the_page_english(client):
    client.post("/language", data={"lang": "en", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in html and "Log in" in html


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_language_switch_never_redirects_off_site(client, target):
    answer = client.post("/language", data={"lang": "en", "next": target})
    assert answer.headers["Location"] == "/"


def test_language_switch_returns_to_the_page_and_its_query(client):
    answer = client.post("/language", data={"lang": "en", "next": "/login?next=%2Fstart"})
    assert answer.headers["Location"] == "/login?next=%2Fstart"
