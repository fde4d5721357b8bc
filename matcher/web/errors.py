"""Plain error pages in the user's language, with a request id and never a traceback."""

import logging
import uuid

from flask import Flask, g, render_template, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("matcher")


def request_id() -> str:
    """Return this request's id, made on first use."""
    if "request_id" not in g:
        g.request_id = request.headers.get("X-Request-Id", "")[:40] or uuid.uuid4().hex[:12]
    return g.request_id


def init_app(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return render_template("errors/error.html", code=exc.code, rid=request_id()), exc.code

    @app.errorhandler(StaleDataError)
    def stale(exc: StaleDataError):
        from matcher.extensions import db

        db.session.rollback()
        return render_template("errors/error.html", code=409, rid=request_id()), 409

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        from matcher.extensions import db

        db.session.rollback()
        log.exception("unhandled error, request id %s", request_id())
        return render_template("errors/error.html", code=500, rid=request_id()), 500
