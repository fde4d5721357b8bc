"""The CPR guard refuses CPR numbers in typed text, never in generated identifiers."""

import pytest
from flask import g

from matcher.extensions import db
from matcher.services import audit
from matcher.web.cpr import CprRefused
from tests import factories as f

CPR_SHAPED = "0101901234"  # a real date followed by four digits


def test_a_request_id_that_looks_like_a_cpr_number_is_still_audited(app):
    mun = f.municipality()
    family = f.family(mun)
    db.session.commit()
    with app.test_request_context("/"):
        g.request_id = CPR_SHAPED
        audit.record("view", family)
        db.session.commit()
    assert db.session.scalars(db.select(audit.AuditEvent.request_id)).all() == [CPR_SHAPED]


def test_a_form_token_that_looks_like_a_cpr_number_is_stored(app):
    mun = f.municipality()
    family = f.family(mun)
    family.create_token = CPR_SHAPED
    db.session.commit()


def test_a_cpr_number_in_typed_text_is_refused(app):
    mun = f.municipality()
    family = f.family(mun)
    family.notes = f"CPR {CPR_SHAPED[:6]}-{CPR_SHAPED[6:]}"
    with pytest.raises(CprRefused):
        db.session.commit()
    db.session.rollback()
