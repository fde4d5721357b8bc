"""The outbox: e-mail is queued in the database with the change that causes it, then delivered.

Delivery goes through SMTP (MAIL_SERVER) or, when no server is configured (development, tests),
into .eml files in MAIL_OUTBOX_DIR. A failed attempt keeps the message with its error and a later
retry time (exponential backoff), so nothing is lost while the mail server is down.
"""

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select

from matcher.extensions import db
from matcher.models import OutboxMessage
from matcher.models.base import utcnow

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
ERROR_LENGTH = 500


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def queue_email(to: str, subject: str, body: str, proposal_id: int | None = None) -> OutboxMessage:
    """Add an e-mail to the outbox in the current transaction (sent after the commit);
    `proposal_id` names the match it is about, if any."""
    for value in (to, subject):
        # A line break in a header would let a name smuggle in extra headers.
        if "\r" in value or "\n" in value:
            raise ValueError("e-mail headers must not contain line breaks")
    if "@" not in to:
        raise ValueError("not an e-mail address")
    message = OutboxMessage(
        to=to.strip(), subject=subject, body=body, attempts=0, proposal_id=proposal_id
    )
    db.session.add(message)
    return message


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait after the given number of failed attempts (doubling, capped)."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def due_messages(now: datetime | None = None, limit: int = 100) -> list[int]:
    """Return the ids of unsent messages whose (next) attempt is due, oldest first."""
    now = now or utcnow()
    stmt = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def as_email(message: OutboxMessage) -> EmailMessage:
    """Build the MIME message for an outbox row (UTF-8 plain text)."""
    mail = EmailMessage()
    mail["From"] = current_app.config.get("MAIL_FROM", "matcher@localhost")
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.created_at)
    mail["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="matcher")
    mail.set_content(message.body)
    return mail


def deliver_pending(now: datetime | None = None, limit: int = 100) -> DeliveryReport:
    """Send every due message; commit each outcome so a crash never resends or loses one."""
    now = now or utcnow()
    report = DeliveryReport()
    ids = due_messages(now, limit)
    if not ids:
        return report
    with _transport() as transport:
        for message_id in ids:
            message = _claim(message_id)
            if message is None:
                continue  # another worker took it or already sent it
            try:
                transport.send(as_email(message), message)
            except Exception as exc:  # noqa: BLE001 - any failure is kept on the row and retried
                message.attempts += 1
                message.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
                message.next_attempt_at = now + retry_delay(message.attempts)
                report.failed.append(message.id)
            else:
                message.attempts += 1
                message.sent_at = utcnow()
                message.last_error = None
                report.sent.append(message.id)
            db.session.commit()
    return report


def _claim(message_id: int) -> OutboxMessage | None:
    """Lock an unsent message for this worker (PostgreSQL skips rows another worker holds)."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
        .with_for_update(skip_locked=True)
    )
    return db.session.scalar(stmt)


def _transport() -> "_Transport":
    """Pick SMTP when a server is configured, else the folder of .eml files."""
    cfg = current_app.config
    if cfg.get("MAIL_SERVER"):
        return _SMTPTransport(cfg)
    folder = cfg.get("MAIL_OUTBOX_DIR") or str(Path(current_app.instance_path) / "outbox")
    return _FolderTransport(Path(folder))


class _Transport:
    """A way to hand messages over; used as a context manager around one delivery run."""

    def __enter__(self) -> "_Transport":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send(self, mail: EmailMessage, message: OutboxMessage) -> None:
        raise NotImplementedError


class _FolderTransport(_Transport):
    """Write each message as an .eml file (development and tests)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, mail: EmailMessage, message: OutboxMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{message.created_at:%Y%m%dT%H%M%S}-{message.id:06d}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(mail.as_bytes())
        partial.replace(path)  # a reader never sees half a file


class _SMTPTransport(_Transport):
    """Send through one SMTP connection per run, opened on the first message."""

    def __init__(self, cfg) -> None:
        self.cfg = cfg
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self.cfg
        smtp = smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg.get("MAIL_PORT", 25)), timeout=15)
        try:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD", ""))
        except Exception:
            smtp.close()
            raise
        return smtp

    def send(self, mail: EmailMessage, message: OutboxMessage) -> None:
        if self.smtp is None:
            self.smtp = self._connect()  # a refused connection fails this message, kept for retry
        try:
            self.smtp.send_message(mail)
        except smtplib.SMTPServerDisconnected:
            self.smtp = None
            raise

    def __exit__(self, *exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
