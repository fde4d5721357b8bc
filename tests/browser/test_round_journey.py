"""A whole round on the demo data in a real browser: start, progress, review, decide, again."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Proposal, Round
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
STAFF = ("staff@sohoj.example.dk", "demo-staff-2026")


def _start_round(page, live_server) -> int:
    """Preview, start, and wait until the round's page shows its proposals; return its id."""
    page.goto(live_server.path("/rounds/new"))
    page.select_option("select[name=kind]", "both")
    page.click("input[name=preview]")
    expect(page.locator("#preview [data-count=children]")).not_to_have_text("0")
    page.click("input[name=start]")
    expect(page).to_have_url(re.compile(r"/rounds/\d+$"))
    round_id = int(page.url.rsplit("/", 1)[1])
    # The page polls the status and shows the review once the background worker is done.
    expect(page.locator("#proposals")).to_be_visible(timeout=90_000)
    return round_id


def _proposals(app, round_id: int) -> list[Proposal]:
    with app.app_context():
        return list(db.session.scalars(select(Proposal).where(Proposal.round_id == round_id)))


def test_a_whole_round_from_start_to_a_second_round(page, live_server):
    problems: list[str] = []  # script errors (a CSP violation among them) and failed requests
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    log_in(page, live_server, *STAFF)
    page.goto(live_server.path("/dashboard/"))
    share_before = page.locator("#activity-share").inner_text()
    contacts_before = page.locator("#contact-count").inner_text()

    first = _start_round(page, live_server)
    expect(page.locator("#baseline")).to_be_visible()
    expect(page.locator("#suggestions")).to_be_visible()
    rows = page.locator("tr[data-status=proposed]")
    assert rows.count() > 2

    declined_row = rows.first
    declined_id = int(declined_row.get_attribute("data-proposal"))
    declined_row.locator("[data-action=decline]").click()
    declined_row.locator("textarea[name=reason]").fill("Familien ønsker en anden klub")
    declined_row.locator("[data-action=confirm-decline]").click()
    expect(page.locator(f"#p{declined_id}")).to_have_attribute("data-status", "declined")

    page.click("#accept-all")
    expect(page.locator("tr[data-status=proposed]")).to_have_count(0)
    expect(page.locator("tr[data-status=accepted]").first).to_be_visible()

    page.goto(live_server.path("/dashboard/"))
    expect(page.locator("#activity-share")).not_to_have_text(share_before)
    expect(page.locator("#contact-count")).not_to_have_text(contacts_before)

    second = _start_round(page, live_server)
    assert second != first
    earlier = _proposals(live_server.app, first)
    declined = next(p for p in earlier if p.id == declined_id)
    accepted = [p for p in earlier if p.status == "accepted"]
    later = _proposals(live_server.app, second)
    pair = (declined.child_id, declined.activity_id, declined.family_id, declined.contact_family_id)
    assert pair not in {
        (p.child_id, p.activity_id, p.family_id, p.contact_family_id) for p in later
    }
    taken = {p.child_id for p in accepted if p.child_id} | {
        p.family_id for p in accepted if p.kind == "pairing"
    }
    assert not {p.child_id for p in later if p.child_id} & taken
    assert not {p.family_id for p in later if p.kind == "pairing"} & taken
    with live_server.app.app_context():
        assert all(db.session.get(Proposal, p.id).status == "accepted" for p in accepted)
        assert db.session.get(Round, second).status == "done"
    assert problems == []
