"""CSV import and export shared by every upload and download (families, contact families, ...).

Reading (nothing is written here; the caller validates, then saves with `write_all`):

    COLUMNS = [Column("reference", required=True), Column("postcode", aliases=("postnummer",))]
    rows = read_rows(uploaded_bytes, COLUMNS)  # ImportFailed on a bad file or header
    unneutralise_rows(rows)  # undo the export's formula guard, so an export re-imports as it was
    errors = ErrorList.for_rows(rows)  # names columns as the file's header spells them
    for row in rows:  # row.number is the row as a spreadsheet shows it (the header is row 1)
        check_text(row, errors, {"name": 120})  # no CPR number in any cell; length caps
        day = parse_date(row, "arrival_date", errors, required=True)
        ...  # each problem: errors.add(row.number, column_key, message)
    errors.raise_if_any()  # ImportFailed listing every (row, column, message)
    write_all(items, create_one)  # one transaction: all rows or none

- The file is UTF-8, with or without a byte-order mark (Excel adds one); anything else is refused.
- The delimiter is sniffed from the header line: `;` (Danish Excel) or `,`.
- Headers are matched case-insensitively, spaces and dashes read as `_`, aliases allowed;
  unknown or missing required headers are reported against row 1.
- Blank rows are skipped; every cell is a stripped string (empty string when absent).

Writing: `to_csv(headers, rows)` returns bytes with a BOM and `;` so Danish Excel opens it with
æøå intact; every cell that starts with `=`, `+`, `-`, `@` (after any spaces), a tab or a
carriage return gets a leading `'` so a spreadsheet never runs it as a formula (CSV injection).
A cell that already starts with `'` and such a character gets one more, so `unneutralise` (used
by every import) gives back exactly what was exported.
"""

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from matcher.extensions import db
from matcher.services.errors import ImportFailed, RowError
from matcher.web.validators import check_no_cpr, check_plain_text

T = TypeVar("T")
HEADER_ROW = 1
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")
_LIST_SPLIT = re.compile(r"[,;|]+")
TRUE_WORDS = {"1", "true", "yes", "y", "ja", "j", "x"}
FALSE_WORDS = {"0", "false", "no", "n", "nej"}
# Where a home or place in Denmark can be: the family form's latitude and longitude ranges.
DENMARK_LAT = (54.4, 57.9)
DENMARK_LON = (7.9, 15.3)


@dataclass(frozen=True)
class Column:
    """A column a file may have: its canonical header, other accepted spellings, required."""

    key: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Row:
    """One data row: its spreadsheet row number and its cells by canonical column key."""

    number: int
    cells: dict[str, str]

    def get(self, key: str) -> str:
        """Return a cell's stripped text, or an empty string."""
        return self.cells.get(key, "")


class Rows(list):
    """The data rows of a file, with `headers`: each column key's header as the file spells it."""

    headers: dict[str, str]

    def __init__(self, rows: Iterable[Row] = (), headers: dict[str, str] | None = None):
        super().__init__(rows)
        self.headers = dict(headers or {})


@dataclass
class ErrorList:
    """Collects every (row, column, message) of a file before deciding anything.

    `headers` maps a column key to the header the uploaded file used for it (e.g. postcode to
    "Postnummer"), so an error names the column the person sees in their spreadsheet.
    """

    errors: list[RowError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_rows(cls, rows: Sequence[Row]) -> "ErrorList":
        """Return an empty list that names columns as the header of `rows`' file did."""
        return cls(headers=dict(getattr(rows, "headers", {})))

    def add(self, row: int, column: str, message) -> None:
        """Note one problem (the message may be a lazy translation)."""
        self.errors.append(RowError(row, self.headers.get(column, column), message))

    def raise_if_any(self) -> None:
        """Refuse the file, with every problem found, if there was any."""
        if self.errors:
            raise ImportFailed(sorted(self.errors, key=lambda e: e.row))


def _plain(header: str) -> str:
    return header.strip().strip("\ufeff").strip()


def _norm(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", _plain(header).lower())


def decode(data: bytes) -> str:
    """Return the file's text: UTF-8 with or without a BOM; anything else is refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(
            [RowError(HEADER_ROW, "-", _l("The file is not UTF-8. Save it as 'CSV UTF-8'."))]
        ) from None


def sniff_delimiter(text: str) -> str:
    """Return `;` or `,`: whichever the header line holds more of (semicolon on a tie)."""
    first = text.split("\n", 1)[0]
    return "," if first.count(",") > first.count(";") else ";"


def read_rows(data: bytes, columns: Sequence[Column]) -> Rows:
    """Read a CSV file into rows keyed by column; refuse a bad encoding, header or shape.

    The answer is a list of rows whose `headers` map each column key to the file's own header.
    """
    text = decode(data)
    if not text.strip():
        raise ImportFailed([RowError(HEADER_ROW, "-", _l("The file is empty."))])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    errors = ErrorList()
    try:
        header = next(reader)
        keys = _map_header(header, columns, errors)
        rows = Rows(headers={k: _plain(cell) for k, cell in zip(keys, header, strict=True) if k})
        errors.headers = dict(rows.headers)  # a cell's error names the file's own column
        for number, cells in enumerate(reader, start=HEADER_ROW + 1):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(keys):
                extra = cells[len(keys) :]
                if any(c.strip() for c in extra):
                    errors.add(
                        number, "-", _l("The row has more cells than the header has columns.")
                    )
                    continue
            values = {
                k: (cells[i].strip() if i < len(cells) else "") for i, k in enumerate(keys) if k
            }
            for key, value in values.items():
                if message := check_plain_text(value):
                    errors.add(number, key, message)
            rows.append(Row(number, values))
    except csv.Error:
        # a cell over the csv module's limit (131,072 characters) or a quote never closed:
        # the reader cannot go on past it
        line = HEADER_ROW + reader.line_num - 1
        message = _l("The row cannot be read: a cell is far too long or a quote is not closed.")
        errors.add(line, "-", message)
        raise ImportFailed(errors.errors) from None
    errors.raise_if_any()
    return rows


def _map_header(header: list[str], columns: Sequence[Column], errors: ErrorList) -> list[str]:
    """Return the canonical key of each header cell ('' for blank ones); note unknown/missing."""
    known = {}
    for col in columns:
        for name in (col.key, *col.aliases):
            known[_norm(name)] = col.key
    keys: list[str] = []
    for cell in header:
        if not cell.strip():
            keys.append("")
            continue
        key = known.get(_norm(cell))
        if key is None:
            errors.add(HEADER_ROW, cell.strip(), _l("Unknown column. Use the template's headers."))
        elif key in keys:
            errors.add(HEADER_ROW, cell.strip(), _l("This column appears twice."))
        keys.append(key or "")
    for col in columns:
        if col.required and col.key not in keys:
            errors.add(HEADER_ROW, col.key, _l("This column is missing."))
    errors.raise_if_any()
    return keys


def parse_date(row: Row, key: str, errors: ErrorList, required: bool = False) -> date | None:
    """Read a date as YYYY-MM-DD or DD-MM-YYYY (also with . or /); note a bad or missing one."""
    text = row.get(key)
    if not text:
        if required:
            errors.add(row.number, key, _l("A date is required."))
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors.add(row.number, key, _l("%(value)s is not a date (write 2024-03-31).", value=text))
    return None


def parse_number(row: Row, key: str, errors: ErrorList, default: float | None = None):
    """Read a number (a decimal comma is fine); note a cell that is not one."""
    text = row.get(key)
    if not text:
        return default
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):  # nan and inf parse as floats but are no one's number
        errors.add(row.number, key, _l("%(value)s is not a number.", value=text))
        return default
    return number


def parse_in_range(row: Row, key: str, errors: ErrorList, low: float, high: float):
    """Read an optional number from low to high (e.g. a latitude); note one outside or bad."""
    number = parse_number(row, key, errors)
    if number is not None and not low <= number <= high:
        errors.add(
            row.number, key, _l("Write a number from %(low)s to %(high)s.", low=low, high=high)
        )
        return None
    return number


def parse_bool(row: Row, key: str, errors: ErrorList, default: bool = False) -> bool:
    """Read yes/no (ja/nej, 1/0, true/false, x); note anything else."""
    text = row.get(key).lower()
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    errors.add(row.number, key, _l("Write yes or no (ja or nej), not %(value)s.", value=text))
    return default


def parse_list(row: Row, key: str) -> list[str]:
    """Split a cell on commas, semicolons or bars into trimmed, lower-case words, in order."""
    words: list[str] = []
    for part in _LIST_SPLIT.split(row.get(key)):
        word = part.strip().lower()
        if word and word not in words:
            words.append(word)
    return words


def reference_codes(model) -> dict[str, str]:
    """Map each code and Danish and English name (lower case) of a reference table to its code."""
    found: dict[str, str] = {}
    for item in db.session.scalars(select(model)):
        for name in (item.code, item.name_da, item.name_en):
            if name:
                found[name.strip().lower()] = item.code
    return found


def parse_codes(row: Row, key: str, errors: ErrorList, known: dict[str, str]) -> list[str]:
    """Map a list cell's names or codes (see `reference_codes`) to codes; note unknown ones."""
    out: list[str] = []
    for word in parse_list(row, key):
        code = known.get(word)
        if code is None:
            errors.add(row.number, key, _l("%(value)s is not known.", value=word))
        elif code not in out:
            out.append(code)
    return out


def max_length(model, attribute: str) -> int | None:
    """Return the most characters a model's String(n) column holds (None for Text and others)."""
    return getattr(model.__table__.c[attribute].type, "length", None)


def check_text(row: Row, errors: ErrorList, limits: dict[str, int | None]) -> None:
    """Note any cell of the row holding a CPR number, and each cell in `limits` that is longer
    than its limit (None: no limit), before the database would refuse either."""
    for key, value in row.cells.items():
        if message := check_no_cpr(value):
            errors.add(row.number, key, message)
    for key, limit in limits.items():
        if limit is not None and len(row.get(key)) > limit:
            errors.add(row.number, key, _l("At most %(max)s characters.", max=limit))


def write_all(items: Iterable[T], apply: Callable[[T], Any]) -> int:
    """Apply every item in one transaction, committed once; on any error nothing is kept."""
    count = 0
    try:
        for item in items:
            apply(item)
            count += 1
        db.session.flush()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return count


def neutralise(value: Any) -> str:
    """Return a cell's text, with a leading ' if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, list | tuple):
        text = ", ".join(str(v) for v in value)
    else:
        text = str(value)
    return "'" + text if _guarded(text) else text


def _guarded(text: str) -> bool:
    """Whether the export puts a ' before a text: it starts like a formula, or with ' and then
    something guarded (so that `unneutralise` can tell a guard from a typed ')."""
    rest = text.lstrip("'")
    # Leading spaces do not stop a formula: some spreadsheets (and our own reading) trim them.
    return rest.startswith(FORMULA_START) or rest.lstrip().startswith(FORMULA_START[:4])


def unneutralise(text: str) -> str:
    """Undo `neutralise`: drop the ' the export put before a formula-like text (e.g. '+45 ...)."""
    if text.startswith("'") and _guarded(text[1:]):
        return text[1:].strip()
    return text


def unneutralise_rows(rows: Iterable[Row]) -> None:
    """Undo the export's formula guard in every cell, so an exported file imports unchanged."""
    for row in rows:
        row.cells = {k: unneutralise(v) for k, v in row.cells.items()}


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str = ";") -> bytes:
    """Write a header and rows as UTF-8 CSV with a BOM, every cell neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
