"""The form an invited club contact fills in to choose a password."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from matcher.services.invitations import MIN_PASSWORD_LENGTH
from matcher.web.forms import MatcherForm
from matcher.web.security_classes import password_problems


class AcceptInvitationForm(MatcherForm):
    """A new password, typed twice; the same rules as every other password (length, not a
    common password, not the e-mail address)."""

    def __init__(self, *args, email: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=128)],
        description=_l("At least 10 characters. A short sentence is easy to remember."),
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )

    def validate_password(self, field: PasswordField) -> None:
        """Refuse common passwords and the e-mail address."""
        problems = password_problems(field.data or "", self.email)
        if problems:
            raise ValidationError(problems[0])
