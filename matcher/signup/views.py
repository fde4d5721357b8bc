"""Public pages (no log-in): the volunteer sign-up and a club contact's invitation."""

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from matcher.extensions import db, limiter
from matcher.models import Municipality
from matcher.services import contact_families, invitations
from matcher.signup.forms import SignupForm
from matcher.signup.invitation_forms import AcceptInvitationForm

bp = Blueprint("signup", __name__, url_prefix="/bliv-kontaktfamilie")

# Modest: a family signs up once; this only slows down scripted floods from one address.
SIGNUP_LIMIT = "10 per hour"


def _municipality(code: str | None) -> Municipality | None:
    """Return the municipality signed up for; without a code, the only one (or None if many)."""
    if code:
        mun = db.session.scalar(select(Municipality).where(Municipality.code == code))
        if mun is None:
            abort(404)
        return mun
    found = list(db.session.scalars(select(Municipality).order_by(Municipality.name).limit(2)))
    if not found:
        abort(404)
    return found[0] if len(found) == 1 else None


@bp.route("/", methods=["GET", "POST"], defaults={"code": None})
@bp.route("/<code>/", methods=["GET", "POST"])
@limiter.limit(SIGNUP_LIMIT, methods=["POST"])
def form(code: str | None):
    """Show the volunteer sign-up form and store an application (once per form)."""
    mun = _municipality(code)
    if mun is None:
        municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name))
        return render_template("signup/choose.html", municipalities=municipalities)
    form = SignupForm()
    if not form.token.data:
        form.token.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        contact_families.sign_up(mun.id, form.to_data(), form.token.data)
        return redirect(url_for("signup.thanks", code=mun.code))
    return render_template("signup/form.html", form=form, municipality=mun)


@bp.get("/<code>/tak")
def thanks(code: str):
    """Thank the volunteer and say what happens next."""
    mun = _municipality(code)
    return render_template("signup/thanks.html", municipality=mun)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(SIGNUP_LIMIT, methods=["POST"])
def invitation(token: str):
    """Let an invited club contact choose a password, which activates their account."""
    try:
        user = invitations.user_for_token(token)
    except invitations.InvitationError:
        return render_template("signup/invitation_invalid.html"), 410
    form = AcceptInvitationForm(email=user.email)
    if form.validate_on_submit():
        invitations.accept(token, form.password.data)
        flash(_("Your password is set. Log in with your e-mail and the new password."), "success")
        return redirect(url_for("security.login"))
    return render_template("signup/invitation.html", form=form, user=user)
