"""What generated rounds share: the round date, Danish towns, categories, and small draws."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np

ROUND_DATE = date(2026, 8, 15)
KM_PER_DEG = 6371.0 * math.pi / 180
# (name, lat, lon, relative size); a national round uses the first `towns` of them.
TOWNS = [
    ("København", 55.6761, 12.5683, 3.0),
    ("Aarhus", 56.1629, 10.2039, 2.0),
    ("Odense", 55.4038, 10.4024, 1.5),
    ("Aalborg", 57.0488, 9.9217, 1.3),
    ("Esbjerg", 55.4765, 8.4594, 1.0),
    ("Randers", 56.4607, 10.0364, 0.9),
    ("Kolding", 55.4904, 9.4722, 0.9),
    ("Horsens", 55.8607, 9.8503, 0.8),
    ("Vejle", 55.7113, 9.5364, 0.8),
    ("Roskilde", 55.6415, 12.0803, 0.8),
    ("Herning", 56.1393, 8.9738, 0.7),
    ("Helsingør", 56.0361, 12.6136, 0.7),
    ("Silkeborg", 56.1697, 9.5451, 0.7),
    ("Næstved", 55.2299, 11.7609, 0.7),
    ("Viborg", 56.4532, 9.4020, 0.6),
]
CATEGORIES = {
    "football": 0.20, "swimming": 0.15, "dance": 0.10, "gymnastics": 0.09, "handball": 0.08,
    "martial_arts": 0.08, "scouts": 0.06, "music": 0.06, "basketball": 0.05, "art": 0.05,
    "athletics": 0.04, "chess": 0.04,
}  # fmt: skip
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
REFUGEE_LANGUAGES = ["ar", "ti", "prs", "uk", "so", "fa"]
LANGUAGE_WEIGHTS = [0.30, 0.15, 0.12, 0.20, 0.10, 0.13]
INTERESTS = [
    "cooking", "football", "hiking", "music", "crafts", "reading", "gardening", "cycling",
    "board_games", "swimming", "fishing", "nature",
]  # fmt: skip
MUNICIPALITY_SPREAD_KM = 2.0  # sd of homes around the centre for 2,000 children
# Bigger towns spread faster than sqrt(size): while a town is not much larger than a child's reach,
# a child sees most of it, so keeping ~15 candidates per child needs a thinner density.
SPREAD_EXPONENT = 1.2
MIN_SPREAD_KM = 1.5


class Town:
    """One town: its centre and the spread that keeps the municipality's density."""

    def __init__(self, rng: np.random.Generator, lat: float, lon: float, children: int) -> None:
        self.rng, self.lat, self.lon = rng, lat, lon
        # a floor keeps small test rounds spread out enough for reach to matter
        self.sd = max(MUNICIPALITY_SPREAD_KM * (children / 2000) ** SPREAD_EXPONENT, MIN_SPREAD_KM)

    def point(self, scale: float = 1.0) -> dict[str, float]:
        """Return a location drawn around the centre."""
        x, y = self.rng.normal(0.0, self.sd * scale, 2)
        lat = self.lat + y / KM_PER_DEG
        lon = self.lon + x / (KM_PER_DEG * math.cos(math.radians(self.lat)))
        return {"lat": round(lat, 6), "lon": round(lon, 6)}


def split(total: int, weights: np.ndarray) -> list[int]:
    """Split `total` into integer shares proportional to `weights` (largest remainders)."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(int)
    out[np.argsort(out - raw)[: total - out.sum()]] += 1
    return out.tolist()


def birth_date(rng: np.random.Generator, age: int) -> str:
    """Return a birth date giving whole-years `age` on the round date."""
    last = ROUND_DATE.replace(year=ROUND_DATE.year - age)
    first = ROUND_DATE.replace(year=ROUND_DATE.year - age - 1) + timedelta(days=1)
    return (last - timedelta(days=int(rng.integers(0, (last - first).days + 1)))).isoformat()


def child_birth(rng: np.random.Generator) -> str:
    """Return a child's birth date: ages 4-17, and a few on the 18th birthday boundary."""
    # a few sit on the 18th birthday: turning 18 today (too old) or tomorrow (still 17)
    u = rng.random()
    if u < 0.01:
        return ROUND_DATE.replace(year=ROUND_DATE.year - 18).isoformat()
    if u < 0.02:
        return (ROUND_DATE.replace(year=ROUND_DATE.year - 18) + timedelta(days=1)).isoformat()
    return birth_date(rng, int(rng.integers(4, 18)))


def pick(rng: np.random.Generator, items: list[str], k: int, p: Any = None) -> list[str]:
    """Return `k` distinct items drawn with probabilities `p` (successive sampling)."""
    # Efraimidis-Spirakis keys u ** (1 / p): the top k are a weighted draw without replacement,
    # much cheaper than Generator.choice(replace=False, p=...) in a loop.
    u = rng.random(len(items))
    keys = u if p is None else u ** (1.0 / np.asarray(p))
    return [items[i] for i in np.argsort(-keys, kind="stable")[:k]]


def days(rng: np.random.Generator, low: int, high: int) -> list[str]:
    """Return between `low` and `high` distinct weekdays, in week order."""
    chosen = set(pick(rng, DAYS, int(rng.integers(low, high + 1))))
    return [d for d in DAYS if d in chosen]


def waited(rng: np.random.Generator) -> int:
    """Return how many earlier rounds someone waited (most none)."""
    return int(rng.choice(4, p=[0.65, 0.2, 0.1, 0.05]))
