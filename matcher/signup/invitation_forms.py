"""The form an invited club contact fills in to choose a password."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from matcher.services.invitations import MIN_PASSWORD_LENGTH


class AcceptInvitationForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=128)],
        description=_l("At least 10 characters. A short sentence is easy to remember."),
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
