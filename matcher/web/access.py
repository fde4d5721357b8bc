"""Who may see what: log-in required everywhere but an explicit public list, roles per view,
and every query scoped to the user's municipality (and a club contact's own club)."""

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, redirect, request
from flask_security import current_user, url_for_security

from matcher.models.user import CLUB_CONTACT, COORDINATOR, STAFF

# Endpoints anyone may reach without logging in.
PUBLIC_ENDPOINTS = {
    "static",
    "security.login",
    "security.logout",
    "auth.index",
    "auth.set_language",
    "auth.health",
}
PUBLIC_PREFIXES = ("signup.",)


def is_public(endpoint: str | None) -> bool:
    """Return whether an endpoint is reachable without logging in."""
    if endpoint is None:
        return True  # 404s are answered as 404 to everyone
    return endpoint in PUBLIC_ENDPOINTS or endpoint.startswith(PUBLIC_PREFIXES)


def roles_required(*roles: str) -> Callable:
    """Allow a view only to users holding one of the roles; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by the route-inventory tests
        return wrapped

    return decorator


staff_only = roles_required(STAFF)
coordinators = roles_required(STAFF, COORDINATOR)
club_contacts = roles_required(CLUB_CONTACT)


def init_app(app: Flask) -> None:
    """Require a log-in for every endpoint outside the public list."""
    @app.before_request
    def require_login():
        if is_public(request.endpoint) or current_user.is_authenticated:
            return None
        return redirect(url_for_security("login", next=request.full_path.rstrip("?")))


def municipality_of(record) -> int | None:
    """Return the municipality a record belongs to (through its family or club if needed)."""
    for attr in ("municipality_id",):
        if hasattr(record, attr):
            return getattr(record, attr)
    for parent in ("family", "club", "round"):
        if hasattr(record, parent):
            return municipality_of(getattr(record, parent))
    return None


def get_scoped_or_404(model, record_id: int):
    """Load a record of the current user's municipality; another municipality's is a 404."""
    from matcher.extensions import db

    record = db.session.get(model, record_id)
    if record is None or municipality_of(record) != current_user.municipality_id:
        abort(404)
    return record
