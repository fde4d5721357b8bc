"""The built-in worker also delivers the outbox, so accepted matches' e-mails go out by
themselves."""

import pytest

from matcher.extensions import db
from matcher.models import OutboxMessage
from matcher.services.mailer import queue_email
from matcher.worker.inline import run_pending


@pytest.fixture
def app_config(tmp_path):
    return {"MAIL_SERVER": "", "MAIL_OUTBOX_DIR": str(tmp_path / "outbox")}


def test_a_worker_pass_delivers_queued_mail_to_the_outbox_folder(app, tmp_path):
    queue_email("kontakt@example.dk", "Ny kontaktfamilie", "Hej")
    db.session.commit()
    db.session.remove()
    run_pending(app)
    message = db.session.scalars(db.select(OutboxMessage)).one()
    assert message.sent_at is not None
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
