"""A club contact adds an activity with subsidised places to their club."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Activity
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_club_contact_adds_an_activity_with_places(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "klub@sohoj.example.dk", "demo-klub-2026")
    expect(page).to_have_url(re.compile(r"/club/\d+$"))
    page.click("main a[href$='/activities/new']")
    page.fill("input[name=name]", "Fodbold for piger U13")
    page.select_option("select[name=category]", "football")
    page.fill("input[name=min_age]", "13")
    page.fill("input[name=max_age]", "11")  # upside down first: refused next to the field
    page.select_option("select[name=gender]", "female")
    page.check("input[name=weekdays][value=mon]")
    page.check("input[name=weekdays][value=thu]")
    page.fill("input[name=time]", "17:00-18:30")
    page.fill("input[name=places]", "5")
    page.fill("input[name=fee]", "900")
    page.click("main button[type=submit]")
    expect(page.locator("#max_age-error")).to_be_visible()
    expect(page.locator("input[name=places]")).to_have_value("5")
    page.fill("input[name=max_age]", "13")
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/club/\d+$"))
    row = page.locator("tr", has_text="Fodbold for piger U13")
    expect(row).to_contain_text("13–13")
    expect(row.locator("td").nth(4)).to_have_text("5")
    with live_server.app.app_context():
        a = db.session.scalar(select(Activity).where(Activity.name == "Fodbold for piger U13"))
        assert (a.places, a.fee, a.gender, a.weekdays) == (5, 900, "female", ["mon", "thu"])
