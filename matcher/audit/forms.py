"""The audit log's filter form (read by GET: filtering changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, Optional

from matcher.services.audit import ACTIONS
from matcher.web.forms import MatcherForm
from matcher.web.paging import MAX_ID
from matcher.web.validators import NumberRange

OBJECT_TYPES = (
    "family",
    "child",
    "contactfamily",
    "club",
    "activity",
    "round",
    "proposal",
    "user",
)


# What the log's codes say, in the reader's language (the codes stay in the database and logs).
ACTION_LABELS = {
    "view": _l("Viewed"),
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "export": _l("Exported"),
    "import": _l("Imported"),
    "login": _l("Logged in"),
    "login_failed": _l("Failed log-in"),
    "logout": _l("Logged out"),
    "denied": _l("Access refused"),
    "round_start": _l("Round started"),
    "accept": _l("Proposal accepted"),
    "decline": _l("Proposal declined"),
    "end": _l("Match ended"),
    "erase": _l("Erased"),
    "consent_withdrawn": _l("Consent withdrawn"),
    "password_reset": _l("Password reset"),
    "password_changed": _l("Password changed"),
    "two_factor_changed": _l("Two-factor changed"),
}
OBJECT_LABELS = {
    "family": _l("Family"),
    "child": _l("Child"),
    "contactfamily": _l("Contact family"),
    "club": _l("Club"),
    "activity": _l("Activity"),
    "round": _l("Round"),
    "proposal": _l("Proposal"),
    "user": _l("User"),
    "dashboard": _l("Figures"),
    "municipality": _l("Municipality"),
}


class AuditFilterForm(MatcherForm):
    """Filters for the audit log; every field optional."""

    class Meta:
        csrf = False  # a GET search form: it changes nothing

    action = SelectField(
        _l("Action"),
        choices=[("", "—")] + [(a, ACTION_LABELS.get(a, a)) for a in ACTIONS],
        validators=[Optional()],
        default="",
    )
    user_email = StringField(_l("User (e-mail)"), validators=[Optional(), Length(max=255)])
    object_type = SelectField(
        _l("Record type"),
        choices=[("", "—")] + [(t, OBJECT_LABELS.get(t, t)) for t in OBJECT_TYPES],
        validators=[Optional()],
        default="",
    )
    object_id = IntegerField(
        _l("Record id"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)]
    )
    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("To (date, inclusive)"), validators=[Optional()])
