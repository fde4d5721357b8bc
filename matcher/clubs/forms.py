"""Forms of the club portal: the club's details and its activities."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import EmailField, HiddenField, IntegerField, SelectField, StringField, TelField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
)

from matcher.extensions import db
from matcher.models import Category
from matcher.models.club import MAX_FEE, MAX_PLACES
from matcher.models.family import WEEKDAYS
from matcher.signup.fields import DanishPostcode, MultiCheckboxField, Phone
from matcher.web.forms import MatcherForm
from matcher.web.i18n import current_language
from matcher.web.validators import AgeRange, NumberRange, TimeRange

GENDER_CHOICES = (("any", _l("Everyone")), ("female", _l("Girls")), ("male", _l("Boys")))
WEEKDAY_LABELS = dict(
    zip(
        WEEKDAYS,
        (
            _l("Monday"),
            _l("Tuesday"),
            _l("Wednesday"),
            _l("Thursday"),
            _l("Friday"),
            _l("Saturday"),
            _l("Sunday"),
        ),
        strict=True,
    )
)


class ClubForm(MatcherForm):
    """A club's name, address and how to reach it."""

    name = StringField(_l("Club name"), validators=[DataRequired(), Length(max=120)])
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), DanishPostcode()])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=255)])
    phone = TelField(_l("Phone"), validators=[Optional(), Phone(), Length(max=40)])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=120)])
    version = HiddenField()
    token = HiddenField(validators=[Length(max=64)])  # the create_token column

    def to_data(self) -> dict:
        """Return the typed answers as plain data for the service."""
        return {
            k: (getattr(self, k).data or "").strip()
            for k in ("name", "address", "postcode", "email", "phone", "contact_name")
        }


class ActivityForm(MatcherForm):
    """An activity with its age range, days, place, subsidised places and fee."""

    name = StringField(_l("Activity"), validators=[DataRequired(), Length(max=120)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    min_age = IntegerField(_l("From age"), validators=[InputRequired(), NumberRange(0, 17)])
    max_age = IntegerField(
        _l("To age"), validators=[InputRequired(), NumberRange(0, 17), AgeRange("min_age")]
    )
    gender = SelectField(_l("For"), choices=GENDER_CHOICES, default="any")
    weekdays = MultiCheckboxField(
        _l("Weekdays"),
        choices=list(WEEKDAY_LABELS.items()),
        validators=[DataRequired(_l("Choose at least one weekday."))],
    )
    time = StringField(
        _l("Time"),
        validators=[Optional(), TimeRange()],
        description=_l("For example 16:30-18:00."),
    )
    address = StringField(
        _l("Place (address)"),
        validators=[Optional(), Length(max=200)],
        description=_l("Leave empty to use the club's address."),
    )
    postcode = StringField(
        _l("Place (postcode)"),
        validators=[Optional(), DanishPostcode()],
        description=_l("Leave empty to use the club's postcode."),
    )
    places = IntegerField(
        _l("Subsidised places"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=MAX_PLACES)],
    )
    fee = IntegerField(
        _l("Fee per season (kr.)"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=MAX_FEE)],
    )
    version = HiddenField()
    token = HiddenField(validators=[Length(max=64)])  # the create_token column

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        lang = current_language()
        cats = db.session.scalars(select(Category))
        self.category.choices = sorted(
            ((c.code, c.name(lang)) for c in cats), key=lambda c: c[1].lower()
        )

    def to_data(self) -> dict:
        """Return the typed answers as plain data for the service."""
        return {
            "name": self.name.data.strip(),
            "category": self.category.data,
            "min_age": self.min_age.data,
            "max_age": self.max_age.data,
            "gender": self.gender.data,
            "weekdays": [d for d in WEEKDAYS if d in (self.weekdays.data or [])],
            "time": (self.time.data or "").strip(),
            "address": (self.address.data or "").strip(),
            "postcode": (self.postcode.data or "").strip(),
            "places": self.places.data,
            "fee": self.fee.data,
        }
