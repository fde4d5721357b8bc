"""Danish first, English on a switch."""

from flask import Flask, has_request_context, session
from flask_babel import get_locale

# Flask-Security ships its Danish catalogue as da_DK; gettext finds our own `da` under da_DK too.
LOCALES = {"da": "da_DK", "en": "en"}


def select_locale() -> str:
    """Pick the locale chosen with the language switch; Danish by default and outside requests
    (workers, CLI, e-mails)."""
    if not has_request_context():
        return "da_DK"
    return LOCALES.get(session.get("lang", "da"), "da_DK")


def current_language() -> str:
    """Return the two-letter language code of the current locale."""
    return str(get_locale() or "da")[:2]


def init_app(app: Flask) -> None:
    """Make the current language available to every template."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["current_language"] = current_language
