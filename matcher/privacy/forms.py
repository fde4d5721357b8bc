"""Confirmation forms for the irreversible privacy actions."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from matcher.web.forms import MatcherForm


class WithdrawConsentForm(MatcherForm):
    """Confirm that the family has withdrawn its consent."""

    confirm = BooleanField(
        _l("The family has withdrawn its consent. Anonymise it and leave it out of later rounds."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class EraseForm(MatcherForm):
    """Confirm an erasure by typing the family's case reference."""

    reference = StringField(
        _l("Type the family's case reference to confirm"),
        validators=[DataRequired(), Length(max=40)],
    )

    def __init__(self, expected: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def validate_reference(self, field) -> None:
        """The typed reference must be the family's own."""
        if (field.data or "").strip() != self.expected:
            raise ValidationError(_l("This is not the family's case reference."))
