"""Errors the services raise for the views to turn into clear answers."""

from dataclasses import dataclass


class StaleEdit(Exception):
    """Someone else saved the record after this edit form was loaded (optimistic locking)."""


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
