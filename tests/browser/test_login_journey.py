"""Logging in as each demo role, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

DEMO = {
    "staff": ("staff@sohoj.example.dk", "demo-staff-2026", re.compile(r"/staff/$")),
    "coordinator": (
        "koordinator@sohoj.example.dk",
        "demo-koordinator-2026",
        re.compile(r"/coordinator/$"),
    ),
    "club_contact": ("klub@sohoj.example.dk", "demo-klub-2026", re.compile(r"/club/\d+$")),
}


@pytest.mark.parametrize("role", sorted(DEMO))
def test_each_demo_login_reaches_its_own_start_page(page, live_server, role):
    email, password, start = DEMO[role]
    log_in(page, live_server, email, password)
    expect(page).to_have_url(start)
    expect(page.locator("html")).to_have_attribute("lang", "da")


def test_wrong_password_shows_a_clear_message(page, live_server):
    log_in(page, live_server, "staff@sohoj.example.dk", "not the password")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("main")).to_contain_text(re.compile("adgangskode", re.I))


def test_club_contact_asking_for_another_clubs_page_gets_403(page, live_server):
    email, password, _ = DEMO["club_contact"]
    log_in(page, live_server, email, password)
    own = int(page.url.rsplit("/", 1)[1])
    with live_server.app.app_context():
        from sqlalchemy import select

        from matcher.extensions import db
        from matcher.models import Club

        other = db.session.scalar(select(Club.id).where(Club.id != own).limit(1))
    answer = page.goto(live_server.path(f"/club/{other}"))
    assert answer.status == 403
    expect(page.locator("main")).to_contain_text("adgang")
