"""No CPR numbers are stored, enforced in one place: a check before every flush refuses a text
column (or a list of texts) holding a CPR-shaped number. Forms should still use the NoCPR
validator (matcher/web/validators.py) so the person sees the reason next to the field; this is
the safety net for any form or import that forgets it."""

from sqlalchemy import JSON, String, Text, event
from sqlalchemy.orm import Session

from matcher.web.validators import contains_cpr

# Columns that hold secrets or machine values, never text a person typed about someone.
SKIP = {
    ("user", "password"),
    ("user", "fs_uniquifier"),
    ("user", "tf_totp_secret"),
    ("audit_event", "user_email"),
}
SKIP_TABLES = {"outbox_message"}
# Random machine identifiers (request ids, one-time form tokens) are hex strings that now and then
# happen to be ten digits shaped like a CPR number; they are never typed by a person.
MACHINE_COLUMNS = {"request_id", "fs_uniquifier"}


def _is_machine_value(table: str, column: str) -> bool:
    """Return whether a column holds a secret or a generated identifier, not typed text."""
    return (table, column) in SKIP or column in MACHINE_COLUMNS or column.endswith("_token")


class CprRefused(ValueError):
    """Raised when a change would store a CPR number."""


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):  # lists of languages, interests, wishes
        yield from (v for v in value if isinstance(v, str))


def _check(session: Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        table = getattr(obj, "__table__", None)
        if table is None or table.name in SKIP_TABLES:
            continue
        for column in table.columns:
            if _is_machine_value(table.name, column.name):
                continue
            if not isinstance(column.type, String | Text | JSON):
                continue
            for text in _texts(getattr(obj, column.key, None)):
                if contains_cpr(text):
                    raise CprRefused(f"{table.name}.{column.name}")


_installed = False


def install() -> None:
    """Check every flush of every session (once per process)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _check)
        _installed = True
