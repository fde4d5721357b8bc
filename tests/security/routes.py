"""Walk the live route map: build URLs for every rule from the records of a test world, take
snapshots of the whole database, and read the fields of a page's forms. Nothing here lists
routes by hand, so a route added later is covered by every test that uses these helpers."""

from html.parser import HTMLParser

from flask import Flask
from sqlalchemy import select
from werkzeug.routing import IntegerConverter, Rule

from matcher.extensions import db
from matcher.web.access import allowed_roles, is_public

# URL arguments that name a record, mapped to the key of that kind of record in a world.
RECORD_ARGS = {
    "club_id": "club",
    "activity_id": "activity",
    "family_id": "family",
    "child_id": "child",
    "cf_id": "contact_family",
    "contact_family_id": "contact_family",
    "volunteer_id": "contact_family",
    "round_id": "round",
    "proposal_id": "proposal",
    "match_id": "proposal",
    "pairing_id": "proposal",
    "placement_id": "proposal",
    "user_id": "user",
    "municipality_id": "municipality",
}
# Sample values for text arguments (a wrong value only makes the answer a 404).
TEXT_ARGS = {"action": "approve", "filename": "css/app.css", "lang": "en", "kind": "csv"}
# Tables whose rows a read may add: the audit trail records views and refusals.
WRITTEN_BY_READS = {"audit_event"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def rules(app: Flask, *, public: bool | None = None) -> list[Rule]:
    """Return every rule of the app (only public or only guarded ones when asked)."""
    found = []
    for rule in app.url_map.iter_rules():
        if public is not None and is_public(rule.endpoint) != public:
            continue
        found.append(rule)
    return sorted(found, key=lambda r: (r.rule, r.endpoint))


def methods(rule: Rule) -> set[str]:
    """Return the methods a rule answers, without HEAD and OPTIONS."""
    return set(rule.methods or ()) - {"HEAD", "OPTIONS"}


def record_args(rule: Rule) -> list[str]:
    """Return the rule's arguments that name a record."""
    return [a for a in sorted(rule.arguments) if _is_int(rule, a)]


def _is_int(rule: Rule, arg: str) -> bool:
    return isinstance(rule._converters.get(arg), IntegerConverter)


def unknown_record_args(rule: Rule) -> list[str]:
    """Return integer arguments the walker cannot fill with a record of a known kind."""
    return [a for a in record_args(rule) if a not in RECORD_ARGS]


def url_for_rule(app: Flask, rule: Rule, records: dict, overrides: dict | None = None) -> str:
    """Build a URL for a rule, taking each record argument's id from `records` (by kind)."""
    values = {}
    for arg in rule.arguments:
        if _is_int(rule, arg):
            source = (overrides or {}).get(arg, records)
            kind = RECORD_ARGS.get(arg)
            values[arg] = source[kind].id if kind and kind in source else 999999
        elif hasattr(rule._converters.get(arg), "items"):  # <any(a, b):arg>
            values[arg] = sorted(rule._converters[arg].items)[0]
        else:
            values[arg] = TEXT_ARGS.get(arg, "x")
    with app.test_request_context():
        return app.url_map.bind("localhost").build(
            rule.endpoint, values, method=sorted(methods(rule))[0]
        )


def roles_of(app: Flask, rule: Rule) -> tuple[str, ...] | None:
    """Return the roles the permission matrix gives a rule's endpoint."""
    return allowed_roles(rule.endpoint, app)


def snapshot(skip: set[str] = WRITTEN_BY_READS) -> dict[str, list[tuple]]:
    """Return every row of every table (as sorted text tuples), except the tables skipped."""
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name in skip:
            continue
        rows = db.session.execute(select(table)).all()
        state[table.name] = sorted(tuple(str(v) for v in row) for row in rows)
    db.session.rollback()
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    """Return the names of tables whose rows differ between two snapshots."""
    return [name for name in before if before[name] != after.get(name)]


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").upper(),
                "fields": {},
            }
            self.forms.append(self._current)
        elif self._current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._current["fields"].setdefault(a["name"], a.get("value") or "")
        elif tag == "textarea" and a.get("name"):
            self._current["fields"].setdefault(a["name"], "text")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            if self._select not in self._current["fields"] or "selected" in a:
                self._current["fields"][self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def forms_in(html: str) -> list[dict]:
    """Return the forms of a page: action, method and the values a browser would send."""
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def form_data_for(client, get_url: str, post_path: str) -> dict:
    """Return the fields of the form on `get_url` that posts to `post_path` (empty if none)."""
    page = client.get(get_url)
    if page.status_code != 200:
        return {}
    for form in forms_in(page.get_data(as_text=True)):
        action = form["action"].split("?")[0] or get_url.split("?")[0]
        if form["method"] == "POST" and action.endswith(post_path.split("?")[0]):
            return dict(form["fields"])
    return {}
