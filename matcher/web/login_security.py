"""Log-in hardening: failed log-ins limited per account and per address (Flask-Limiter's storage,
shared through Redis in production), idle and absolute session time-outs, log-out that ends every
session of the user, and log-ins, failures and account changes in the audit log."""

import logging
import time

from flask import Flask, abort, current_app, flash, g, redirect, request, session
from flask_babel import gettext as _
from flask_login import user_logged_out
from flask_security import (
    current_user,
    logout_user,
    password_changed,
    password_reset,
    tf_profile_changed,
    url_for_security,
    user_authenticated,
)
from limits import RateLimitItem, parse

from matcher.extensions import db, limiter, security
from matcher.services import audit

log = logging.getLogger("matcher.security")

# Endpoints whose failed POSTs count, and which answer 429 once a limit is reached.
THROTTLED = {"security.login", "security.two_factor_token_validation", "security.verify"}
# Of those, the ones that show their form again (200) after a wrong password or code.
COUNTED_AFTER = {"security.two_factor_token_validation", "security.verify"}
# Refresh the idle clock at most this often, so the session cookie is not re-sent every request.
SEEN_RESOLUTION = 30


def _limits() -> tuple[RateLimitItem, RateLimitItem]:
    cfg = current_app.config
    return parse(cfg["MATCHER_LOGIN_ACCOUNT_LIMIT"]), parse(cfg["MATCHER_LOGIN_ADDRESS_LIMIT"])


def _account_key() -> str:
    """Return what identifies the targeted account: the typed e-mail, or the pending 2FA user."""
    if request.endpoint == "security.two_factor_token_validation":
        return "tf:" + str(session.get("tf_user_id", ""))
    if current_user.is_authenticated:  # re-authentication of a logged-in user
        return current_user.email
    typed = request.form.get("email")
    if typed is None and request.is_json:  # Flask-Security also takes log-ins as JSON
        data = request.get_json(silent=True)
        typed = data.get("email") if isinstance(data, dict) else None
    return str(typed or "").strip().lower()[:255]


def _limiting() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def note_failed_login(email: str, user=None) -> None:
    """Count a failed log-in against the account and the address, and audit it."""
    if _limiting():
        per_account, per_address = _limits()
        limiter.limiter.hit(per_account, "login-account", _account_key())
        limiter.limiter.hit(per_address, "login-address", request.remote_addr or "")
    # The typed text is not stored: a password typed into the e-mail field must not be kept.
    audit.record("login_failed", user, known_account=user is not None)
    db.session.commit()


def _refuse_when_limited():
    if request.method != "POST" or request.endpoint not in THROTTLED or not _limiting():
        return None
    per_account, per_address = _limits()
    if not (
        limiter.limiter.test(per_account, "login-account", _account_key())
        and limiter.limiter.test(per_address, "login-address", request.remote_addr or "")
    ):
        log.warning("log-in refused by rate limit from %s", request.remote_addr)
        abort(429)
    return None


def _count_failed_codes(response):
    """A code or re-authentication form shown again after a POST means it was wrong."""
    if (
        request.method == "POST"
        and request.endpoint in COUNTED_AFTER
        and response.status_code == 200
        and _limiting()
    ):
        per_account, per_address = _limits()
        limiter.limiter.hit(per_account, "login-account", _account_key())
        limiter.limiter.hit(per_address, "login-address", request.remote_addr or "")
    return response


def _expire_sessions():
    """Log out a session idle too long or older than PERMANENT_SESSION_LIFETIME."""
    if not current_user.is_authenticated:
        return None
    now = int(time.time())
    idle = current_app.config["MATCHER_IDLE_MINUTES"] * 60
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    seen, began = session.get("seen", now), session.get("login_at", now)
    if now - seen > idle or now - began > lifetime:
        g.keep_other_sessions = True  # only this browser's session ran out
        logout_user()
        flash(_("You were logged out after a period without activity. Please log in again."))
        return redirect(url_for_security("login", next=request.full_path.rstrip("?")))
    if now - seen >= SEEN_RESOLUTION or "seen" not in session:
        session["seen"] = now
    return None


def _on_login(sender, user, **extra) -> None:
    now = int(time.time())
    session.permanent = True
    session["seen"] = now
    session["login_at"] = now
    via = extra.get("authn_via") or ["password"]
    audit.record("login", user, actor=user, method=str(via[0]))


def _on_logout(sender, user, **extra) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return
    audit.record("logout", user, actor=user)
    if not g.get("keep_other_sessions"):
        # A new uniquifier makes every session cookie of this user worthless (replayed or not).
        security.datastore.set_uniquifier(user)
    db.session.commit()


def _on_account_change(action: str):
    def handler(sender, user, **extra) -> None:
        audit.record(action, user, actor=user)

    return handler


def _forget_previous_request() -> None:
    """Start each request without a user cached in `g` by an earlier request.

    A deployed app gets a fresh `g` per request; tests that keep one app context open share
    it, and Flask-Login and Flask-WTF would hand one client's user or token to the next.
    """
    for key in ("_login_user", "csrf_token", "keep_other_sessions", "request_id"):
        g.pop(key, None)


def init_app(app: Flask) -> None:
    """Install the throttle, the time-outs and the audit signal handlers."""
    # First of all hooks: Flask-Principal's hook (installed with Flask-Security) loads the user,
    # and forgetting it after that would load it a second time on every request.
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_previous_request)
    app.before_request(_refuse_when_limited)
    app.before_request(_expire_sessions)
    app.after_request(_count_failed_codes)
    user_authenticated.connect(_on_login, app)
    user_logged_out.connect(_on_logout, app)
    password_reset.connect(_on_account_change("password_reset"), app, weak=False)
    password_changed.connect(_on_account_change("password_changed"), app, weak=False)
    tf_profile_changed.connect(_on_account_change("two_factor_changed"), app, weak=False)
