"""Acceptance e-mails: queued in the outbox, in Danish, sent by SMTP or to a folder, retried."""

import socket
from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import OutboxMessage
from matcher.models.base import utcnow
from matcher.services import mailer, notifications
from tests import factories


class Sink:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.received: list = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_port(app) -> int:
    """Point the app at a local SMTP port on which nothing listens yet."""
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="matcher@kommune.dk")
    return port


@pytest.fixture
def outbox_dir(app, tmp_path):
    """Deliver into a folder of .eml files, as in development."""
    folder = tmp_path / "outbox"
    app.config.update(MAIL_SERVER="", MAIL_OUTBOX_DIR=str(folder))
    return folder


def placement_world():
    mun = factories.municipality(name="Søhøj Kommune")
    coordinator = factories.user(mun, "coordinator", email="koord@kommune.dk", name="Ane Koord")
    club = factories.club(mun, name="Søhøj IF")
    contact = factories.user(
        mun, "club_contact", club=club, email="træner@sohoj-if.dk", name="Bo Træner"
    )
    family = factories.family(
        mun, name="Haddad", coordinator_id=coordinator.id, address="Birkevej 3"
    )
    child = family.children[0]
    proposal = factories.accepted_match(
        mun, child=child, activity=club.activities[0], round_date="2026-09-01"
    )
    return proposal, contact, child


def test_a_placement_mails_the_club_contact_first_name_age_start_and_coordinator(app):
    proposal, contact, child = placement_world()
    [message] = notifications.on_accepted(proposal, today=date(2026, 8, 20))
    assert message.to == contact.email
    assert message.subject == "Nyt barn på Fodbold U12"
    body = message.body
    assert "Hej Bo Træner," in body
    assert f"Barnets fornavn: {child.first_name}" in body
    assert f"Alder: {child.age_on(date(2026, 9, 1))} år" in body
    assert "Start: fra 01.09.2026 (mandag, onsdag)" in body
    assert "Ane Koord, koord@kommune.dk" in body
    # Nothing more than the club needs: no surname, address or birth date.
    assert "Haddad" not in body and "Birkevej" not in body
    assert str(child.birth_date.year) not in body


def test_a_pairing_mails_the_contact_family_which_family_and_the_coordinator(app):
    mun = factories.municipality(name="Søhøj Kommune")
    coordinator = factories.user(mun, "coordinator", email="koord@kommune.dk", name="Ane Koord")
    family = factories.family(mun, name="Al-Khatib", coordinator_id=coordinator.id)
    cf = factories.contact_family(mun, status="approved")
    proposal = factories.accepted_match(mun, family=family, contact_family=cf)
    [message] = notifications.on_accepted(proposal)
    assert message.to == cf.email
    assert "Kære Mette Jensen," in message.body
    assert "familien Al-Khatib" in message.body
    assert "Ane Koord, koord@kommune.dk" in message.body


def test_queued_mail_is_part_of_the_transaction_and_vanishes_on_rollback(app):
    proposal, _, _ = placement_world()
    db.session.commit()
    notifications.on_accepted(proposal)
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_header_with_a_line_break_is_refused():
    with pytest.raises(ValueError):
        mailer.queue_email("a@example.dk", "Hej\r\nBcc: evil@example.com", "body")


def test_the_folder_backend_writes_danish_eml_files(app, outbox_dir):
    proposal, contact, child = placement_world()
    notifications.on_accepted(proposal)
    db.session.commit()
    report = mailer.deliver_pending()
    assert len(report.sent) == 1 and report.failed == []
    [path] = list(outbox_dir.glob("*.eml"))
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["To"] == contact.email
    assert mail["Subject"] == "Nyt barn på Fodbold U12"
    assert "Barnets fornavn" in mail.get_content() and "år" in mail.get_content()
    assert db.session.get(OutboxMessage, report.sent[0]).sent_at is not None
    assert mailer.deliver_pending().sent == []  # sent once, never again


def test_mail_queued_while_the_server_is_down_is_kept_and_sent_when_it_is_up(app, smtp_port):
    proposal, contact, _ = placement_world()
    notifications.on_accepted(proposal)
    db.session.commit()

    down = mailer.deliver_pending()
    assert down.sent == [] and len(down.failed) == 1
    message = db.session.get(OutboxMessage, down.failed[0])
    assert message.sent_at is None and message.attempts == 1
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()
    assert message.next_attempt_at > utcnow()
    assert mailer.deliver_pending().failed == []  # not retried before its time

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        later = utcnow() + timedelta(minutes=5)
        up = mailer.deliver_pending(now=later)
    finally:
        controller.stop()
    assert up.sent == [message.id]
    db.session.refresh(message)
    assert message.sent_at is not None and message.attempts == 2 and message.last_error is None
    [envelope] = sink.received
    assert envelope.rcpt_tos == [contact.email]
    received = message_from_bytes(envelope.content, policy=policy.default)
    assert received["Subject"] == "Nyt barn på Fodbold U12"
    assert "Barnets fornavn" in received.get_content()


def test_retries_back_off_exponentially_up_to_six_hours():
    delays = [mailer.retry_delay(n) for n in (1, 2, 3, 4, 20)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[4] == timedelta(hours=6)


def test_flask_send_mail_delivers_pending_messages(app, runner, outbox_dir):
    mailer.queue_email("x@example.dk", "Prøve", "Hej med dig")
    db.session.commit()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    assert len(list(outbox_dir.glob("*.eml"))) == 1


def test_a_club_without_contact_users_is_mailed_at_its_own_address(app):
    mun = factories.municipality()
    club = factories.club(mun)
    club.email, club.contact_name = "kontor@klub.dk", "Kontoret"
    family = factories.family(mun)
    proposal = factories.accepted_match(mun, child=family.children[0], activity=club.activities[0])
    [message] = notifications.on_accepted(proposal)
    assert message.to == "kontor@klub.dk" and message.body.startswith("Hej Kontoret,")


def test_no_usable_address_queues_nothing_and_does_not_fail(app):
    mun = factories.municipality()
    club = factories.club(mun)
    club.email = "not-an-address"
    family = factories.family(mun)
    placement = factories.accepted_match(mun, child=family.children[0], activity=club.activities[0])
    cf = factories.contact_family(mun, email="")
    pairing = factories.accepted_match(mun, family=family, contact_family=cf)
    assert notifications.on_accepted(placement) == []
    assert notifications.on_accepted(pairing) == []
