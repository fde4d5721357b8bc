"""The records of one generated town: clubs' activities, households' children, volunteers."""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.gen_common import (
    CATEGORIES,
    INTERESTS,
    LANGUAGE_WEIGHTS,
    REFUGEE_LANGUAGES,
    Town,
    birth_date,
    child_birth,
    days,
    pick,
    waited,
)

CATEGORY_NAMES = list(CATEGORIES)
CATEGORY_P = np.array(list(CATEGORIES.values())) / sum(CATEGORIES.values())
HOUSEHOLD_SIZES = ([1, 2, 3, 4], [0.35, 0.30, 0.22, 0.13])
WISH_COUNTS = ([1, 2, 3, 4], [0.25, 0.35, 0.25, 0.15])
AGE_SPAN = (3, 10)  # max_age - min_age of an activity
REACH = (2.0, 15.0, 1.5)  # a child's max distance: low, high, skew (> 1: mostly short trips)


def reach_km(rng: np.random.Generator) -> float:
    """Return a child's max distance in km, in half-km steps, skewed towards short trips."""
    low, high, skew = REACH
    return round(2 * (low + (high - low) * rng.random() ** skew)) / 2


def _category(rng: np.random.Generator) -> str:
    return CATEGORY_NAMES[int(rng.choice(len(CATEGORY_NAMES), p=CATEGORY_P))]


def activities_in(town: Town, n: int, first: int) -> list[dict[str, Any]]:
    """Return `n` activities of clubs in `town` (a club: 1-5 activities at one address)."""
    rng, out = town.rng, []
    while len(out) < n:
        club, where, main = f"club{first + len(out)}", town.point(0.9), _category(rng)
        for _ in range(min(int(rng.integers(1, 6)), n - len(out))):
            low = int(rng.integers(4, 16))
            out.append(
                {
                    "id": f"a{first + len(out)}",
                    "club": club,
                    "category": main if rng.random() < 0.8 else _category(rng),
                    "min_age": low,
                    "max_age": min(18, low + int(rng.integers(AGE_SPAN[0], AGE_SPAN[1] + 1))),
                    "gender": str(rng.choice(["any", "female", "male"], p=[0.8, 0.13, 0.07])),
                    "days": days(rng, 1, 3),
                    "location": where,
                    "capacity": int(rng.integers(0, 9)),
                    "fee": float(500 + 50 * int(rng.integers(0, 51))),
                }
            )
    return out


def children_in(
    town: Town, n: int, acts: list[dict], first: int, first_household: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return `n` children in households of 1-4 siblings, and the households."""
    rng, kids, households = town.rng, [], []
    while len(kids) < n:
        size = min(int(rng.choice(HOUSEHOLD_SIZES[0], p=HOUSEHOLD_SIZES[1])), n - len(kids))
        home = town.point()
        hid = f"h{first_household + len(households)}"
        births = []
        for _ in range(size):
            wishes = pick(
                rng, CATEGORY_NAMES, int(rng.choice(WISH_COUNTS[0], p=WISH_COUNTS[1])), CATEGORY_P
            )
            births.append(child_birth(rng))
            excluded = []
            if acts and rng.random() < 0.04:
                fitting = [a["id"] for a in acts if a["category"] in wishes] or [acts[0]["id"]]
                excluded = [fitting[int(rng.integers(len(fitting)))]]
            kids.append(
                {
                    "id": f"c{first + len(kids)}",
                    "family": hid,
                    "birth_date": births[-1],
                    "gender": str(rng.choice(["female", "male", "other"], p=[0.48, 0.48, 0.04])),
                    "location": home,
                    "max_distance_km": reach_km(rng),
                    "available_days": days(rng, 2, 7),
                    "wishes": wishes,
                    "rounds_waited": waited(rng),
                    "excluded_activities": excluded,
                }
            )
        households.append({"id": hid, "location": home, "births": births, "town": town})
    return kids, households


def _languages(rng: np.random.Generator) -> list[str]:
    own = pick(rng, REFUGEE_LANGUAGES, int(rng.integers(1, 3)), LANGUAGE_WEIGHTS)
    return own + [x for x, p in (("en", 0.3), ("da", 0.1)) if rng.random() < p]


def contact_families_in(town: Town, n: int, first: int) -> list[dict[str, Any]]:
    """Return `n` Danish volunteer families in `town`."""
    rng, out = town.rng, []
    for i in range(n):
        extra = [REFUGEE_LANGUAGES[int(rng.integers(6))]] if rng.random() < 0.15 else []
        out.append(
            {
                "id": f"k{first + i}",
                "location": town.point(1.2),
                "languages": ["da"] + (["en"] if rng.random() < 0.7 else []) + extra,
                "children_birth_dates": [
                    birth_date(rng, int(rng.integers(0, 18))) for _ in range(rng.integers(0, 4))
                ],
                "interests": pick(rng, INTERESTS, int(rng.integers(0, 5))),
                "capacity": int(rng.choice([1, 2], p=[0.7, 0.3])),
                "max_distance_km": float(rng.integers(6, 41)) / 2,
                "child_certificate": bool(rng.random() < 0.85),
            }
        )
    return out


def families_of(
    rng: np.random.Generator, households: list[dict], n: int, cons_by_town: dict[int, list[str]]
) -> list[dict[str, Any]]:
    """Return `n` refugee families: households of the children first, then childless-list ones."""
    chosen = sorted(rng.choice(len(households), size=min(n, len(households)), replace=False))
    out = []
    for j in range(n):
        if j < len(chosen):
            h = households[int(chosen[j])]
            hid, where, births, town = h["id"], h["location"], h["births"], h["town"]
        else:
            h = households[int(rng.integers(len(households)))] if households else None
            town = h["town"] if h else None
            hid, where = f"g{j}", town.point() if town else {"lat": 55.6761, "lon": 12.5683}
            births = [birth_date(rng, int(rng.integers(0, 18))) for _ in range(rng.integers(1, 4))]
        nearby = cons_by_town.get(id(town), [])
        excluded = (
            [nearby[int(rng.integers(len(nearby)))]] if nearby and rng.random() < 0.03 else []
        )
        out.append(
            {
                "id": hid,
                "location": where,
                "languages": _languages(rng),
                "children_birth_dates": births,
                "interests": pick(rng, INTERESTS, int(rng.integers(0, 5))),
                "rounds_waited": waited(rng),
                "excluded_contact_families": excluded,
            }
        )
    return out
