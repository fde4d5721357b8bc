"""Reusable checks for forms and imports: Danish postcodes, phone numbers, children's birth dates,
age ranges, places, activity times, and no CPR numbers in free text.

Each rule is written once as a plain function `check_*(value, ...) -> message | None` (used by
the CSV imports, which have no form) and wrapped as a WTForms validator class for the forms:

    postcode = StringField(_l("Postcode"), validators=[DataRequired(), DanishPostcode()])
    birth_date = DateField(_l("Birth date"), validators=[DataRequired(), ChildBirthDate()])
    max_age = IntegerField(_l("Max age"), validators=[AgeRange("min_age")])
    text = TextAreaField(_l("Notes"), validators=[NoCPR()])
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import validators as wtforms_validators
from wtforms.validators import ValidationError

from matcher.services import geocode

ADULT_AGE = 18
_PHONE = re.compile(r"^(\+|00)?\d{8,15}$")
# A CPR number: ddmmyy-xxxx (dash or space optional) or ten digits in a row.
_TIME_RANGE = re.compile(r"(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})")
_CPR = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\s]?\d{4}(?!\d)")


# C0 control characters but tab, newline and carriage return: PostgreSQL refuses NUL in text,
# and none of them is anything a person means to type (a paste can carry them)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EARLIEST = date(1900, 1, 1)  # no date the site keeps (arrival, consent, certificate) is older


def check_plain_text(value: str | None):
    """Return why a text holds a control character (NUL and the like), or None."""
    if value and _CONTROL.search(value):
        return _l(
            "The text holds an invisible control character that cannot be saved. "
            "Remove it (retype the text), and save again."
        )
    return None


def check_postcode(value: str | None):
    """Return why a value is not a known Danish postcode, or None when it is."""
    value = (value or "").strip()
    if not re.fullmatch(r"\d{4}", value):
        return _l("%(value)s is not a Danish postcode (four digits).", value=value or "''")
    if geocode.lookup(value) is None:
        return _l("%(value)s is not a known Danish postcode.", value=value)
    return None


def check_phone(value: str | None):
    """Return why a value is not a phone number (8-15 digits, optional +country), or None."""
    value = (value or "").strip()
    if value and not _PHONE.match(re.sub(r"[\s\-()./]", "", value)):
        return _l("Write a phone number with 8 digits, e.g. 20 30 40 50.")
    return None


def check_not_future(day: date | None, today: date | None = None):
    """Return why a date is in the future (or before 1900, a typing error), or None."""
    if day is not None and day > (today or date.today()):
        return _l("The date cannot be in the future.")
    if day is not None and day < EARLIEST:
        return _l("The date cannot be before 1900.")
    return None


def check_child_birth_date(day: date | None, today: date | None = None):
    """Return why a birth date is not a child's (in the future, or 18 or older), or None."""
    today = today or date.today()
    if day is None:
        return None
    if day > today:
        return _l("The birth date cannot be in the future.")
    age = today.year - day.year - ((today.month, today.day) < (day.month, day.day))
    if age >= ADULT_AGE:
        return _l("A child must be under 18.")
    return None


def check_age_range(min_age: int | None, max_age: int | None):
    """Return why an age range is the wrong way round, or None."""
    if min_age is not None and max_age is not None and min_age > max_age:
        return _l("The lowest age must not be above the highest age.")
    return None


def check_non_negative(number: float | None):
    """Return why a number is negative, or None."""
    if number is not None and number < 0:
        return _l("The number cannot be negative.")
    return None


def check_time_range(value: str | None):
    """Return why a text is not a time span "HH:MM-HH:MM" of real times, the start before the
    end, or None (also for an empty text)."""
    value = (value or "").strip()
    if not value:
        return None
    match = _TIME_RANGE.fullmatch(value)
    if match is None:
        return _l("Write the time as from-to, e.g. 16:30-18:00.")
    hour1, minute1, hour2, minute2 = (int(x) for x in match.groups())
    for hour, minute in ((hour1, minute1), (hour2, minute2)):
        if hour > 23 or minute > 59:
            return _l(
                "%(time)s is not a time of day (00:00 to 23:59).",
                time=f"{hour:02d}:{minute:02d}",
            )
    if (hour1, minute1) >= (hour2, minute2):
        return _l("The start time must be before the end time.")
    return None


def normalise_time_range(value: str | None) -> str:
    """Return a valid time span written as "HH:MM-HH:MM" ("9.30 – 11:00" gives "09:30-11:00");
    an invalid or empty text is returned as typed (trimmed)."""
    value = (value or "").strip()
    match = _TIME_RANGE.fullmatch(value)
    if match is None or check_time_range(value):
        return value
    h1, m1, h2, m2 = (int(x) for x in match.groups())
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def contains_cpr(text: str | None) -> bool:
    """Return whether a text seems to hold a Danish CPR number."""
    return bool(_CPR.search(text or ""))


def check_no_cpr(text: str | None):
    """Return why a free text must not be stored (it holds a CPR number), or None."""
    if contains_cpr(text):
        return _l("Do not write CPR numbers here. Remove the number and save again.")
    return None


class _Check:
    """Base of the WTForms wrappers: raise the check's message as a ValidationError."""

    def raise_if(self, message) -> None:
        if message:
            raise ValidationError(message)


class DanishPostcode(_Check):
    """Four digits and a known Danish postcode (the typed value is trimmed)."""

    def __call__(self, form, field) -> None:
        field.data = (field.data or "").strip()
        self.raise_if(check_postcode(field.data))


class Phone(_Check):
    """A phone number, empty allowed (combine with DataRequired to require it)."""

    def __call__(self, form, field) -> None:
        field.data = (field.data or "").strip()
        self.raise_if(check_phone(field.data))


class NotInFuture(_Check):
    """A date that is today or earlier (and not before 1900)."""

    def __call__(self, form, field) -> None:
        self.raise_if(check_not_future(field.data))


class ChildBirthDate(_Check):
    """A birth date of a child: not in the future and under 18 today."""

    def __call__(self, form, field) -> None:
        self.raise_if(check_child_birth_date(field.data))


class AgeRange(_Check):
    """Put on the highest-age field: the lowest-age field (named) must not be above it."""

    def __init__(self, min_field: str):
        self.min_field = min_field

    def __call__(self, form, field) -> None:
        self.raise_if(check_age_range(form[self.min_field].data, field.data))


class NonNegative(_Check):
    """A number of zero or more (places, fees, distances)."""

    def __call__(self, form, field) -> None:
        self.raise_if(check_non_negative(field.data))


class NoCPR(_Check):
    """Free text without a CPR number in it."""

    def __call__(self, form, field) -> None:
        self.raise_if(check_no_cpr(field.data))


class TimeRange(_Check):
    """An optional time span "HH:MM-HH:MM" (e.g. 16:30-18:00): real times, the start before the
    end; a valid one is stored as HH:MM-HH:MM ("9.30 - 11:00" becomes "09:30-11:00")."""

    def __call__(self, form, field) -> None:
        self.raise_if(check_time_range(field.data))
        field.data = normalise_time_range(field.data)


class NumberRange(wtforms_validators.NumberRange):
    """WTForms' NumberRange with its bounds written in the reader's locale ("54,4" in Danish,
    where WTForms writes "54.4")."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except (ValidationError, OverflowError) as err:
            # OverflowError: WTForms asks math.isnan of a whole number over 300 digits long
            if self.message is not None and isinstance(err, ValidationError):
                raise
            low, high = self._resolve(self.min), self._resolve(self.max)
            if high is None:
                message = field.gettext("Number must be at least %(min)s.")
            elif low is None:
                message = field.gettext("Number must be at most %(max)s.")
            else:
                message = field.gettext("Number must be between %(min)s and %(max)s.")
            raise ValidationError(message % {"min": _number(low), "max": _number(high)}) from None


def _number(value) -> str:
    from flask_babel import format_decimal

    return "" if value is None else format_decimal(value)
