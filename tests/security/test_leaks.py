"""Nothing leaks: errors show no internals, names are escaped on every page, club contacts see no
restricted family fields, and no free-text field stores a CPR number."""

import re
from datetime import date

from sqlalchemy import JSON, String, Text, select, text

from matcher.extensions import db
from matcher.web.access import staff_only
from tests.security import routes as r
from tests.security.conftest import PAYLOAD, build_world, sentinel_language


def test_an_unexpected_error_is_a_plain_500_page_with_a_request_id(app, world, login_as):
    @staff_only
    def explode():
        db.session.execute(text("SELECT secret_column FROM no_such_table"))

    app.add_url_rule("/explode", "explode", explode)
    for lang in ("da", "en"):
        client = login_as(world.users["staff"])
        client.post("/language", data={"lang": lang})
        answer = client.get("/explode")
        body = answer.get_data(as_text=True)
        assert answer.status_code == 500
        rid = answer.headers["X-Request-Id"]
        assert rid in body and f'lang="{lang}"' in body
        for leak in ("Traceback", "no_such_table", "SELECT", "sqlalchemy", "secret_column"):
            assert leak not in body
        # The page still works afterwards: the failed transaction was rolled back.
        assert client.get("/staff/").status_code == 200


def test_a_forged_request_id_header_is_not_echoed(app, client):
    answer = client.get("/login", headers={"X-Request-Id": "<b>x</b>"})
    assert answer.headers["X-Request-Id"] != "<b>x</b>" and "<b>x" not in answer.get_data(True)


def test_a_hostile_name_is_escaped_on_every_page(app, login_as):
    names = {k: PAYLOAD for k in ("family", "child", "club", "contact_family", "user")}
    world = build_world(names)
    shown = 0
    wrong = []
    for rule in r.rules(app, public=False):
        if "GET" not in r.methods(rule):
            continue
        for role, user in world.role_users().items():
            if role not in (r.roles_of(app, rule) or ()):
                continue
            url = r.url_for_rule(app, rule, world.scopes["home"])
            answer = login_as(user).get(url)
            body = answer.get_data(as_text=True)
            if answer.mimetype != "text/html":
                # Data files hold the name as typed; the browser must never render them as HTML.
                if answer.headers.get("X-Content-Type-Options") != "nosniff":
                    wrong.append(f"{role} {url} ({answer.mimetype}) without nosniff")
                continue
            if "<script>alert(1)" in body or '"onmouseover=x' in body:
                wrong.append(f"{role} {url}")
            shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert not wrong, f"unescaped name on {wrong}"
    assert shown > 5, "the escaped name should appear on the list and detail pages"


SENTINELS = {
    "surname": "Sentinelsen",
    "address": "Sentinelvej 99",
    "phone": "99887766",
    "notes": "SENTINEL-NOTE",
}
BIRTH = date(2014, 2, 23)


def test_club_contact_pages_hold_no_restricted_family_fields(app, login_as):
    code = sentinel_language()
    world = build_world(
        {"family": SENTINELS["surname"]},
        {
            "address": SENTINELS["address"],
            "phone": SENTINELS["phone"],
            "notes": SENTINELS["notes"],
            "languages": [code],
        },
    )
    for scope in world.scopes.values():
        scope["child"].birth_date = BIRTH
    db.session.commit()
    forbidden = [
        *SENTINELS.values(),
        "Sentinelsk",
        "Sentinelish",
        "2014-02-23",
        "23.02.2014",
        "23/02/2014",
        "23-02-2014",
        "23. feb",
        "feb 23",
        "february 23",
    ]
    contact, pages, wrong = world.users["contact_a"], 0, []
    for rule in r.rules(app, public=False):
        if "GET" not in r.methods(rule) or "club_contact" not in (r.roles_of(app, rule) or ()):
            continue
        answer = login_as(contact).get(r.url_for_rule(app, rule, world.scopes["home"]))
        body = answer.get_data(as_text=True).lower()
        pages += answer.status_code == 200
        wrong += [f"{rule.rule}: {s}" for s in forbidden if s.lower() in body]
    assert not wrong, wrong
    assert pages >= 1


CPR_SHAPED = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}-?\d{4}(?!\d)")


def _text_columns():
    """Every column that can hold typed text: not password hashes and generated identifiers,
    random text that now and then holds ten digits shaped like a CPR number."""
    from matcher.web.cpr import _is_machine_value

    for table in db.metadata.sorted_tables:
        if table.name in ("audit_event", "outbox_message"):
            continue
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON) and not _is_machine_value(
                table.name, column.name
            ):
                yield table, column


def test_free_text_fields_refuse_cpr_numbers_and_no_column_stores_one(app, world, login_as):
    """Put a CPR number into each text field of each form in turn, keeping the other fields as
    the page filled them, then search every text column for it."""
    home, planted = world.scopes["home"], {}
    for rule in r.rules(app):
        if "POST" not in r.methods(rule) or "GET" not in r.methods(rule):
            continue
        roles = r.roles_of(app, rule) or ()
        user = next((u for k, u in world.role_users().items() if k in roles), None)
        client = login_as(user) if user else app.test_client()
        url = r.url_for_rule(app, rule, home)
        data = r.form_data_for(client, url, url)
        for name in list(data):
            if name in ("csrf_token", "version", "token", "next", "password") or "password" in name:
                continue
            n = len(planted) + 1
            cpr = f"{n % 28 + 1:02d}0190-{1000 + n}"
            planted[cpr] = f"{rule.rule} field {name}"
            client.post(url, data={**data, name: f"Note {cpr} end"})
    assert planted, "the walker found no forms"
    stored = []
    for table, column in _text_columns():
        for (value,) in db.session.execute(select(column)):
            for found in CPR_SHAPED.finditer(str(value or "")):
                stored.append(f"{table.name}.{column.name}: {planted.get(found.group(), '?')}")
    assert not stored, stored
