"""Accessibility (WCAG 2.1 AA, which Danish public-sector sites must meet): axe-core finds no
serious or critical violation on the public sign-up form, the log-in page, and the main screens
each role sees. axe-core is vendored for the tests only (`vendor/axe-core.SOURCE.md`)."""

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

VENDOR = Path(__file__).parent / "vendor"
AXE = VENDOR / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 160)),
  }));
}"""
LOGINS = {
    "staff": ("staff@sohoj.example.dk", "demo-staff-2026"),
    "coordinator": ("koordinator@sohoj.example.dk", "demo-koordinator-2026"),
    "club_contact": ("klub@sohoj.example.dk", "demo-klub-2026"),
}


def test_vendored_axe_matches_its_recorded_checksum():
    recorded = (VENDOR / "axe.min.js.sha256").read_text().split()[0]
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == recorded


@pytest.fixture
def a11y_page(browser):
    """A page whose context lets the test inject axe-core despite the site's strict CSP."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="da-DK", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def violations(page) -> list[dict]:
    """Run axe-core on the page; return its serious and critical WCAG 2.1 A/AA violations."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE, WCAG_AA)
    return [v for v in found if v["impact"] in BLOCKING]


def check(page, url: str) -> dict[str, list[dict]]:
    """Open a URL and return {url: violations} when there are any."""
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    found = violations(page)
    return {page.url: found} if found else {}


def _report(problems: dict[str, list[dict]]) -> str:
    lines = []
    for url, found in problems.items():
        for v in found:
            lines.append(f"{url}: {v['id']} ({v['impact']}) {v['help']}")
            lines.extend(f"    {n}" for n in v["nodes"])
    return "\n".join(lines)


def _ids(live_server) -> dict[str, int]:
    """Return the ids of a demo family and of the club contact's club."""
    from matcher.models import Family, User

    with live_server.app.app_context():
        from matcher.extensions import db

        family = db.session.scalar(select(Family.id).order_by(Family.id))
        club = db.session.scalar(
            select(User.club_id).where(User.email == LOGINS["club_contact"][0])
        )
    return {"family": family, "club": club}


def test_public_pages_have_no_serious_violations(a11y_page, live_server):
    page = a11y_page
    problems = {}
    for path in ("/login", "/bliv-kontaktfamilie/", "/bliv-kontaktfamilie/demo/"):
        problems |= check(page, live_server.path(path))
    # The sign-up form again, sent empty: the error messages must be accessible too.
    page.goto(live_server.path("/bliv-kontaktfamilie/demo/"))
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    found = violations(page)
    if found:
        problems[page.url + " (with errors)"] = found
    assert not problems, _report(problems)


ROLE_PAGES = {
    "coordinator": [
        "/start",
        "/coordinator/families/",
        "/coordinator/families/{family}",
        "/contact-families/",
        "/privacy/families/{family}",
        "/privacy/families/{family}/erase",
    ],
    "staff": ["/start", "/clubs/", "/coordinator/families/", "/dashboard/", "/audit/"],
    "club_contact": ["/start", "/club/{club}", "/club/{club}/children"],
}


@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_main_screens_of_each_role_have_no_serious_violations(a11y_page, live_server, role):
    page = a11y_page
    log_in(page, live_server, *LOGINS[role])
    expect(page).not_to_have_url(re.compile(r"/login"))
    ids = _ids(live_server)
    problems = {}
    for path in ROLE_PAGES[role]:
        problems |= check(page, live_server.path(path.format(**ids)))
    assert not problems, _report(problems)
