"""Forms for following up an accepted match."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from matcher.services.followup import END_REASONS, NOTE_LENGTH
from matcher.web.forms import MatcherForm
from matcher.web.validators import NotInFuture

END_REASON_LABELS = {
    "finished": _l("The activity or season finished"),
    "moved": _l("The family moved"),
    "lost_interest": _l("Lost interest"),
    "not_suitable": _l("Not a good match"),
    "other": _l("Another reason"),
}


class StartedForm(MatcherForm):
    """The day the child started (or the first meeting of a pairing)."""

    started_on = DateField(_l("Started on"), validators=[DataRequired(), NotInFuture()])
    version = HiddenField(validators=[InputRequired()])


class EndedForm(MatcherForm):
    """The day a placement or pairing ended, and why."""

    ended_on = DateField(_l("Ended on"), validators=[DataRequired(), NotInFuture()])
    reason = SelectField(
        _l("Why did it end?"),
        choices=[("", _l("Choose a reason"))] + [(r, END_REASON_LABELS[r]) for r in END_REASONS],
        validators=[DataRequired(message=_l("Choose why the match ended."))],
    )
    note = TextAreaField(
        _l("A few words (needed for another reason)"),
        validators=[Length(max=NOTE_LENGTH)],
    )
    version = HiddenField(validators=[InputRequired()])

    def validate_note(self, field) -> None:
        """Ask for a note when the reason is "another reason"."""
        if self.reason.data == "other" and not (field.data or "").strip():
            raise ValidationError(_l("Say in a few words why the match ended."))
