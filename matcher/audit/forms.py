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


class AuditFilterForm(MatcherForm):
    """Filters for the audit log; every field optional."""

    class Meta:
        csrf = False  # a GET search form: it changes nothing

    action = SelectField(
        _l("Action"),
        choices=[("", "—")] + [(a, a) for a in ACTIONS],
        validators=[Optional()],
        default="",
    )
    user_email = StringField(_l("User (e-mail)"), validators=[Optional(), Length(max=255)])
    object_type = SelectField(
        _l("Record type"),
        choices=[("", "—")] + [(t, t) for t in OBJECT_TYPES],
        validators=[Optional()],
        default="",
    )
    object_id = IntegerField(
        _l("Record id"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)]
    )
    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("To (date, inclusive)"), validators=[Optional()])
