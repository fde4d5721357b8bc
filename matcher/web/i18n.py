"""Danish first, English on a switch."""

from babel.support import NullTranslations
from flask import Flask, g, has_request_context, session
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

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


def translations() -> NullTranslations:
    """Return the current locale's catalogue, remembered for as long as the locale stays.

    Flask-Babel finds the domain, the locale and its cache entry again on every string (about
    20 µs each, and a page has 40-140 strings). The catalogue is kept next to Flask-Babel's
    own locale object, so `refresh()` and `force_locale()` (which replace it) still take effect.
    """
    ctx = g.get("_flask_babel") if g else None
    if ctx is not None:
        remembered = getattr(ctx, "matcher_translations", None)
        if remembered is not None and remembered[0] is getattr(ctx, "babel_locale", None):
            return remembered[1]
    catalogue = get_translations()
    ctx = g.get("_flask_babel") if g else None
    if ctx is not None and getattr(ctx, "babel_locale", None) is not None:
        ctx.matcher_translations = (ctx.babel_locale, catalogue)
    return catalogue


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, **variables) -> str:
    """Translate a template's string as Jinja's "newstyle" gettext does, with one call less.

    Like Jinja's own: in an HTML template the translation is markup and the variables are
    escaped into it; `%` formatting always applies (so `%%` is a percent sign)."""
    rv = translations().ugettext(string)
    if not variables and "%" not in rv:  # formatting would change nothing
        return Markup(rv) if eval_ctx.autoescape else rv
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@pass_eval_context
def template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables
) -> str:
    """Translate a template's singular/plural string (`num` is available as %(num)s)."""
    variables.setdefault("num", num)
    rv = translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


def init_app(app: Flask) -> None:
    """Make the current language available to every template, and templates' strings fast."""
    env = app.jinja_env
    env.add_extension("jinja2.ext.do")
    env.globals["current_language"] = current_language
    # Replaces Flask-Babel's callables (and Jinja's `_` alias, which looked `gettext` up again
    # on every call): a page has 40-140 strings.
    env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
