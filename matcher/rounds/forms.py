"""The start-a-round form: what to match, the date, the budget and the weights."""

from datetime import date

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from matcher.services.round_document import DEFAULT_WEIGHTS
from matcher.web.forms import MatcherForm
from matcher.web.validators import NumberRange

# Each weight with the plain words that explain it.
WEIGHTS = (
    (
        "waiting_points",
        _l("Points per round waited"),
        _l("Children and families who have waited longer come first."),
    ),
    (
        "distance_penalty_per_km",
        _l("Points lost per km"),
        _l("A shorter way to the activity or the contact family is better."),
    ),
    (
        "sibling_points",
        _l("Points for siblings in the same club"),
        _l("Brothers and sisters can go to the same club together."),
    ),
    (
        "language_points",
        _l("Points for a shared language"),
        _l("A family and a contact family who can talk together."),
    ),
    (
        "children_age_points",
        _l("Points for children of similar age"),
        _l("Children in both families within two years of age of each other."),
    ),
    (
        "interest_points",
        _l("Points per shared interest"),
        _l("Interests the family and the contact family share."),
    ),
    (
        "interest_points_cap",
        _l("Most points for shared interests"),
        _l("Shared interests never count more than this."),
    ),
)


def today() -> date:
    """Return today's date (the tests pin it)."""
    return date.today()


def years_from(day: date, years: int) -> date:
    """Return the same day `years` years later (or earlier); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def round_date_window() -> tuple[date, date]:
    """Return the first and last round date allowed: a year either side of today."""
    now = today()
    return years_from(now, -1), years_from(now, 1)


def _within_a_year(form, field) -> None:
    if field.data is None:
        return
    first, last = round_date_window()
    if not first <= field.data <= last:
        raise ValidationError(
            _(
                "Choose a date at most a year from today: between %(first)s and %(last)s.",
                first=format_date(first, "long"),
                last=format_date(last, "long"),
            )
        )


MAX_WEIGHT = 1000  # points of any one kind (the other weights' fields say the same)
MAX_BUDGET = 1_000_000_000  # kr., as the dashboard's season budget


_WEIGHT = [InputRequired(), NumberRange(min=0, max=MAX_WEIGHT)]


def _points_list(form, field) -> None:
    try:
        values = [int(x) for x in field.data.replace(";", ",").split(",") if x.strip()]
    except ValueError:
        raise ValidationError(_l("Write whole numbers separated by commas.")) from None
    if not values or any(v < 0 for v in values):
        raise ValidationError(_l("Write at least one number, none below 0."))
    if any(v > MAX_WEIGHT for v in values):
        raise ValidationError(_("Write numbers up to %(most)s.", most=format_decimal(MAX_WEIGHT)))
    field.parsed = values


class StartRoundForm(MatcherForm):
    """Start a matching round."""

    kind = SelectField(
        _l("What to match"),
        choices=[
            ("both", _l("Children to activities and families to contact families")),
            ("children", _l("Children to activities")),
            ("families", _l("Families to contact families")),
        ],
        default="both",
        validators=[DataRequired()],
    )
    round_date = DateField(
        _l("Round date"),
        default=lambda: today(),
        validators=[InputRequired(), _within_a_year],
        description=_l("Ages are counted on this day."),
    )
    budget = IntegerField(
        _l("Budget left for the season (DKK)"),
        validators=[Optional(), NumberRange(min=0, max=MAX_BUDGET)],
        description=_l("The fees of all placements together stay within it. Empty: no limit."),
    )
    preference_points = StringField(
        _l("Points for the 1st, 2nd, 3rd ... wish"),
        default=", ".join(str(x) for x in DEFAULT_WEIGHTS["preference_points"]),
        validators=[DataRequired(), Length(max=100), _points_list],
        description=_l("A child's first wish counts most."),
    )
    waiting_points = IntegerField(validators=_WEIGHT)
    distance_penalty_per_km = FloatField(validators=[InputRequired(), NumberRange(min=0, max=100)])
    sibling_points = IntegerField(validators=_WEIGHT)
    language_points = IntegerField(validators=_WEIGHT)
    children_age_points = IntegerField(validators=_WEIGHT)
    interest_points = IntegerField(validators=_WEIGHT)
    interest_points_cap = IntegerField(validators=_WEIGHT)
    preview = SubmitField(_l("Preview"))
    start = SubmitField(_l("Start the round"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, hint in WEIGHTS:
            field = getattr(self, name)
            field.label.text = label
            field.description = hint
            if field.data is None and not self.is_submitted():
                field.data = DEFAULT_WEIGHTS[name]

    def weights(self) -> dict:
        """Return the weights as the round document's params."""
        out = {name: getattr(self, name).data for name, _label, _hint in WEIGHTS}
        out["preference_points"] = self.preference_points.parsed
        return out


class DeclineForm(MatcherForm):
    """Decline one proposal (or all): the reason is required."""

    reason = TextAreaField(_l("Why is it declined?"), validators=[DataRequired(), Length(max=500)])
