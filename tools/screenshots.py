"""Take screenshots of the main screens in Danish and English into docs/screenshots/.

    .venv/bin/python tools/screenshots.py

Serves a fresh demo site (temporary SQLite database, the demo data from seeds/) on a loopback
port and drives Debian's Chromium through Playwright, as the browser tests do.
"""

import logging
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matcher import create_app  # noqa: E402
from matcher.extensions import db  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.WARNING)
logging.getLogger("matcher").setLevel(logging.WARNING)

OUT = ROOT / "docs" / "screenshots"
LOGINS = {
    "staff": ("staff@sohoj.example.dk", "demo-staff-2026"),
    "coordinator": ("koordinator@sohoj.example.dk", "demo-koordinator-2026"),
    "club": ("klub@sohoj.example.dk", "demo-klub-2026"),
}
# (file name, who, path or callable(page) that navigates, viewport)
SCREENS = [
    ("login", None, "/login", "desktop"),
    ("signup", None, "/bliv-kontaktfamilie/", "desktop"),
    ("signup-phone", None, "/bliv-kontaktfamilie/", "phone"),
    ("staff-start", "staff", "/staff/", "desktop"),
    ("coordinator-start", "coordinator", "/coordinator/", "desktop"),
    ("families", "coordinator", "/coordinator/families/", "desktop"),
    ("family", "coordinator", "first-family", "desktop"),
    ("family-phone", "coordinator", "first-family", "phone"),
    ("family-edit-child-phone", "coordinator", "first-family-edit-child", "phone"),
    ("contact-families", "coordinator", "/contact-families/", "desktop"),
    ("clubs", "staff", "/clubs/", "desktop"),
    ("matches", "coordinator", "/matches/", "desktop"),
    ("new-round", "staff", "/rounds/new", "desktop"),
    ("audit", "staff", "/audit/", "desktop"),
    ("round-review", "staff", "run-round", "desktop"),
    ("club", "club", "/start", "desktop"),
    ("rounds", "staff", "/rounds/", "desktop"),
    ("dashboard", "staff", "/dashboard/", "desktop"),
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def serve(tmp: Path):
    """Start a demo site; return (app, server, base URL)."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'shots.sqlite'}",
            "SECRET_KEY": "screenshots-" + "x" * 32,
            "SECURITY_PASSWORD_SALT": "screenshots",
            "RATELIMIT_ENABLED": False,
            "ROUNDS_INLINE_WORKER": True,
            "MAIL_OUTBOX_DIR": str(tmp / "outbox"),
        }
    )
    with app.app_context():
        db.create_all()
    app.test_cli_runner().invoke(args=["seed-demo"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, f"http://127.0.0.1:{server.server_port}"


_round_url: list[str] = []


def run_round(page, base: str) -> None:
    """Start a round for children and families and wait for its review (the first time only)."""
    if _round_url:
        page.goto(_round_url[0])
    else:
        page.goto(base + "/rounds/new")
        page.select_option("select[name=kind]", "both")
        page.click("input[name=start]")
        page.wait_for_url("**/rounds/*")
        _round_url.append(page.url)
    page.locator("#proposals").wait_for(timeout=120_000)


def main() -> None:
    """Take every screenshot in both languages."""
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        _, server, base = serve(Path(tmp))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for lang in ("da", "en"):
                for name, who, target, size in SCREENS:
                    context = browser.new_context(viewport=VIEWPORTS[size])
                    page = context.new_page()
                    page.goto(base + "/login")
                    if lang == "en":
                        with page.expect_navigation():
                            page.locator("button[name=lang][value=en]").dispatch_event("click")
                    if who:
                        email, password = LOGINS[who]
                        page.fill("input[name=email]", email)
                        page.fill("input[name=password]", password)
                        page.click("button[type=submit]")
                    if target == "run-round":
                        run_round(page, base)
                    elif target.startswith("first-family"):
                        page.goto(base + "/coordinator/families/")
                        page.locator("main table a[href*='/families/']").first.click()
                        if target.endswith("edit-child"):  # the child's form, in place
                            page.locator("#children article a[href*='edit=']").first.click()
                    else:
                        answer = page.goto(base + target)
                        if answer is None or answer.status >= 400:
                            print(f"skipped {name} ({lang}): {target} answered "
                                  f"{answer.status if answer else 'nothing'}")
                            context.close()
                            continue
                    page.wait_for_load_state("networkidle")
                    path = OUT / f"{name}.{lang}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(f"wrote {path.relative_to(ROOT)}")
                    context.close()
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
