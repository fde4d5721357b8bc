"""Bounds on the numbers a URL may carry: ids in paths and page numbers in query strings.

Werkzeug's `int` converter takes any size; a 20-digit id reached the database and failed
there (SQLite: "Python int too large to convert to SQLite INTEGER"; PostgreSQL: out of range
for integer) with a 500. Ids above the largest 32-bit integer cannot exist, so they are 404s.
Likewise a NUL character (`%00`), which PostgreSQL refuses in any text: no path holds one (404)
and no query string may carry one (400), so no search or code with it reaches the database.
"""

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest value of an INTEGER primary key on PostgreSQL
MAX_PAGE = 1_000_000


class BoundedIntegerConverter(IntegerConverter):
    """The `int` converter, refusing (404) numbers no record can have."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def page_arg(name: str = "page") -> int:
    """Return the page number asked for in the query string, between 1 and MAX_PAGE."""
    page = request.args.get(name, 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def _refuse_nul() -> None:
    if "\x00" in request.path:
        abort(404)
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400)


def init_app(app: Flask) -> None:
    """Use the bounded converter for every `<int:...>` rule (before any rule is added), and
    refuse URLs carrying a NUL."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(_refuse_nul)
