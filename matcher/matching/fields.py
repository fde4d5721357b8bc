"""Typed readers for the fields of one JSON record, raising RoundError with a precise path."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from .errors import RoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MISSING = object()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def parse_date(value: Any, path: str) -> date:
    """Return the date of a YYYY-MM-DD string, or raise naming `path`."""
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise RoundError(path, "not a date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RoundError(path, "not a date") from None


class Record:
    """One JSON object at `path`, read field by field."""

    def __init__(self, obj: Any, path: str) -> None:
        if not isinstance(obj, dict):
            raise RoundError(path, "must be an object")
        self.obj = obj
        self.path = path

    def _get(self, name: str, default: Any) -> Any:
        value = self.obj.get(name, _MISSING)
        if value is _MISSING or (value is None and default is not _MISSING):
            if default is _MISSING:
                raise RoundError(self.at(name), "missing")
            return default
        return value

    def at(self, name: str) -> str:
        """Return the path of field `name`."""
        return f"{self.path}.{name}" if self.path else name

    def str(self, name: str, default: Any = _MISSING) -> str:
        """Read a non-empty string."""
        value = self._get(name, default)
        if not isinstance(value, str) or not value:
            raise RoundError(self.at(name), "must be a non-empty string")
        return value

    def int(
        self,
        name: str,
        default: Any = _MISSING,
        minimum: int | None = 0,
        maximum: int | None = None,
    ) -> int:
        """Read an integer, at least `minimum` and at most `maximum` when given."""
        value = self._get(name, default)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not _is_int(value) or (minimum is not None and value < minimum):
            bound = "" if minimum is None else f" >= {minimum}"
            raise RoundError(self.at(name), f"must be an integer{bound}")
        if maximum is not None and value > maximum:
            raise RoundError(self.at(name), f"must be at most {maximum}")
        return value

    def number(
        self,
        name: str,
        default: Any = _MISSING,
        minimum: float = 0.0,
        maximum: float | None = None,
    ) -> float:
        """Read a finite number, at least `minimum` (and at most `maximum` when given)."""
        value = self._get(name, default)
        if not _is_number(value) or value < minimum:
            bound = "" if minimum == -math.inf else f" >= {minimum:g}"
            raise RoundError(self.at(name), f"must be a number{bound}")
        if maximum is not None and value > maximum:
            raise RoundError(self.at(name), f"must be at most {maximum:.15g}")
        return float(value)

    def bool(self, name: str, default: Any = _MISSING) -> bool:
        """Read true or false."""
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise RoundError(self.at(name), "must be true or false")
        return value

    def choice(self, name: str, options: tuple[str, ...], default: Any = _MISSING) -> str:
        """Read one of `options`."""
        value = self._get(name, default)
        if value not in options:
            raise RoundError(self.at(name), "must be one of " + ", ".join(options))
        return value

    def date(self, name: str) -> date:
        """Read a YYYY-MM-DD date."""
        return parse_date(self._get(name, _MISSING), self.at(name))

    def dates(self, name: str) -> tuple[date, ...]:
        """Read a list of YYYY-MM-DD dates."""
        items = self._list(name)
        return tuple(parse_date(v, f"{self.at(name)}[{i}]") for i, v in enumerate(items))

    def strings(self, name: str) -> tuple[str, ...]:
        """Read a list of strings (missing = empty)."""
        items = self._list(name)
        for i, value in enumerate(items):
            if not isinstance(value, str):
                raise RoundError(f"{self.at(name)}[{i}]", "must be a string")
        return tuple(items)

    def ints(self, name: str, default: list[int], maximum: int) -> tuple[int, ...]:
        """Read a list of integers from 0 to `maximum` (missing = `default`)."""
        value = self._get(name, default)
        if not isinstance(value, list | tuple):
            raise RoundError(self.at(name), "must be a list of integers >= 0")
        items = _Items({str(i): v for i, v in enumerate(value)}, self.at(name))
        return tuple(items.int(str(i), maximum=maximum) for i in range(len(value)))

    def days(self, name: str) -> frozenset[str]:
        """Read a list of weekdays mon..sun."""
        items = self.strings(name)
        for i, value in enumerate(items):
            if value not in DAYS:
                raise RoundError(f"{self.at(name)}[{i}]", "must be one of " + ", ".join(DAYS))
        return frozenset(items)

    def point(self, name: str) -> tuple[float, float]:
        """Read a {lat, lon} location in WGS84 degrees."""
        loc = Record(self._get(name, _MISSING), self.at(name))
        lat = loc.number("lat", minimum=-math.inf)
        lon = loc.number("lon", minimum=-math.inf)
        if not -90.0 <= lat <= 90.0:
            raise RoundError(loc.at("lat"), "must be between -90 and 90")
        if not -180.0 <= lon <= 180.0:
            raise RoundError(loc.at("lon"), "must be between -180 and 180")
        return lat, lon

    def _list(self, name: str) -> list[Any]:
        value = self._get(name, [])
        if not isinstance(value, list):
            raise RoundError(self.at(name), "must be a list")
        return value


class _Items(Record):
    """The entries of a JSON list, read as a record keyed by position: `name[i]` paths."""

    def at(self, name: str) -> str:
        return f"{self.path}[{name}]"
