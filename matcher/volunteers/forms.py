"""Forms for a coordinator's work on a contact family."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField
from wtforms.validators import DataRequired, InputRequired

from matcher.models import ContactFamily
from matcher.services.interests import labels
from matcher.signup.fields import NotInFuture
from matcher.signup.forms import ContactFamilyFields
from matcher.web.forms import MatcherForm
from matcher.web.i18n import current_language


class ContactFamilyForm(ContactFamilyFields):
    """The contact family's details, with the version the coordinator loaded."""

    version = HiddenField(validators=[InputRequired()])

    @classmethod
    def for_record(cls, cf: ContactFamily) -> "ContactFamilyForm":
        """Build the form filled with the record's current values."""
        births = [date.fromisoformat(d) for d in cf.children_birth_dates or []]
        return cls(
            data={
                "name": cf.name,
                "contact_name": cf.contact_name,
                "email": cf.email,
                "phone": cf.phone,
                "address": cf.address,
                "postcode": cf.postcode,
                "languages": list(cf.languages or []),
                "interests": ", ".join(labels(cf.interests, current_language())),
                "children_birth_dates": births + [None] * max(0, 4 - len(births)),
                "capacity": cf.capacity,
                "max_distance_km": cf.max_distance_km,
                "motivation": cf.motivation,
                "version": cf.version,
            }
        )


class CertificateForm(MatcherForm):
    """The day the child certificate (børneattest) was checked."""

    checked_on = DateField(
        _l("Child certificate checked on"), validators=[DataRequired(), NotInFuture()]
    )
    version = HiddenField(validators=[InputRequired()])


class CsvUploadForm(MatcherForm):
    """A CSV file to import (UTF-8, semicolon or comma separated)."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))],
    )
