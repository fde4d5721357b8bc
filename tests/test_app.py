"""The application factory and its configuration."""

from pathlib import Path

import pytest

from matcher import create_app
from matcher.config import UnsafeConfiguration, normalise_database_url


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/matcher.sqlite"


def test_in_a_checkout_the_default_instance_folder_is_instance():
    """What Flask picks when MATCHER_INSTANCE_PATH is not set (the README's `instance/`)."""
    from flask import Flask

    import matcher.app

    expected = Path(__file__).resolve().parent.parent / "instance"
    assert Flask(matcher.app.__name__).instance_path == str(expected)


def test_secret_key_is_generated_once_and_kept(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"TESTING": True}).config["SECRET_KEY"]
    second = create_app({"TESTING": True}).config["SECRET_KEY"]
    assert first == second and len(first) >= 32


def test_instance_folder_can_be_moved(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("MATCHER_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    app = create_app({"TESTING": True})
    assert app.instance_path == str(tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere" / "secret_key").read_text() == app.config["SECRET_KEY"]


def test_secret_key_from_environment_wins(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    assert create_app({"TESTING": True}).config["SECRET_KEY"] == "x" * 40


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("MATCHER_ENV", "production")
    with pytest.raises(UnsafeConfiguration):
        create_app()


def test_production_refuses_debug(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("MATCHER_ENV", "production")
    with pytest.raises(UnsafeConfiguration):
        create_app({"DEBUG": True})


def test_production_sets_secure_session_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("MATCHER_ENV", "production")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
