"""The audit trail: record who viewed, created, changed, exported or deleted which record.

Events join the current database transaction, so a change and its audit event are stored
together or not at all; `commit_pending` stores the events of read-only requests. Events hold
identifiers only, never field values, and the ORM refuses to change or delete a stored event.
Each event is also written as one log line to the `matcher.audit` logger.
"""

import logging
from datetime import datetime

from flask import g, has_request_context, request
from flask_security import current_user
from sqlalchemy import Select, event, select

from matcher.extensions import db
from matcher.models import AuditEvent, User

log = logging.getLogger("matcher.audit")

ACTIONS = (
    "view",
    "create",
    "update",
    "delete",
    "export",
    "import",
    "login",
    "login_failed",
    "logout",
    "denied",
    "round_start",
    "accept",
    "decline",
    "end",
    "erase",
    "consent_withdrawn",
    "password_reset",
    "password_changed",
    "two_factor_changed",
)


class AuditLogImmutable(RuntimeError):
    """Raised when code tries to change or delete a stored audit event."""


def _actor(actor):
    if actor is not None:
        return actor
    if has_request_context() and current_user.is_authenticated:
        return current_user
    return None


def record(
    action: str,
    obj=None,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    actor: User | None = None,
    **detail,
) -> AuditEvent:
    """Add an audit event for the current user (or `actor`) to the session; no field values."""
    user = _actor(actor)
    event_ = AuditEvent(
        action=action,
        object_type=object_type or (type(obj).__name__.lower() if obj is not None else None),
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        user_id=user.id if user else None,
        user_email=user.email if user else None,
        municipality_id=user.municipality_id if user else getattr(obj, "municipality_id", None),
        ip=request.remote_addr if has_request_context() else None,
        request_id=g.get("request_id") if has_request_context() else None,
        detail=detail,
    )
    db.session.add(event_)
    db.session.info["audit_pending"] = True  # for commit_pending, even once autoflushed
    log.info(
        "audit action=%s object=%s:%s user=%s municipality=%s ip=%s rid=%s",
        event_.action,
        event_.object_type,
        event_.object_id,
        event_.user_id,
        event_.municipality_id,
        event_.ip,
        event_.request_id,
    )
    return event_


def commit_pending() -> None:
    """Commit audit events added during a request that wrote nothing else.

    An event recorded before the page was rendered has usually been flushed by the queries of
    the rendering (autoflush), so it is no longer in `session.new`: the session remembers that
    one is pending instead.
    """
    if db.session.info.pop("audit_pending", False) or any(
        isinstance(o, AuditEvent) for o in db.session.new
    ):
        db.session.commit()


def search(
    municipality_id: int,
    *,
    action: str | None = None,
    user_email: str | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select:
    """Return the query of a municipality's events matching the filters, newest first."""
    stmt = select(AuditEvent).where(AuditEvent.municipality_id == municipality_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if user_email:
        stmt = stmt.where(AuditEvent.user_email.ilike(f"%{user_email.strip()}%"))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.at < until)
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    """Stored events are never edited or deleted through the application."""
    raise AuditLogImmutable("audit events cannot be changed or deleted")
