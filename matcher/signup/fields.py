"""Form fields and validators shared by the contact-family and club forms."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.services import geocode

_PHONE = re.compile(r"^(\+|00)?\d{8,15}$")
_LIST_SPLIT = re.compile(r"[,;\n]+")


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (easier than a multi-select on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DanishPostcode:
    """Four digits and a known Danish postcode."""

    def __call__(self, form, field) -> None:
        value = (field.data or "").strip()
        field.data = value
        if not re.fullmatch(r"\d{4}", value):
            raise ValidationError(_l("A Danish postcode has four digits."))
        if geocode.lookup(value) is None:
            raise ValidationError(_l("This is not a known Danish postcode."))


class Phone:
    """A phone number: 8 to 15 digits, spaces and dashes allowed, optionally +country."""

    def __call__(self, form, field) -> None:
        value = (field.data or "").strip()
        field.data = value
        if value and not _PHONE.match(re.sub(r"[\s\-()]", "", value)):
            raise ValidationError(_l("Write a phone number with 8 digits, e.g. 20 30 40 50."))


class NotInFuture:
    """A date that is today or earlier."""

    def __call__(self, form, field) -> None:
        if field.data is not None and field.data > date.today():
            raise ValidationError(_l("The date cannot be in the future."))


def split_list(text: str | None) -> list[str]:
    """Split a comma, semicolon or line separated text into trimmed, lower-case words."""
    seen: list[str] = []
    for part in _LIST_SPLIT.split(text or ""):
        word = part.strip().lower()
        if word and word not in seen:
            seen.append(word)
    return seen
