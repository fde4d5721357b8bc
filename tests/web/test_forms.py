"""The project's form base: WTForms' own messages in the site's language, and no CPR number in
any free-text field of any form."""

import importlib
import pkgutil
from contextlib import ExitStack
from pathlib import Path

import flask_babel
import pytest
from babel.messages.pofile import read_po
from flask import session
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    EmailField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange

import matcher
from matcher.web.forms import DecimalNumberField, MatcherForm, free_text_fields

CPR = "Note 010190-1234 end"
DA_CPR = "Skriv ikke CPR-numre her. Fjern nummeret, og gem igen."
CATALOGUES = Path(matcher.__file__).parent / "translations"


class Sample(MatcherForm):
    class Meta:
        csrf = False

    name = StringField(validators=[DataRequired(), Length(max=20)])
    notes = TextAreaField()
    email = EmailField(validators=[Email()])
    phone = TelField()
    secret = PasswordField()
    hidden = HiddenField()
    count = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=5)])
    km = DecimalNumberField(validators=[InputRequired(), NumberRange(min=1, max=100)])
    day = DateField()
    choice = SelectField(choices=[("a", "A")])
    words = FieldList(StringField(), min_entries=1)


@pytest.fixture
def post(app):
    """Return a function that validates a form posted with some data in a request of the given
    language, the request staying open until the test ends."""
    with ExitStack() as stack:

        def post(form_class=Sample, lang: str = "da", **data) -> FlaskForm:
            defaults = {"name": "Jensen", "email": "a@b.dk", "count": "2", "km": "5", "choice": "a"}
            stack.enter_context(
                app.test_request_context(method="POST", data=MultiDict({**defaults, **data}))
            )
            session["lang"] = lang
            flask_babel.refresh()  # the test's app context is shared by the requests
            form = form_class()
            form.validate()
            return form

        yield post
    flask_babel.refresh()


def test_wtforms_messages_are_danish_on_danish_pages(post):
    form = post(name="", email="nope", count="0", km="x", day="2014-13-45", choice="z")
    assert form.name.errors == ["Dette felt skal udfyldes."]
    assert form.email.errors == ["Ugyldig e-mailadresse."]
    assert form.count.errors == ["Tallet skal være mellem 1 og 5."]
    assert form.km.errors == ["Ikke et gyldigt tal."]
    assert form.day.errors == ["Ikke en gyldig dato."]
    assert form.choice.errors == ["Ikke et gyldigt valg."]


def test_wtforms_plural_messages_are_danish_with_their_numbers(post):
    form = post(name="x" * 21, count="abc")
    assert form.name.errors == ["Feltet må højst være 20 tegn langt."]
    # A number that cannot be read says only that, not also the range.
    assert form.count.errors == ["Ikke et gyldigt heltal."]


def test_wtforms_messages_are_english_on_english_pages(post):
    form = post(lang="en", name="", email="nope", count="abc")
    assert form.name.errors == ["This field is required."]
    assert form.email.errors == ["Invalid email address."]
    assert form.count.errors == ["Not a valid integer value."]


def test_forms_the_project_does_not_subclass_are_danish_too(post):
    """The hook is installed on Flask-WTF's FlaskForm, so the rounds' and the dashboard's forms
    (plain FlaskForms) speak Danish without a change of their own."""
    from matcher.dashboard.forms import BudgetForm
    from matcher.rounds.forms import StartRoundForm

    budget = post(BudgetForm, season_budget="-1", version="1")
    assert budget.season_budget.errors == ["Tallet skal være mellem 0 og 1.000.000.000."]
    rounds = post(StartRoundForm, waiting_points="mange")
    assert "Ikke et gyldigt heltal." in rounds.waiting_points.errors


def test_zero_is_input_not_a_missing_value(post):
    form = post(count="0", km="0")
    assert "Dette felt skal udfyldes." not in form.count.errors + form.km.errors
    assert form.km.errors == ["Tallet skal være mellem 1 og 100."]


@pytest.mark.parametrize(("typed", "kept"), [("12.5", 12.5), ("12,5", 12.5), (" 7 ", 7.0)])
def test_decimal_numbers_keep_their_decimals_and_take_a_comma(post, typed, kept):
    form = post(km=typed)
    assert form.km.errors == [] and form.km.data == kept


def test_decimal_numbers_are_shown_without_a_needless_point_zero(post):
    post()
    assert Sample(formdata=None, data={"km": 10.0}).km._value() == "10"
    assert Sample(formdata=None, data={"km": 12.5}).km._value() == "12.5"


@pytest.mark.parametrize("name", ["name", "notes", "email", "phone", "words-0"])
def test_a_cpr_number_in_any_free_text_field_is_refused_next_to_it(post, name):
    form = post(**{name: CPR})
    field = form.words.entries[0] if name == "words-0" else form[name]
    assert DA_CPR in field.errors
    assert field.data == CPR  # what was typed stays in the field
    others = [f for f in free_text_fields(form) if f is not field]
    assert all(DA_CPR not in f.errors for f in others)


def test_passwords_and_hidden_values_are_not_free_text(post):
    form = post(secret="0101901234", hidden="0101901234")
    assert form.validate()


def test_sub_forms_are_checked_too(post):
    class Inner(Form):
        text = StringField()

    class Outer(MatcherForm):
        class Meta:
            csrf = False

        inner = FormField(Inner)
        amount = FloatField()

    form = post(Outer, **{"inner-text": CPR})
    assert form.inner.text.errors == [DA_CPR]


def _wtforms_message_ids() -> set[str]:
    with (Path(messages_path()) / "wtforms.pot").open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def test_every_wtforms_message_has_a_danish_translation():
    with (CATALOGUES / "da" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        danish = {
            (m.id if isinstance(m.id, str) else m.id[0]): m.string for m in read_po(fh) if m.id
        }
    missing = [msgid for msgid in sorted(_wtforms_message_ids()) if not danish.get(msgid)]
    assert missing == []


def _form_classes():
    """Every form class the site defines (matcher/<package>/*forms.py)."""
    classes = []
    root = Path(matcher.__file__).parent
    for info in pkgutil.iter_modules([str(root)]):
        folder = root / info.name
        for path in sorted(folder.glob("*forms.py")) if folder.is_dir() else []:
            module = importlib.import_module(f"matcher.{info.name}.{path.stem}")
            classes += [
                obj
                for obj in vars(module).values()
                if isinstance(obj, type)
                and issubclass(obj, FlaskForm)
                and obj.__module__ == module.__name__
            ]
    return classes


def _has_free_text(cls) -> bool:
    unbound = [getattr(cls, n) for n in dir(cls)]
    kinds = [u.field_class for u in unbound if isinstance(u, UnboundField)]
    return any(
        issubclass(k, FieldList | FormField)
        or (issubclass(k, StringField) and not issubclass(k, PasswordField | HiddenField))
        for k in kinds
    )


@pytest.mark.parametrize(
    "cls",
    [
        pytest.param(cls, id=f"{cls.__module__}.{cls.__name__}")
        for cls in _form_classes()
        if _has_free_text(cls)
    ],
)
def test_every_form_with_free_text_refuses_cpr_numbers(cls):
    assert issubclass(cls, MatcherForm)


def test_range_messages_write_decimals_in_the_readers_locale(app):
    from wtforms import FloatField

    from matcher.web.forms import MatcherForm
    from matcher.web.validators import NumberRange

    class Place(MatcherForm):
        lat = FloatField("lat", validators=[NumberRange(54.4, 57.9)])

    with app.test_request_context(method="POST", data={"lat": "200"}):
        form = Place(meta={"csrf": False})
        assert not form.validate()
        assert form.lat.errors == ["Tallet skal være mellem 54,4 og 57,9."]
