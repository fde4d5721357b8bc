"""Configuration from environment variables, with safe defaults for a single machine."""

import os
import secrets
import time
from datetime import timedelta
from pathlib import Path


def _instance_secret(instance_path: Path, name: str) -> str:
    """Return a random secret kept in the instance folder, creating it on first use.

    The file is created exclusively and readable by the owner only from its first byte, so
    processes starting together (several workers on a first start) all end up with the one
    value on disk; a process that loses the race reads the winner's.
    """
    path = instance_path / name
    private_folder(instance_path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the winner may not have written it yet
            value = path.read_text().strip()
            if value:
                return value
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: delete it to have a new secret generated") from None
    value = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def private_folder(path: Path) -> Path:
    """Create the instance folder readable by its owner only (0700): it holds the SQLite
    database, the generated secrets and the development outbox, all personal or secret."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if path.stat().st_uid == os.getuid():
            path.chmod(0o700)
    except OSError:  # a folder we may use but not change: leave it to its owner
        pass
    return path


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common `postgres://` forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(instance_path: Path) -> dict:
    """Read the settings a deployment may give through the environment."""
    env = os.environ
    private_folder(instance_path)
    default_db = f"sqlite:///{instance_path / 'matcher.sqlite'}"
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _instance_secret(instance_path, "secret_key"),
        "SECURITY_PASSWORD_SALT": env.get("SECURITY_PASSWORD_SALT")
        or _instance_secret(instance_path, "password_salt"),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(env.get("DATABASE_URL", default_db)),
        "REDIS_URL": env.get("REDIS_URL", ""),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_FROM": env.get("MAIL_FROM", "matcher@localhost"),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_OUTBOX_DIR": env.get("MAIL_OUTBOX_DIR", str(instance_path / "outbox")),
        "MATCHER_ENV": env.get("MATCHER_ENV", "development"),
        "SESSION_COOKIE_SECURE": env.get("MATCHER_ENV") == "production",
        "REMEMBER_COOKIE_SECURE": env.get("MATCHER_ENV") == "production",
        # Two-factor secrets are stored encrypted with this key (rotate by adding a new number).
        "SECURITY_TOTP_SECRETS": {
            "1": env.get("TOTP_SECRET") or _instance_secret(instance_path, "totp_secret")
        },
        "SECURITY_EMAIL_SENDER": env.get("MAIL_FROM", "matcher@localhost"),
        "MATCHER_IDLE_MINUTES": int(env.get("MATCHER_IDLE_MINUTES", "30")),
        "RETENTION_MONTHS_AFTER_INTEGRATION": int(
            env.get("RETENTION_MONTHS_AFTER_INTEGRATION", "12")
        ),
        "MATCHER_LOGIN_ACCOUNT_LIMIT": env.get("MATCHER_LOGIN_ACCOUNT_LIMIT", "10 per 15 minutes"),
        "MATCHER_LOGIN_ADDRESS_LIMIT": env.get("MATCHER_LOGIN_ADDRESS_LIMIT", "50 per 15 minutes"),
    }


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "da",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
    "LANGUAGES": ["da", "en"],
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    # Flask-Security: log-in by e-mail, argon2 hashes, no self-registration (staff invite users).
    "SECURITY_PASSWORD_HASH": "argon2",
    "SECURITY_REGISTERABLE": False,
    "SECURITY_TRACKABLE": True,
    "SECURITY_CHANGEABLE": True,
    "SECURITY_SEND_PASSWORD_CHANGE_EMAIL": False,
    "SECURITY_USERNAME_ENABLE": False,
    "SECURITY_POST_LOGIN_VIEW": "/start",
    "SECURITY_POST_LOGOUT_VIEW": "/login",
    "SECURITY_LOGIN_URL": "/login",
    "SECURITY_LOGOUT_URL": "/logout",
    "SECURITY_PASSWORD_LENGTH_MIN": 10,
    "SECURITY_PASSWORD_COMPLEXITY_CHECKER": None,
    "SECURITY_PASSWORD_CHECK_BREACHED": False,
    "SECURITY_RETURN_GENERIC_RESPONSES": True,
    "SECURITY_MSG_INVALID_PASSWORD": ("Invalid e-mail or password.", "error"),
    "SECURITY_MSG_USER_DOES_NOT_EXIST": ("Invalid e-mail or password.", "error"),
    "SECURITY_MSG_GENERIC_AUTHN_FAILED": ("Invalid e-mail or password.", "error"),
    "SECURITY_MSG_LOGIN": ("Please log in to see this page.", "info"),
    "SECURITY_UNAUTHORIZED_VIEW": None,
    "SECURITY_EMAIL_VALIDATOR_ARGS": {"check_deliverability": False},
    # Log-in hardening (docs/security.md): no long-lived remember-me cookie, fresh log-in for
    # password and two-factor changes, reset links by e-mail valid for two hours.
    "SECURITY_DEFAULT_REMEMBER_ME": False,
    "REMEMBER_COOKIE_DURATION": 8 * 3600,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "SECURITY_FRESHNESS": timedelta(minutes=15),
    "SECURITY_FRESHNESS_GRACE_PERIOD": timedelta(minutes=1),
    "SECURITY_RECOVERABLE": True,
    "SECURITY_RESET_PASSWORD_WITHIN": timedelta(hours=2),
    "SECURITY_RESET_URL": "/reset",
    "SECURITY_SEND_PASSWORD_RESET_NOTICE_EMAIL": True,
    "SECURITY_TWO_FACTOR": True,
    "SECURITY_TWO_FACTOR_REQUIRED": False,
    "SECURITY_TWO_FACTOR_ENABLED_METHODS": ["authenticator"],
    "SECURITY_TWO_FACTOR_ALWAYS_VALIDATE": True,
    "SECURITY_TOTP_ISSUER": "matcher",
    "SECURITY_CSRF_IGNORE_UNAUTH_ENDPOINTS": False,
}


class UnsafeConfiguration(RuntimeError):
    """Raised when a production configuration would be unsafe to start."""


def refuse_unsafe_production(cfg: dict) -> None:
    """Refuse to start in production with a missing or weak secret key, or with debug on."""
    if cfg.get("MATCHER_ENV") != "production":
        return
    if not os.environ.get("SECRET_KEY") or len(cfg.get("SECRET_KEY", "")) < 32:
        raise UnsafeConfiguration("production needs SECRET_KEY of at least 32 characters")
    if cfg.get("DEBUG"):
        raise UnsafeConfiguration("production must not run with debug on")
    cfg["SESSION_COOKIE_SECURE"] = True
