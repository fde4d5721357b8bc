"""Security headers on every page, no inline script or style in any template, CSRF refusing
every state-changing route without a token, and reads that never change the database."""

import re
from pathlib import Path

import pytest

from matcher.services.paths import shipped_folder
from matcher.web.security_headers import CSP
from tests import factories as f
from tests.security import routes as r

TEMPLATES = Path(shipped_folder("templates"))


def _pages(app, world, login_as):
    """Yield (who, client, url) for every GET route: anonymous for public ones, else each role."""
    home = world.scopes["home"]
    for rule in r.rules(app):
        if "GET" not in r.methods(rule):
            continue
        url = r.url_for_rule(app, rule, home)
        if r.is_public(rule.endpoint):
            yield "anonymous", app.test_client(), url
            continue
        for role, user in world.role_users().items():
            if role in (r.roles_of(app, rule) or ()):
                yield role, login_as(user), url


def test_every_page_sends_the_security_headers(app, world, login_as):
    wrong = []
    for who, client, url in _pages(app, world, login_as):
        h = client.get(url).headers
        if h.get("Content-Security-Policy") != CSP:
            wrong.append(f"{who} {url}: CSP {h.get('Content-Security-Policy')}")
        if h.get("X-Content-Type-Options") != "nosniff" or not h.get("Referrer-Policy"):
            wrong.append(f"{who} {url}: nosniff/referrer missing")
        if not url.startswith("/static/") and h.get("Cache-Control") != "no-store":
            wrong.append(f"{who} {url}: Cache-Control {h.get('Cache-Control')}")
    assert not wrong, wrong


def test_the_policy_forbids_inline_script_framing_plugins_and_base_tags():
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CSP


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
SCRIPT_BODY = re.compile(r"<script\b[^>]*>(.*?)</script>", re.I | re.S)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.I)


def test_no_template_has_inline_script_handlers_or_style_attributes():
    wrong = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(TEMPLATES)
        if INLINE_SCRIPT.search(text) or any(b.strip() for b in SCRIPT_BODY.findall(text)):
            wrong.append(f"{name}: inline <script>")
        if HANDLER.search(text):
            wrong.append(f"{name}: on*= event handler")
        if STYLE_ATTR.search(text):
            wrong.append(f"{name}: style= attribute")
    assert not wrong, wrong


def test_every_get_route_leaves_the_database_unchanged(app, world, login_as):
    wrong = []
    for who, client, url in _pages(app, world, login_as):
        before = r.snapshot()
        status = client.get(url).status_code
        changed = r.changed_tables(before, r.snapshot())
        if changed:
            wrong.append(f"{who} GET {url} ({status}) changed {changed}")
    assert not wrong, wrong


class TestWithCsrfOn:
    """CSRF stays on here, as in production."""

    @pytest.fixture
    def app_config(self) -> dict:
        return {"WTF_CSRF_ENABLED": True}

    @staticmethod
    def _login(app, user):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = r.forms_in(page)[-1]["fields"]["csrf_token"]
        answer = client.post(
            "/login", data={"email": user.email, "password": f.PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 302
        return client

    def test_log_in_itself_needs_the_token(self, app, world):
        answer = app.test_client().post(
            "/login", data={"email": world.users["staff"].email, "password": f.PASSWORD}
        )
        assert answer.status_code == 400

    def test_every_state_changing_route_without_a_token_is_400_and_changes_nothing(
        self, app, world
    ):
        home, clients, wrong = world.scopes["home"], {}, []
        for rule in r.rules(app):
            changing = r.methods(rule) & r.STATE_CHANGING
            if not changing:
                continue
            if r.is_public(rule.endpoint):
                client = app.test_client()
            else:
                roles = r.roles_of(app, rule) or ()
                role = next((x for x in world.role_users() if x in roles), None)
                if role is None:
                    continue  # undeclared endpoints are flagged by the matrix tests
                if role not in clients:
                    clients[role] = self._login(app, world.role_users()[role])
                client = clients[role]
            url = r.url_for_rule(app, rule, home)
            data = r.form_data_for(client, url, url) if "GET" in r.methods(rule) else {}
            # Flask-WTF accepts a token in any field ending in csrf_token (prefixed forms).
            data = {k: v for k, v in data.items() if not k.endswith("csrf_token")}
            for method in sorted(changing):
                before = r.snapshot()
                answer = client.open(url, method=method, data=data)
                if answer.status_code != 400:
                    wrong.append(f"{method} {url} -> {answer.status_code}")
                if r.changed_tables(before, r.snapshot()):
                    wrong.append(f"{method} {url} changed the database")
        assert not wrong, wrong


def test_the_template_scanner_catches_each_kind_of_inline_code():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert any(b.strip() for b in SCRIPT_BODY.findall('<script src="a.js">x()</script>'))
    assert not any(b.strip() for b in SCRIPT_BODY.findall('<script src="a.js"></script>'))
    assert HANDLER.search('<button class="b" onclick="go()">')
    assert STYLE_ATTR.search('<div style="color: red">')
    assert not HANDLER.search('<a href="/x" data-bs-toggle="on">')
