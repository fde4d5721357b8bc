"""The audit trail: views of people's records and refusals are recorded without field values,
log lines cannot be forged, and staff can read (never change) the log."""

import io
import logging
from datetime import UTC

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.extensions import db
from matcher.models import AuditEvent
from matcher.services import audit
from matcher.web.log_format import SafeFormatter
from tests.security import routes as r

PERSON_ARGS = {"family_id": "family", "child_id": "child"}


def _events(**where) -> list[AuditEvent]:
    """Return the stored events, read through a connection of their own: the tests share one
    session with the requests, where an event that was flushed but never committed (lost at
    the end of a real request) would still be seen."""
    stmt = select(AuditEvent)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, key) == value)
    with Session(db.engine) as separate:
        return list(separate.scalars(stmt.order_by(AuditEvent.id)))


def test_viewing_a_family_or_child_records_who_what_and_when_without_values(app, world, login_as):
    home, coordinator = world.scopes["home"], world.users["coordinator"]
    family, child = home["family"], home["child"]
    values = [family.name, family.address, family.reference, child.first_name, family.postcode]
    checked, missing = [], []
    for rule in r.rules(app, public=False):
        args = [a for a in r.record_args(rule) if a in PERSON_ARGS]
        if not args or "GET" not in r.methods(rule):
            continue
        if "coordinator" not in (r.roles_of(app, rule) or ()):
            continue
        before = len(_events(user_id=coordinator.id))
        url = r.url_for_rule(app, rule, home)
        if login_as(coordinator).get(url).status_code != 200:
            continue
        new = _events(user_id=coordinator.id)[before:]
        targets = {(PERSON_ARGS[a], home[PERSON_ARGS[a]].id) for a in args}
        if not any((e.object_type, e.object_id) in targets for e in new):
            missing.append(url)
        for e in new:
            assert e.at.tzinfo is not None and e.at.utcoffset() == UTC.utcoffset(None)
            assert e.user_email == coordinator.email and e.ip == "127.0.0.1" and e.request_id
            assert not any(v and v in str(e.detail) for v in values), e.detail
        checked.append(url)
    assert checked, "no family or child page was found to check"
    assert not missing, f"these pages show a person's record without a view event: {missing}"


def test_a_refused_record_writes_a_denied_event(app, world, login_as):
    other_family = world.scopes["other"]["family"]
    coordinator = world.users["coordinator"]
    rule = next(
        rule
        for rule in r.rules(app, public=False)
        if r.record_args(rule) == ["family_id"] and "GET" in r.methods(rule)
    )
    url = r.url_for_rule(app, rule, world.scopes["other"])
    assert login_as(coordinator).get(url).status_code in (403, 404)
    denied = _events(action="denied", user_id=coordinator.id)[-1]
    assert (denied.object_type, denied.object_id) == ("family", other_family.id)
    assert denied.detail["status"] in (403, 404) and denied.detail["endpoint"] == rule.endpoint


def test_a_name_with_a_line_break_cannot_forge_a_log_line(app, world):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SafeFormatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("matcher")
    logger.addHandler(handler)
    try:
        forged = "Ali\nINFO matcher.audit audit action=delete object=family:1 user=1"
        logging.getLogger("matcher.audit").warning("name %s", forged)
        family = world.scopes["home"]["family"]
        family.name = forged
        audit.record("view", family)
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert "\\nINFO matcher.audit" in lines[0]
    assert "Ali" not in lines[1]  # audit lines carry ids, never names


def test_staff_read_the_audit_log_of_their_municipality_filtered_and_paged(app, world, login_as):
    staff = world.users["staff"]
    for i in range(60):
        audit.record("view", object_type="family", object_id=1000 + i, actor=staff)
    audit.record("view", object_type="family", object_id=5, actor=world.users["other_staff"])
    db.session.commit()
    client = login_as(staff)
    page = client.get("/audit/").get_data(as_text=True)
    assert ">Set<" in page  # the action in words, in Danish
    assert "Familie #1059" in page and "Familie #1000" not in page  # newest first, 50 a page
    assert "Familie #1000" in client.get("/audit/?page=2").get_data(as_text=True)
    filtered = client.get("/audit/?object_type=family&object_id=1007").get_data(as_text=True)
    assert "Familie #1007" in filtered and "Familie #1008" not in filtered
    assert "Familie #5<" not in page and "Familie #5 " not in page
    assert login_as(world.users["coordinator"]).get("/audit/").status_code == 403


def test_no_route_can_change_or_delete_the_audit_log(app):
    audit_rules = [rule for rule in r.rules(app) if rule.endpoint.startswith("audit.")]
    assert audit_rules
    for rule in audit_rules:
        assert not (r.methods(rule) & r.STATE_CHANGING), rule


def test_the_application_cannot_edit_or_delete_a_stored_event(app, world):
    event = audit.record("view", object_type="family", object_id=1)
    db.session.commit()
    event.action = "nothing happened"
    with pytest.raises(audit.AuditLogImmutable):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(audit.AuditLogImmutable):
        db.session.commit()
    db.session.rollback()
