"""Template filters that show stored codes and dates in the reader's language.

{{ cf.languages|language_names|join(', ') }}     Danish or English names, not "da, ar"
{{ cf.interests|interest_names|join(', ') }}     "fodbold, madlavning", not "football, cooking"
{{ "2014-06-01"|iso_date|dateformat('medium') }}  a date stored as text, in the locale's format
"""

from datetime import date

from flask import Flask
from sqlalchemy import select

from matcher.extensions import db
from matcher.web.i18n import current_language


def language_names(codes) -> list[str]:
    """Return the names of the languages (ISO codes) in the current language, in the given
    order; a code the reference table does not know is shown as it is."""
    codes = [c for c in (codes or []) if c]
    if not codes:
        return []
    from matcher.models import Language

    lang = current_language()
    names = {
        x.code: x.name(lang)
        for x in db.session.scalars(select(Language).where(Language.code.in_(codes)))
    }
    return [names.get(c, c) for c in codes]


def interest_names(codes) -> list[str]:
    """Return the interests (stored as codes) as words in the current language."""
    from matcher.services.interests import labels

    return labels(codes, current_language())


def iso_date(value):
    """Return an ISO date text ("2014-06-01") as a date; a date, None or other text as it is."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def init_app(app: Flask) -> None:
    """Make the filters available to every template."""
    app.add_template_filter(language_names)
    app.add_template_filter(interest_names)
    app.add_template_filter(iso_date)
