"""Inviting club contacts: an inactive user, a signed expiring link by e-mail, a chosen password."""

import uuid
from contextlib import nullcontext

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_security import hash_password
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from matcher.extensions import db, security
from matcher.models import Club, OutboxMessage, User
from matcher.models.user import CLUB_CONTACT
from matcher.services import audit
from matcher.services.users import ensure_roles

SALT = "club-contact-invitation"
MAX_AGE_SECONDS = 14 * 24 * 3600
MIN_PASSWORD_LENGTH = 10


class InvitationError(ValueError):
    """The invitation cannot be used: expired, tampered with, used, or the e-mail is taken."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def email_taken(email: str) -> bool:
    """Return whether a user with this e-mail exists already."""
    wanted = email.strip().lower()
    return db.session.scalar(select(func.count(User.id)).where(User.email == wanted)) > 0


def invite(club: Club, email: str, name: str, link_for) -> tuple[User, OutboxMessage]:
    """Create an inactive club contact for the club and queue the invitation e-mail with its link.

    `link_for(token)` turns a token into the absolute link (the view knows the URL).
    """
    if email_taken(email):
        raise InvitationError("e-mail already in use")
    role = ensure_roles()[CLUB_CONTACT]
    user = security.datastore.create_user(
        email=email.strip().lower(),
        password=None,
        name=name.strip(),
        municipality_id=club.municipality_id,
        club_id=club.id,
        roles=[role],
        active=False,
    )
    db.session.flush()
    token = make_token(user)
    # From the CLI there is no visitor's language: write the e-mail in Danish.
    with nullcontext() if has_request_context() else force_locale("da"):
        message = OutboxMessage(
            to=user.email,
            subject=_("Invitation to %(club)s on matcher", club=club.name),
            body=_(
                "Hello %(name)s,\n\nYou have been invited to keep the details and activities of "
                "%(club)s up to date on matcher. Choose your password here (the link works for "
                "14 days):\n\n%(link)s\n",
                name=user.name or user.email,
                club=club.name,
                link=link_for(token),
            ),
        )
    db.session.add(message)
    audit.record("create", user, role=CLUB_CONTACT, club_id=club.id, invitation=True)
    db.session.commit()
    return user, message


def make_token(user: User) -> str:
    """Sign a token naming the user; it stops working once the user has chosen a password."""
    return _serializer().dumps({"u": user.id, "f": user.fs_uniquifier})


def user_for_token(token: str) -> User:
    """Return the invited user of a valid, unexpired, unused token, or raise InvitationError."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired as exc:
        raise InvitationError("expired") from exc
    except BadSignature as exc:
        raise InvitationError("invalid") from exc
    user = db.session.get(User, data.get("u"))
    # A used invitation is refused: accepting it activates the user and renews fs_uniquifier.
    if user is None or user.fs_uniquifier != data.get("f") or user.active or user.password:
        raise InvitationError("used")
    return user


def accept(token: str, password: str) -> User:
    """Set the invited user's password and activate them; the link cannot be used again."""
    user = user_for_token(token)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvitationError("password too short")
    from matcher.web.security_classes import password_problems

    if password_problems(password, user.email):
        raise InvitationError("password refused: common, or the e-mail address")
    user.password = hash_password(password)
    user.active = True
    user.fs_uniquifier = uuid.uuid4().hex
    audit.record("update", user, fields=["password", "active"], invitation=True)
    db.session.commit()
    return user
