"""Plain error pages in the user's language, with a request id and never a traceback; a refused
access to a record (403/404) is written to the audit log as a `denied` event."""

import logging
import re
import uuid

from flask import Flask, g, render_template, request
from flask_security import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from matcher.web import cpr, log_format

log = logging.getLogger("matcher")
SAFE_ID = re.compile(r"[A-Za-z0-9_.-]{1,40}")


def request_id() -> str:
    """Return this request's id: a well-formed X-Request-Id from the proxy, or a new one."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if SAFE_ID.fullmatch(given) else uuid.uuid4().hex[:12]
    return g.request_id


def _record_denied(code: int) -> None:
    """Audit a refused request of a logged-in user (ids only: no form data, no tokens)."""
    from matcher.extensions import db
    from matcher.services import audit

    if request.endpoint is None or not current_user.is_authenticated:
        return
    ids = {k: v for k, v in (request.view_args or {}).items() if isinstance(v, int)}
    first = next(iter(ids), None)
    try:
        db.session.rollback()  # a refused request changes nothing
        audit.record(
            "denied",
            object_type=first.removesuffix("_id") if first else None,
            object_id=ids.get(first) if first else None,
            endpoint=request.endpoint,
            method=request.method,
            status=code,
            args=ids,
        )
        db.session.commit()
    except Exception:  # the refusal must still be answered if the audit write fails
        db.session.rollback()
        log.exception("could not record a denied event, request id %s", request_id())


def init_app(app: Flask) -> None:
    """Install the error handlers, the request id and the safe log formatter."""
    log_format.install()
    cpr.install()

    @app.before_request
    def assign_request_id():
        request_id()

    @app.after_request
    def send_request_id(response):
        response.headers["X-Request-Id"] = request_id()
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code in (403, 404):
            _record_denied(exc.code)
        return render_template("errors/error.html", code=exc.code, rid=request_id()), exc.code

    @app.errorhandler(cpr.CprRefused)
    def cpr_refused(exc: cpr.CprRefused):
        from matcher.extensions import db

        db.session.rollback()
        log.warning("refused to store a CPR number in %s, request id %s", exc, request_id())
        return render_template("errors/error.html", code=422, rid=request_id()), 422

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
