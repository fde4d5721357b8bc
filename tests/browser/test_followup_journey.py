"""A coordinator ends a placement in the browser; the dashboard shows the place free again."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Activity, Child, Municipality
from matcher.services import followup
from tests import factories
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def _accept_one_placement(app) -> tuple[int, int]:
    """Accept a placement of the first demo child in the first activity; return their ids."""
    with app.app_context():
        mun = db.session.scalar(select(Municipality))
        child = db.session.scalar(select(Child).order_by(Child.id))
        activity = db.session.scalar(
            select(Activity).where(Activity.places > 0).order_by(Activity.id)
        )
        proposal = factories.accepted_match(mun, child=child, activity=activity)
        db.session.commit()
        return proposal.id, activity.id


def test_ending_a_placement_shows_on_the_dashboard(page, live_server):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    proposal_id, activity_id = _accept_one_placement(live_server.app)

    log_in(page, live_server, "koordinator@sohoj.example.dk", "demo-koordinator-2026")
    page.goto(live_server.path("/dashboard/"))
    expect(page.locator("#chart-goals")).to_be_visible()
    expect(page.locator("#chart-categories")).to_be_visible()
    before = page.locator("#activity-share").inner_text()
    assert before != "0 %"

    page.goto(live_server.path("/matches/"))
    page.click(f"a[href='/matches/{proposal_id}']")
    page.fill("input[name=end-ended_on]", date.today().isoformat())
    page.select_option("select[name=end-reason]", "other")
    # no note for "another reason": refused next to the field
    page.click("main button.btn-outline-danger")
    expect(page.locator("#end-note-error")).to_be_visible()
    expect(page.locator("input[name=end-ended_on]")).to_have_value(date.today().isoformat())
    page.fill("textarea[name=end-note]", "Familien er flyttet")
    page.click("main button.btn-outline-danger")
    expect(page).to_have_url(re.compile(rf"/matches/{proposal_id}$"))
    expect(page.locator(".alert-success")).to_be_visible()

    page.goto(live_server.path("/dashboard/"))
    expect(page.locator("#activity-share")).not_to_have_text(before)
    with live_server.app.app_context():
        activity = db.session.get(Activity, activity_id)
        assert followup.free_places(activity) == activity.places
    assert not [p for p in problems if "Content Security Policy" in p], problems
