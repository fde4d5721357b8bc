"""Every main screen of every role fits a phone's width: no page scrolls sideways at 375 px
(wide tables scroll inside their own box)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import LOGINS, ROLE_PAGES, _ids

PHONE = {"width": 375, "height": 800}


@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_no_page_scrolls_sideways_on_a_phone(page, live_server, role):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, *LOGINS[role])
    expect(page).not_to_have_url(re.compile(r"/login"))
    ids = _ids(live_server)
    too_wide = {}
    for path in ROLE_PAGES[role]:
        page.goto(live_server.path(path.format(**ids)))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
    assert too_wide == {}
