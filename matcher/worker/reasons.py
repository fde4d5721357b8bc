"""Why a round failed, in the reader's language.

A failed round stores its reason as a code with its values (in the round's params, under
"failure") and, for the log and for staff reading the database, the English text in its message.
The page translates the code when it is shown; a round failed before codes existed shows its
stored English message as it is.
"""

from dataclasses import dataclass, field
from typing import Any

from flask import has_request_context
from flask_babel import gettext


def N_(text: str) -> str:
    """Mark a message for the catalogue without translating it (it is translated when shown)."""
    return text


REASONS: dict[str, str] = {
    "time_limit": N_("the round did not finish within its time limit (%(limit)s s)"),
    "solver_died": N_("the solver process stopped unexpectedly (exit code %(exit_code)s)"),
    "invalid_input": N_("the round document is invalid: %(detail)s"),
    "solver_error": N_("the solver stopped with an error: %(detail)s"),
    "not_stored": N_("the result could not be stored: %(detail)s"),
    "no_heartbeat": N_(
        "the worker running this round stopped answering (no heartbeat); nothing was saved, "
        "start the round again"
    ),
    "not_taken": N_(
        "no worker took this round from the queue in time; is the round worker running? "
        "Nothing was saved, start the round again"
    ),
}


@dataclass(frozen=True)
class Failure:
    """A reason code and its values (plain strings and numbers, stored as JSON)."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in REASONS:
            raise ValueError(f"unknown failure reason {self.code!r}")

    @property
    def english(self) -> str:
        """Return the reason in English, for the log and the round's stored message."""
        return REASONS[self.code] % self.values

    def stored(self) -> dict[str, Any]:
        """Return what the round's params keep of it."""
        return {"code": self.code, "values": dict(self.values)}

    def __str__(self) -> str:
        return self.english


def shown(params: dict | None, message: str | None) -> str:
    """Return a failed round's reason in the current language (its stored message for a round
    failed without a known code, e.g. before codes were stored)."""
    stored = (params or {}).get("failure") or {}
    text = REASONS.get(stored.get("code"))
    if text is None or not has_request_context():
        return message or ""
    try:
        return gettext(text, **(stored.get("values") or {}))
    except (KeyError, TypeError, ValueError):  # values that no longer fit the message
        return message or ""
