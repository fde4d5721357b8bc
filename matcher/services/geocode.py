"""Geocoding without internet: every Danish postcode with a coordinate, shipped in the project.

The table is `matcher/data/dk-postcodes.csv` (source and method: `dk-postcodes.SOURCE.md`
beside it).
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "dk-postcodes.csv"


@dataclass(frozen=True)
class Postcode:
    """A Danish postcode with its town name, centre and main municipality."""

    code: str
    name: str
    lat: float
    lon: float
    municipality: str


@cache
def postcodes() -> dict[str, Postcode]:
    """Load the postcode table once."""
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        return {
            row["postcode"]: Postcode(
                row["postcode"],
                row["name"],
                float(row["lat"]),
                float(row["lon"]),
                row["municipality"],
            )
            for row in csv.DictReader(fh)
        }


def lookup(code: str) -> Postcode | None:
    """Return the postcode, or None when it is not a known Danish postcode."""
    return postcodes().get((code or "").strip())


def locate(
    postcode: str, lat: float | None = None, lon: float | None = None
) -> tuple[float, float]:
    """Give an address a location: an explicit coordinate wins, else the postcode's centre."""
    if lat is not None and lon is not None:
        return float(lat), float(lon)
    found = lookup(postcode)
    if found is None:
        raise ValueError(f"unknown postcode {postcode!r}")
    return found.lat, found.lon
