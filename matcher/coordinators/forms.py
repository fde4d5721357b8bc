"""Forms for a coordinator's work on refugee families and their children."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.models import Child, Family
from matcher.services.families import FAMILY_FIELDS, FamilyFilters
from matcher.services.interests import labels
from matcher.web.forms import DecimalNumberField, MatcherForm
from matcher.web.i18n import current_language
from matcher.web.paging import MAX_ID
from matcher.web.validators import ChildBirthDate, DanishPostcode, NotInFuture, NumberRange, Phone

GENDER_LABELS = {"female": _l("Girl"), "male": _l("Boy"), "other": _l("Other")}
WEEKDAY_LABELS = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
}
WISH_SLOTS = 3


def optional_int(value) -> int | None:
    """Coerce a select's value to an int, an empty choice to None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def split_words(text: str | None) -> list[str]:
    """Split a comma or semicolon separated text into trimmed words, keeping their order."""
    words: list[str] = []
    for part in (text or "").replace(";", ",").split(","):
        if part.strip() and part.strip() not in words:
            words.append(part.strip())
    return words


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (easier than a multi-select on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# The family fields the form carries as they are; interests are typed as words, the location
# only when it overrides the postcode's.
_PLAIN_FIELDS = tuple(f for f in FAMILY_FIELDS if f != "interests")


class FamilyForm(MatcherForm):
    """A refugee family's details; the choices come from the database (see `set_choices`).
    No free text takes a CPR number (MatcherForm)."""

    reference = StringField(_l("Reference"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=120)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), DanishPostcode()])
    lat = FloatField(
        _l("Latitude (optional)"),
        validators=[Optional(), NumberRange(54.4, 57.9)],
        description=_l("Only if the postcode's centre is far from the home."),
    )
    lon = FloatField(_l("Longitude (optional)"), validators=[Optional(), NumberRange(7.9, 15.3)])
    phone = StringField(_l("Phone"), validators=[Optional(), Phone()])
    languages = SelectMultipleField(_l("Languages"), choices=[], validators=[Optional()])
    interests = StringField(
        _l("Interests"),
        validators=[Optional(), Length(max=300)],
        description=_l("Separate with commas, e.g. music, cooking, football."),
    )
    arrival_date = DateField(_l("Arrival date"), validators=[DataRequired(), NotInFuture()])
    consent_given_by = StringField(_l("Consent given by"), validators=[Optional(), Length(max=120)])
    consent_date = DateField(_l("Consent date"), validators=[Optional(), NotInFuture()])
    coordinator_id = SelectField(_l("Coordinator"), coerce=optional_int, choices=[])
    backup_coordinator_id = SelectField(_l("Backup coordinator"), coerce=optional_int, choices=[])
    wants_contact_family = BooleanField(_l("Wants a contact family"), default=True)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()
    token = HiddenField(validators=[Length(max=64)])  # the create_token column

    def set_choices(self, languages: list, coordinators: list, locale: str) -> None:
        """Fill the language and coordinator choices."""
        self.languages.choices = [(lang.code, lang.name(locale)) for lang in languages]
        people = [("", "–")] + [(str(u.id), u.name or u.email) for u in coordinators]
        self.coordinator_id.choices = people
        self.backup_coordinator_id.choices = people

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then the rules that span two fields."""
        ok = super().validate(extra_validators)
        if (self.lat.data is None) != (self.lon.data is None):
            self.lon.errors.append(_l("Give both latitude and longitude, or neither."))
            ok = False
        if bool(self.consent_given_by.data) != bool(self.consent_date.data):
            self.consent_date.errors.append(_l("Give both who consented and the date, or neither."))
            ok = False
        backup = self.backup_coordinator_id.data
        if backup is not None and backup == self.coordinator_id.data:
            self.backup_coordinator_id.errors.append(
                _l("The backup coordinator must be someone else than the coordinator.")
            )
            ok = False
        return ok

    def to_data(self) -> dict:
        """Return the plain data the families service takes."""
        data = {name: getattr(self, name).data for name in (*_PLAIN_FIELDS, "lat", "lon")}
        data["interests"] = split_words(self.interests.data)
        data["address"] = data["address"] or ""
        data["notes"] = data["notes"] or ""
        data["phone"] = data["phone"] or None
        data["consent_given_by"] = data["consent_given_by"] or None
        return data

    @classmethod
    def for_record(cls, family: Family) -> "FamilyForm":
        """Build the form filled with a family's current values and version."""
        data = {name: getattr(family, name) for name in (*_PLAIN_FIELDS, "version")}
        data["interests"] = ", ".join(labels(family.interests, current_language()))
        if family.location_override:
            data["lat"], data["lon"] = family.lat, family.lon
        return cls(data=data)


class ChildForm(MatcherForm):
    """A child, edited inline on the family's page (each child's form has its own prefix)."""

    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=80)])
    birth_date = DateField(_l("Birth date"), validators=[DataRequired(), ChildBirthDate()])
    gender = SelectField(
        _l("Gender"), choices=list(GENDER_LABELS.items()), validators=[InputRequired()]
    )
    wish1 = SelectField(_l("First wish"), choices=[])
    wish2 = SelectField(_l("Second wish"), choices=[])
    wish3 = SelectField(_l("Third wish"), choices=[])
    available_days = MultiCheckboxField(
        _l("Available weekdays"), choices=list(WEEKDAY_LABELS.items()), validators=[Optional()]
    )
    max_distance_km = DecimalNumberField(
        _l("Travels up to (km)"), default=5, validators=[InputRequired(), NumberRange(0, 100)]
    )
    version = HiddenField()
    token = HiddenField(validators=[Length(max=64)])  # the create_token column

    def set_choices(self, categories: list, locale: str) -> None:
        """Fill the wish choices with the activity categories."""
        choices = [("", "–")] + [(c.code, c.name(locale)) for c in categories]
        for slot in self.wishes_fields():
            slot.choices = choices

    def wishes_fields(self) -> list:
        """Return the ranked wish selects, first wish first."""
        return [self[f"wish{i}"] for i in range(1, WISH_SLOTS + 1)]

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then that no category is wished twice."""
        ok = super().validate(extra_validators)
        seen: set[str] = set()
        for slot in self.wishes_fields():
            if slot.data and slot.data in seen:
                slot.errors.append(_l("This activity is already wished above."))
                ok = False
            seen.add(slot.data)
        return ok

    def to_data(self) -> dict:
        """Return the plain data the families service takes (wishes ranked, gaps closed)."""
        return {
            "first_name": self.first_name.data,
            "birth_date": self.birth_date.data,
            "gender": self.gender.data,
            "wishes": [s.data for s in self.wishes_fields() if s.data],
            "available_days": list(self.available_days.data or []),
            "max_distance_km": float(self.max_distance_km.data),
        }

    @classmethod
    def for_record(cls, child: Child, prefix: str) -> "ChildForm":
        """Build the form filled with a child's current values and version."""
        data = {
            name: getattr(child, name)
            for name in (
                "first_name",
                "birth_date",
                "gender",
                "available_days",
                "max_distance_km",
                "version",
            )
        }
        for i, wish in enumerate((child.wishes or [])[:WISH_SLOTS], start=1):
            data[f"wish{i}"] = wish
        return cls(data=data, prefix=prefix)


class DeleteForm(MatcherForm):
    """A confirmed delete carries the version the person saw."""

    version = HiddenField(validators=[InputRequired()])


class ImportForm(MatcherForm):
    """A CSV file of families with children."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))],
    )


def filters_from_args(args: MultiDict) -> FamilyFilters:
    """Read the list's filters from the query string, ignoring values that do not parse."""

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(args.get(name, ""))
        except ValueError:
            return None

    coordinator = args.get("coordinator", "")
    return FamilyFilters(
        q=args.get("q", "").strip()[:100],
        waiting=args.get("waiting") == "1",
        without_activity=args.get("without_activity") == "1",
        arrived_from=day("arrived_from"),
        arrived_to=day("arrived_to"),
        # ASCII digits of an id that can exist ("²".isdigit() is true, int("²") fails)
        coordinator_id=int(coordinator)
        if coordinator.isascii() and coordinator.isdigit() and int(coordinator) <= MAX_ID
        else None,
    )
