"""Errors the services raise for the views to turn into clear answers."""

from dataclasses import dataclass


class StaleEdit(Exception):
    """Someone else saved the record after this edit form was loaded (optimistic locking)."""


def check_version(given, current: int) -> None:
    """Raise StaleEdit unless the form's version (a hidden field: any text may come back)
    is the record's current one."""
    text = str(given).strip()
    if not (text.isascii() and text.isdigit() and int(text) == current):
        raise StaleEdit()


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded file: the row as a spreadsheet numbers it, the column, why."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column {self.column}: {self.message}"


class ImportFailed(Exception):
    """An upload was refused as a whole; `errors` lists every problem found, nothing was saved."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s) in the file")
        self.errors = errors
