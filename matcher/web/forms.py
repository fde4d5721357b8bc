"""The project's form base and WTForms' own messages in the site's language.

`MatcherForm` is the base of every form of the site. Its `validate()` refuses a CPR number in
every free-text field (text, text area, e-mail, phone, search), also inside field lists and
sub-forms, with the message next to the field: the database guard (matcher/web/cpr.py) stays
the safety net, but a person should never lose what they typed to an error page.

`init_app()` makes WTForms' built-in messages ("This field is required.", "Not a valid integer
value.", ...) come from our own Flask-Babel catalogue, for every Flask-WTF form (ours, and the
log-in forms of Flask-Security): WTForms ships no Danish catalogue. The message ids are listed
in matcher/web/wtforms_messages.py so that `make extract-messages` keeps them.
"""

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FloatField, FormField, StringField
from wtforms.fields import ButtonField, HiddenField, PasswordField
from wtforms.meta import DefaultMeta

from matcher.web import i18n
from matcher.web.validators import check_no_cpr, check_plain_text


class BabelTranslations:
    """WTForms' translations object, answered from the current locale's Flask-Babel catalogue.

    No `%` formatting here: WTForms fills in %(min)d, %(max)d ... itself after translating."""

    def gettext(self, string: str) -> str:
        return i18n.translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return i18n.translations().ungettext(singular, plural, n)


translations = BabelTranslations()


def _get_translations(meta, form):
    """Flask-WTF's `Meta.get_translations`, answered from our catalogue (WTF_I18N_ENABLED=False
    keeps WTForms' own behaviour, as in Flask-WTF)."""
    if not current_app.config.get("WTF_I18N_ENABLED", True):
        return DefaultMeta.get_translations(meta, form)
    return translations


def init_app(app) -> None:
    """Serve WTForms' messages from our catalogue for every Flask-WTF form (idempotent)."""
    FlaskForm.Meta.get_translations = _get_translations


def is_free_text(field: Field) -> bool:
    """Return whether a person types free text into the field (not a password, hidden value,
    button, choice, number or date)."""
    return isinstance(field, StringField) and not isinstance(
        field, PasswordField | HiddenField | ButtonField
    )


def free_text_fields(fields) -> list[Field]:
    """Return the free-text fields among `fields`, looking inside field lists and sub-forms."""
    return [field for field in _leaf_fields(fields) if is_free_text(field)]


def _leaf_fields(fields):
    for field in fields:
        if isinstance(field, FieldList):
            yield from _leaf_fields(field.entries)
        elif isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        else:
            yield field


class MatcherForm(FlaskForm):
    """The base of the site's forms: no free-text field takes a CPR number, and a value that
    could not be read ("abc" for a number) says only that (not also "must be between 1 and 5"),
    an empty one only that it is required."""

    def validate(self, extra_validators=None) -> bool:
        """Check that no field holds a control character (NUL cannot even be stored: the
        other checks, some of which query the database, do not run then), then the fields,
        then that no free text holds a CPR number."""
        if not self._plain_text():
            return False
        ok = super().validate(extra_validators)
        for field in _leaf_fields(self):
            if field.process_errors and field.errors:
                if any(str(v).strip() for v in field.raw_data or ()):
                    field.errors = list(field.process_errors)
                else:  # nothing typed: "This field is required." says it
                    rest = [e for e in field.errors if e not in field.process_errors]
                    field.errors = rest or list(field.errors)
        for field in free_text_fields(self):
            message = check_no_cpr(field.data if isinstance(field.data, str) else None)
            if message and message not in field.errors:
                if not isinstance(field.errors, list):  # a field never validated has a tuple
                    field.errors = list(field.errors)
                field.errors.append(message)
                ok = False
        return ok

    def _plain_text(self) -> bool:
        """Put an error on each field whose typed value holds a control character."""
        ok = True
        for field in _leaf_fields(self):
            typed = [v for v in field.raw_data or () if isinstance(v, str)]
            message = next((m for m in map(check_plain_text, typed) if m), None)
            if message:
                field.errors = [message]
                ok = False
        return ok


class DecimalNumberField(FloatField):
    """A decimal number that also takes a Danish decimal comma ("12,5"), shown without a
    needless ".0" (10 rather than 10.0)."""

    def process_formdata(self, valuelist) -> None:
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")] + list(valuelist[1:])
        super().process_formdata(valuelist)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        text = repr(float(self.data))
        return text.removesuffix(".0")


__all__ = [
    "BabelTranslations",
    "DecimalNumberField",
    "MatcherForm",
    "free_text_fields",
    "init_app",
    "is_free_text",
    "translations",
]
