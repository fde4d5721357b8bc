"""Who may see what, enforced in one place (docs/security.md has the matrix).

Every endpoint is either public (an explicit list, or the `signup` blueprint), an account page
any logged-in user may use, or declares its roles with a decorator below. One `before_request`
checks that before any view runs: anonymous visitors go to the log-in page, a role not declared
gets 403, and an endpoint that declares nothing gets 403 too (fail closed; a test flags it).
Records are then loaded scoped to the user's municipality (and a club contact's own club).
"""

import logging
from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app, redirect, request
from flask_security import current_user, url_for_security

from matcher.models.user import CLUB_CONTACT, COORDINATOR, ROLES, STAFF

log = logging.getLogger("matcher.security")

# Endpoints anyone may reach without logging in.
PUBLIC_ENDPOINTS = {
    "static",
    "security.static",
    "security.login",
    "security.logout",
    "security.forgot_password",
    "security.reset_password",
    # The second step of a log-in with two-factor: the user is not logged in yet.
    "security.two_factor_token_validation",
    "security.two_factor_rescue",
    "security.tf_select",
    "auth.index",
    "auth.set_language",
    "auth.health",
}
PUBLIC_PREFIXES = ("signup.",)

# Pages about one's own account, open to every logged-in user whatever the role.
ACCOUNT_ENDPOINTS = {
    "auth.start",
    "security.change_password",
    "security.two_factor_setup",
    "security.two_factor_setup_validate",
    "security.verify",
}

# Roles of endpoints that cannot carry a decorator (views of other packages); see `declare`.
DECLARED: dict[str, tuple[str, ...]] = {}


def is_public(endpoint: str | None) -> bool:
    """Return whether an endpoint is reachable without logging in."""
    if endpoint is None:
        return True  # 404s and 405s are answered as such to everyone
    return endpoint in PUBLIC_ENDPOINTS or endpoint.startswith(PUBLIC_PREFIXES)


def declare(endpoint: str, *roles: str) -> None:
    """Declare the roles of an endpoint whose view cannot be decorated."""
    DECLARED[endpoint] = roles


def allowed_roles(endpoint: str, app: Flask | None = None) -> tuple[str, ...] | None:
    """Return the roles that may use an endpoint, or None when it declares none."""
    if endpoint in ACCOUNT_ENDPOINTS:
        return ROLES
    if endpoint in DECLARED:
        return DECLARED[endpoint]
    view = (app or current_app).view_functions.get(endpoint)
    return getattr(view, "allowed_roles", None)


def roles_required(*roles: str) -> Callable:
    """Allow a view only to users holding one of the roles; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            # Checked again here so a view stays guarded if called some other way.
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by the before_request check and the tests
        return wrapped

    return decorator


staff_only = roles_required(STAFF)
coordinators = roles_required(STAFF, COORDINATOR)
club_contacts = roles_required(CLUB_CONTACT)
any_user = roles_required(*ROLES)


def check_access():
    """Refuse a request before its view runs unless the matrix allows it."""
    endpoint = request.endpoint
    if is_public(endpoint):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for_security("login", next=request.full_path.rstrip("?")))
    roles = allowed_roles(endpoint)
    if roles is None:
        log.error("endpoint %s declares no roles: refused", endpoint)
        abort(403)
    if current_user.role not in roles:
        abort(403)
    return None


def init_app(app: Flask) -> None:
    """Check every request against the permission matrix."""
    app.before_request(check_access)


def municipality_of(record) -> int | None:
    """Return the municipality a record belongs to (through its family or club if needed)."""
    for attr in ("municipality_id",):
        if hasattr(record, attr):
            return getattr(record, attr)
    # A placement proposal has no family but a round: follow the first parent that is set.
    for parent in ("round", "family", "club"):
        linked = getattr(record, parent, None)
        if linked is not None:
            return municipality_of(linked)
    return None


def get_scoped_or_404(model, record_id: int):
    """Load a record of the current user's municipality; another municipality's is a 404."""
    from matcher.extensions import db

    record = db.session.get(model, record_id)
    if record is None or municipality_of(record) != current_user.municipality_id:
        abort(404)
    return record


def matrix_markdown(app: Flask) -> str:
    """Return the endpoint x role table of docs/security.md, read from the live route map."""
    lines = [
        "| endpoint | URL | methods | staff | coordinator | club contact | anonymous |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        methods = ", ".join(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
        if is_public(rule.endpoint):
            cells = ["yes"] * 4
        else:
            roles = allowed_roles(rule.endpoint, app) or ()
            cells = ["yes" if r in roles else "**403**" for r in ROLES] + ["log-in"]
        lines.append(
            f"| `{rule.endpoint}` | `{rule.rule}` | {methods} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)
