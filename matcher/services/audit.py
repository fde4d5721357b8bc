"""The audit trail: record who viewed, created, changed, exported or deleted which record.

Events join the current database transaction, so a change and its audit event are stored
together or not at all; `commit_pending` stores the events of read-only requests.
"""

from flask import has_request_context, request
from flask_security import current_user

from matcher.extensions import db
from matcher.models import AuditEvent

ACTIONS = (
    "view", "create", "update", "delete", "export", "import", "login", "login_failed", "logout",
    "denied", "round_start", "accept", "decline", "end", "erase", "consent_withdrawn",
)


def record(action: str, obj=None, *, object_type: str | None = None,
           object_id: int | None = None, **detail) -> AuditEvent:
    """Add an audit event for the current user to the session (no field values in `detail`)."""
    user = current_user if has_request_context() and current_user.is_authenticated else None
    event = AuditEvent(
        action=action,
        object_type=object_type or (type(obj).__name__.lower() if obj is not None else None),
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        user_id=user.id if user else None,
        user_email=user.email if user else None,
        municipality_id=user.municipality_id if user else getattr(obj, "municipality_id", None),
        ip=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    db.session.add(event)
    return event


def commit_pending() -> None:
    """Commit audit events added during a request that wrote nothing else."""
    if any(isinstance(o, AuditEvent) for o in db.session.new):
        db.session.commit()
