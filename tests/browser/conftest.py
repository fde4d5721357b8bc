"""Browser fixtures: a real server on a loopback port with the demo data, and Chromium driven by
Playwright (Debian's /usr/bin/chromium; never a downloaded browser).

`live_server` is per test: a fresh SQLite file, the demo data loaded through the real seed
command, CSRF on as in production, and the built-in round worker running in-process.
"""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from matcher import create_app
from matcher.extensions import db
from tests.conftest import FAST_HASHING

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


class LiveServer:
    """A running matcher site: its base URL and its app (for reading the database in asserts)."""

    def __init__(self, app, server):
        self.app = app
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_port}"

    def path(self, path: str) -> str:
        """Return the absolute URL of a path on this server."""
        return self.url + path


@pytest.fixture
def live_server(tmp_path):
    """Serve a fresh demo site on a free loopback port for one test."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite'}",
            "SECRET_KEY": "live-server-test-key-" + "x" * 20,
            "SECURITY_PASSWORD_SALT": "live-salt",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": FAST_HASHING,
            "ROUNDS_INLINE_WORKER": True,
            "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        }
    )
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, server)
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (skipped, with the reason, if it is missing)."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (make test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page (desktop size; call set_viewport_size for a phone)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page, live_server, email: str, password: str) -> None:
    """Log in through the real form."""
    page.goto(live_server.path("/login"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
