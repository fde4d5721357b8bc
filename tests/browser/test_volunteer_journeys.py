"""A volunteer signs up through the public form, and a coordinator approves the application."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import ContactFamily
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def stored(live_server, email: str) -> ContactFamily | None:
    with live_server.app.app_context():
        cf = db.session.scalar(select(ContactFamily).where(ContactFamily.email == email))
        if cf is not None:
            db.session.expunge(cf)
        return cf


def test_volunteer_signs_up_on_a_phone_and_a_coordinator_approves(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.path("/bliv-kontaktfamilie/"))
    expect(page.locator("#privacy-title")).to_be_visible()
    page.fill("input[name=name]", "Familien Østergaard")
    page.fill("input[name=contact_name]", "Åse Østergaard")
    page.fill("input[name=email]", "aase@example.dk")
    page.fill("input[name=phone]", "20 30 40 50")
    page.fill("input[name=address]", "Bøgevej 12")
    page.fill("input[name=postcode]", "86")  # a typo first: refused next to the field
    page.check("input[name=languages][value=da]")
    page.fill("input[name=interests]", "fodbold, madlavning")
    page.fill("input[name='children_birth_dates-0']", "2016-04-02")
    page.fill("input[name=capacity]", "2")
    page.fill("textarea[name=motivation]", "Vi har plads ved bordet.")
    page.check("input[name=consent]")
    page.click("main button[type=submit]")
    expect(page.locator("#postcode-error")).to_be_visible()
    expect(page.locator("input[name=contact_name]")).to_have_value("Åse Østergaard")
    page.fill("input[name=postcode]", "8600")
    page.check("input[name=consent]")
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/bliv-kontaktfamilie/[^/]+/tak$"))
    cf = stored(live_server, "aase@example.dk")
    assert cf.status == "applied" and cf.consent_at is not None

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "koordinator@sohoj.example.dk", "demo-koordinator-2026")
    page.goto(live_server.path("/contact-families/?status=applied"))
    page.click("text=Familien Østergaard")
    expect(page.locator("h1")).to_contain_text("Familien Østergaard")
    page.click("form[action$='/status/approve'] button")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("form[action$='/status/approve']")).to_have_count(0)
    cf = stored(live_server, "aase@example.dk")
    assert cf.status == "approved" and cf.approved_by_id is not None
