"""Whole years of age on the round date."""

from __future__ import annotations

from datetime import date


def age_on(birth: date, day: date) -> int:
    """Return the age in whole years on `day` (a birthday on `day` counts as reached)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
