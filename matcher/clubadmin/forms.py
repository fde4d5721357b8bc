"""Forms for managing clubs."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from matcher.services.invitations import email_taken
from matcher.web.forms import MatcherForm


class InviteForm(MatcherForm):
    """Who to invite as the club's contact."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=255)])

    def validate_email(self, field) -> None:
        """One account per e-mail address."""
        if email_taken(field.data or ""):
            raise ValidationError(_l("Someone already has an account with this e-mail."))
