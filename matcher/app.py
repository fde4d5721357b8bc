"""The application factory: one place assembles the app."""

import os
from pathlib import Path

from flask import Flask

from matcher import config
from matcher.extensions import babel, csrf, db, limiter, migrate, security
from matcher.services.paths import shipped_folder


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an instance of the matcher application.

    The instance folder (SQLite database, generated secrets, outbox files) is `instance/` in a
    checkout and Flask's `<prefix>/var/matcher.app-instance` when installed from a wheel;
    `MATCHER_INSTANCE_PATH` (an absolute path) moves it.
    """
    instance_path = os.environ.get("MATCHER_INSTANCE_PATH") or None
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(shipped_folder("templates")),
        static_folder=str(shipped_folder("static")),
    )
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    config.refuse_unsafe_production(app.config)
    # Flask-Security's own Danish catalogue, then ours (ours wins for the messages we set).
    app.config["SECURITY_I18N_DIRNAME"] = ["builtin", str(Path(app.root_path) / "translations")]

    from matcher.web import paging

    paging.init_app(app)  # before any rule is added: ids beyond any record's are 404s
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)

    from matcher.web import access, display, errors, forms, i18n, security_headers

    access.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    forms.init_app(app)  # WTForms' own messages from our catalogue (Danish first)
    display.init_app(app)  # language names and ISO dates in the reader's language
    security_headers.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    """Bind the extensions; the test config is already in place (the engine is built here)."""
    from flask_security import SQLAlchemyUserDatastore

    from matcher import models
    from matcher.web.i18n import select_locale

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(shipped_folder("migrations")),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    datastore = SQLAlchemyUserDatastore(db, models.User, models.Role)
    from matcher.web import login_security
    from matcher.web import security_classes as sc

    # Our password rules, outbox mail and replay-proof two-factor codes (docs/security.md).
    security._password_util_cls = sc.MatcherPasswordUtil
    security._mail_util_cls = sc.OutboxMailUtil
    security._totp_cls = sc.ReplayProofTotp
    security.init_app(app, datastore, login_form=sc.MatcherLoginForm)
    limiter.init_app(app)
    login_security.init_app(app)


# One blueprint per audience, registered by name; each package's `views.bp`.
BLUEPRINTS = (
    "auth",  # start pages, language switch
    "signup",  # the public contact-family sign-up
    "coordinators",  # refugee families and children
    "volunteers",  # contact families
    "clubs",  # the club portal
    "clubadmin",  # staff and coordinators manage clubs
    "staff",  # staff start page
    "rounds",  # matching rounds
    "matches",  # follow-up of accepted matches
    "dashboard",  # figures
    "privacy",  # GDPR export, consent withdrawal, erasure
    "audit",  # the audit log
)


def _register_blueprints(app: Flask) -> None:
    """Register one blueprint per audience."""
    from importlib import import_module

    for name in BLUEPRINTS:
        app.register_blueprint(import_module(f"matcher.{name}.views").bp)


def _register_cli(app: Flask) -> None:
    """Register the `flask` / `matcher` CLI commands."""
    from matcher.commands import register

    register(app)
