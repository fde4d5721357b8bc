"""Our Flask-Security plug-ins: password rules, mail through the outbox, replay-proof two-factor
codes, and a log-in form that counts failures for the rate limit and the audit log."""

from functools import cache
from pathlib import Path

from flask_security import LoginForm, MailUtil, PasswordUtil
from flask_security.totp import Totp

from matcher.extensions import db

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of common passwords, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and line[0] != "#")


def password_problems(password: str, email: str | None = None) -> list[str]:
    """Return why a password is refused beyond its length (empty when it is fine)."""
    from flask_babel import gettext as _

    folded = password.strip().lower()
    if folded in common_passwords() or folded.replace(" ", "") in common_passwords():
        return [_("This password is too common. Choose a longer sentence only you would think of.")]
    if len(set(folded.replace(" ", ""))) < 4:  # "aaaaaaaaaa", "abababababab"
        return [_("This password repeats too few characters. Choose a sentence of a few words.")]
    email = (email or "").strip().lower()
    local = email.split("@")[0]
    if folded in (email, local) or (
        len(local) >= 4 and local in folded and len(folded) - len(local) < 6
    ):
        return [_("The password must not be (mostly) your e-mail address.")]
    return []


class MatcherPasswordUtil(PasswordUtil):
    """Flask-Security's length rule (SECURITY_PASSWORD_LENGTH_MIN) plus common passwords;
    deliberately no composition rules (NIST 800-63B, ASVS 6.2)."""

    def validate(self, password: str, is_register: bool, **kwargs) -> tuple[list | None, str]:
        """Validate a new password; return (messages or None, normalised password)."""
        problems, normalised = super().validate(password, is_register, **kwargs)
        if problems:
            return problems, normalised
        user = kwargs.get("user")
        email = getattr(user, "email", None) or kwargs.get("email")
        return (password_problems(normalised, email) or None), normalised


class OutboxMailUtil(MailUtil):
    """Send Flask-Security's mails (password reset and notices) through our outbox table."""

    def send_mail(self, template, subject, recipient, sender, body, html, **kwargs) -> None:
        """Queue the text body in the outbox and commit it (the mail stands on its own)."""
        to = recipient[1] if isinstance(recipient, tuple) else recipient
        try:
            from matcher.services.mailer import queue_email
        except ImportError:  # pragma: no cover - the outbox service is optional at import
            from matcher.models import OutboxMessage

            db.session.add(OutboxMessage(to=to, subject=str(subject), body=body or "", attempts=0))
        else:
            queue_email(to, str(subject), body or "")
        db.session.commit()


class ReplayProofTotp(Totp):
    """Remember the last accepted time step per user, so a code can be used only once."""

    def get_last_counter(self, user) -> int | None:
        """Return the last accepted time step of this user."""
        return user.tf_totp_last_counter

    def set_last_counter(self, user, tmatch) -> None:
        """Store the time step just accepted, at once (a later failure must not undo it)."""
        user.tf_totp_last_counter = tmatch.counter
        db.session.add(user)
        db.session.commit()


class MatcherLoginForm(LoginForm):
    """The log-in form; a failed attempt counts towards the limits and is audited."""

    def validate(self, **kwargs) -> bool:
        """Validate as Flask-Security does, then note a failed password check."""
        ok = super().validate(**kwargs)
        # ifield is set once the credentials were checked (not for a missing field or CSRF token).
        if not ok and self.ifield is not None and not self.user_authenticated:
            from matcher.web.login_security import note_failed_login

            note_failed_login(self.email.data or "", self.user)
        return ok
