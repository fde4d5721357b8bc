"""The volunteer sign-up form; its fields are also the coordinator's edit form."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    HiddenField,
    IntegerField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from matcher.extensions import db
from matcher.models import Language
from matcher.signup.fields import DanishPostcode, MultiCheckboxField, NotInFuture, Phone, split_list
from matcher.web.forms import DecimalNumberField, MatcherForm
from matcher.web.i18n import current_language
from matcher.web.validators import NumberRange, check_child_birth_date


def language_choices() -> list[tuple[str, str]]:
    """Return the languages as (code, name in the current language), sorted by name."""
    lang = current_language()
    choices = [(x.code, x.name(lang)) for x in db.session.scalars(select(Language))]
    return sorted(choices, key=lambda c: c[1].lower())


class ContactFamilyFields(MatcherForm):
    """What a contact family tells about itself."""

    name = StringField(
        _l("Family name"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("For example “The Jensen family”."),
    )
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=255)])
    phone = TelField(_l("Phone"), validators=[DataRequired(), Phone(), Length(max=40)])
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), DanishPostcode()])
    languages = MultiCheckboxField(_l("Languages you speak"), validators=[Optional()])
    interests = StringField(
        _l("Interests"),
        validators=[Optional(), Length(max=300)],
        description=_l("Separate with commas, e.g. football, cooking, nature."),
    )
    children_birth_dates = FieldList(
        DateField(_l("Child's birth date"), validators=[Optional(), NotInFuture()]),
        label=_l("Your own children's birth dates"),
        min_entries=4,
        max_entries=8,
    )
    # InputRequired, not DataRequired: 0 is typed input, refused by the range with its reason.
    capacity = IntegerField(
        _l("How many families can you befriend?"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=5)],
    )
    # Stored as a decimal number (ContactFamily.max_distance_km is a Float): 12.5 km stays 12.5.
    max_distance_km = DecimalNumberField(
        _l("How far will you travel (km)?"),
        default=10,
        validators=[InputRequired(), NumberRange(min=1, max=100)],
    )
    motivation = TextAreaField(
        _l("Why would you like to be a contact family?"), validators=[Optional(), Length(max=2000)]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.languages.choices = language_choices()

    def validate_children_birth_dates(self, field) -> None:
        """Birth dates are optional; each is a child's (under 18, not in the future): they are
        compared with the refugee children's ages when families are paired."""
        for entry in field.entries:
            if message := check_child_birth_date(entry.data):
                raise ValidationError(str(message))  # a plain str: the template lists strings

    def to_data(self) -> dict:
        """Return the typed answers as plain data for the service."""
        return {
            "name": self.name.data.strip(),
            "contact_name": self.contact_name.data.strip(),
            "email": self.email.data.strip().lower(),
            "phone": self.phone.data,
            "address": self.address.data.strip(),
            "postcode": self.postcode.data,
            "languages": list(self.languages.data or []),
            "interests": split_list(self.interests.data),
            "children_birth_dates": sorted(
                e.data for e in self.children_birth_dates.entries if e.data is not None
            ),
            "capacity": self.capacity.data,
            "max_distance_km": float(self.max_distance_km.data),
            "motivation": (self.motivation.data or "").strip(),
        }


class SignupForm(ContactFamilyFields):
    """The public sign-up: the family's details, consent and a one-time token."""

    consent = BooleanField(
        _l("I have read how my information is used and I agree to it."),
        validators=[DataRequired(_l("We need your consent to store your application."))],
    )
    token = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
