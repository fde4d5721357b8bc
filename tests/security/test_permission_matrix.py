"""The permission matrix (docs/security.md), proven over every rule in the live route map for
every role, with records of the user's own club, another club and another municipality."""

from pathlib import Path

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent
from matcher.web.access import PUBLIC_PREFIXES, is_public
from tests.security import routes as r

REFUSED = (403, 404)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def _post_data(app, world, login_as, rule, records) -> dict:
    """Return what the page's own form would send, read as an allowed home user."""
    if "GET" not in r.methods(rule):
        return {}
    roles = r.roles_of(app, rule) or ()
    for role, user in world.role_users().items():
        if role in roles:
            url = r.url_for_rule(app, rule, records)
            return r.form_data_for(login_as(user), url, url)
    return {}


def _denied_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "denied")
    )


def test_every_guarded_endpoint_declares_its_roles(app):
    undeclared = [
        f"{rule.endpoint} {rule.rule}"
        for rule in r.rules(app, public=False)
        if r.roles_of(app, rule) is None
    ]
    assert not undeclared, (
        "these endpoints declare no roles and answer 403 to everyone; decorate them with "
        f"matcher.web.access.roles_required (or staff_only/coordinators/...): {undeclared}"
    )


def test_every_record_argument_is_known_to_the_route_walker(app):
    unknown = {f"{rule.rule}: {a}" for rule in r.rules(app) for a in r.unknown_record_args(rule)}
    assert not unknown, (
        f"add these URL arguments to RECORD_ARGS in tests/security/routes.py: {sorted(unknown)}"
    )


def test_every_public_endpoint_is_listed_in_the_security_document(app):
    text = DOCS.read_text(encoding="utf-8")
    public = {rule.endpoint for rule in r.rules(app, public=True)}
    missing = sorted(
        e for e in public if f"`{e}`" not in text and not e.startswith(PUBLIC_PREFIXES)
    )
    assert not missing, f"public endpoints missing from docs/security.md: {missing}"


def test_anonymous_requests_to_every_guarded_route_go_to_the_log_in_page(app, client, world):
    before = r.snapshot()
    wrong = []
    for rule in r.rules(app, public=False):
        url = r.url_for_rule(app, rule, world.scopes["home"])
        for method in r.methods(rule):
            answer = client.open(url, method=method, data={})
            if answer.status_code != 302 or "/login" not in answer.headers.get("Location", ""):
                wrong.append(f"{method} {url} -> {answer.status_code}")
    assert not wrong, wrong
    assert not r.changed_tables(before, r.snapshot())


def test_roles_outside_the_matrix_get_403_on_every_route_and_change_nothing(app, world, login_as):
    home = world.scopes["home"]
    wrong = []
    for rule in r.rules(app, public=False):
        roles = r.roles_of(app, rule) or ()
        url = r.url_for_rule(app, rule, home)
        data = None
        for role, user in world.role_users().items():
            if role in roles:
                continue
            client = login_as(user)
            for method in sorted(r.methods(rule)):
                if method in r.STATE_CHANGING and data is None:
                    data = _post_data(app, world, login_as, rule, home)
                before = r.snapshot() if method in r.STATE_CHANGING else None
                answer = client.open(url, method=method, data=data or {})
                if answer.status_code != 403:
                    wrong.append(f"{role} {method} {url} -> {answer.status_code}")
                if before is not None and r.changed_tables(before, r.snapshot()):
                    wrong.append(f"{role} {method} {url} changed the database")
    assert not wrong, wrong


def _foreign_cases(rule, scope: dict, home: dict) -> list[dict]:
    """Return argument overrides: each record argument alone, then all, from `scope`."""
    args = [
        a
        for a in r.record_args(rule)
        if r.RECORD_ARGS.get(a) in scope and scope[r.RECORD_ARGS[a]].id != home[r.RECORD_ARGS[a]].id
    ]
    cases = [{a: scope} for a in args]
    if len(args) > 1:
        cases.append({a: scope for a in args})
    return cases


def _assert_refused(app, world, login_as, scope_name: str, users: dict) -> None:
    home, scope = world.scopes["home"], world.scopes[scope_name]
    wrong = []
    for rule in r.rules(app, public=False):
        roles = r.roles_of(app, rule) or ()
        for case in _foreign_cases(rule, scope, home):
            url = r.url_for_rule(app, rule, home, case)
            for role, user in users.items():
                if role not in roles:
                    continue
                data = _post_data(app, world, login_as, rule, home)
                client = login_as(user)
                for method in sorted(r.methods(rule)):
                    before = r.snapshot() if method in r.STATE_CHANGING else None
                    denied_before = _denied_count()
                    answer = client.open(url, method=method, data=data)
                    if answer.status_code not in REFUSED:
                        wrong.append(f"{role} {method} {url} -> {answer.status_code}")
                    elif _denied_count() != denied_before + 1:
                        wrong.append(f"{role} {method} {url} refused without a denied event")
                    if before is not None and r.changed_tables(before, r.snapshot()):
                        wrong.append(f"{role} {method} {url} changed the database")
    assert not wrong, wrong


def test_records_of_another_municipality_are_refused_to_every_role(app, world, login_as):
    _assert_refused(app, world, login_as, "other", world.role_users())


def test_club_contact_is_refused_another_clubs_records(app, world, login_as):
    _assert_refused(app, world, login_as, "club_b", {"club_contact": world.users["contact_a"]})


def test_each_role_reaches_every_page_the_matrix_gives_it(app, world, login_as):
    home = world.scopes["home"]
    wrong = []
    for rule in r.rules(app, public=False):
        if "GET" not in r.methods(rule):
            continue
        roles = r.roles_of(app, rule) or ()
        url = r.url_for_rule(app, rule, home)
        for role, user in world.role_users().items():
            if role in roles:
                answer = login_as(user).get(url)
                if answer.status_code >= 400:
                    wrong.append(f"{role} GET {url} -> {answer.status_code}")
    assert not wrong, wrong


def test_public_list_is_small_and_explicit(app):
    # A route is public only by name or by living in the signup blueprint.
    for rule in r.rules(app, public=True):
        assert is_public(rule.endpoint)
        assert rule.endpoint.startswith(("signup.", "security.", "auth.", "static")), rule
