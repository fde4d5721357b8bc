"""Send each user to their own start page; switch the language."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, request, session, url_for
from flask_security import current_user

from matcher.models.user import CLUB_CONTACT, COORDINATOR, STAFF
from matcher.web.i18n import LOCALES

bp = Blueprint("auth", __name__)

START_PAGES = {
    STAFF: "staff.start",
    COORDINATOR: "coordinators.start",
}


@bp.get("/")
def index():
    """Send visitors to their start page, or to the log-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.start"))
    return redirect(url_for("security.login"))


@bp.get("/start")
def start():
    """Redirect to the start page of the user's role."""
    role = current_user.role
    if role == CLUB_CONTACT:
        if current_user.club_id is None:
            abort(403)
        return redirect(url_for("clubs.start", club_id=current_user.club_id))
    if role in START_PAGES:
        return redirect(url_for(START_PAGES[role]))
    abort(403)


@bp.post("/language")
def set_language():
    """Remember the chosen language for this browser session."""
    lang = request.form.get("lang", "da")
    if lang in LOCALES:
        session["lang"] = lang
    target = request.form.get("next") or ""
    return redirect(target if is_local_path(target) else url_for("auth.index"))


def is_local_path(target: str) -> bool:
    """Return whether `target` is a path on this site. Browsers drop tabs and newlines and
    read a backslash as a slash, so such characters could turn a path into another host."""
    if any(ch in target for ch in "\\\t\r\n") or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
    )


@bp.get("/healthz")
def health():
    """Answer a load balancer's health check."""
    return {"status": "ok"}
