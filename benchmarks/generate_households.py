"""Rounds from a second, independent generator: larger households, other distributions.

`python -m benchmarks.generate_households --seed S [--national] -o round.json`

Written apart from `benchmarks.generate` (twenty-second session) to test the engine on rounds
it was not tuned on: households of one to five children (2.5 on average), 12 wish categories
with skewed popularity, one to four wishes from two to five draws, 250 activities in clubs of
three, one town of ~8 km (~12 candidate arcs a child), families and contact families as in the
issue's municipality round. `--national` lays 15 such towns, sized by a power law, on a grid
45 km apart, each spread by the square root of its size: the largest towns then touch and
form one part of ~600,000 arcs (docs/solver.md, "Against issue 6's targets", twenty-second
session). Deterministic per seed; Python's `random` only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import random
import sys
from typing import Any

_CATEGORIES = [
    "football", "swimming", "handball", "music", "scouts", "dance",
    "art", "gymnastics", "chess", "badminton", "riding", "coding",
]  # fmt: skip
_POPULARITY = [10, 8, 6, 5, 4, 4, 3, 3, 2, 2, 1, 1]
_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_LANGUAGES = ["ar", "uk", "fa", "ti", "so", "en", "ru", "ps"]
_INTERESTS = ["cooking", "football", "nature", "music", "crafts", "games", "reading", "sport"]
ROUND_DATE = datetime.date(2026, 9, 1)


def town_round(
    seed: int, children: int = 2000, activities: int = 250, families: int = 800, contact: int = 500
) -> dict[str, Any]:
    """Return a round of one town: `children` children in households of one to five."""
    r = random.Random(seed)
    lat0, lon0 = 55.4 + r.random(), 9.5 + 2 * r.random()

    def place(radius_km: float) -> dict[str, float]:
        angle, d = 2 * math.pi * r.random(), radius_km * math.sqrt(r.random())
        lon_km = 111.0 * math.cos(math.radians(lat0))
        return {
            "lat": round(lat0 + d * math.cos(angle) / 111.0, 6),
            "lon": round(lon0 + d * math.sin(angle) / lon_km, 6),
        }

    def births(low_days: int, high_days: int, k: int) -> list[str]:
        days = (r.randint(low_days, high_days) for _ in range(k))
        return [(ROUND_DATE - datetime.timedelta(days=n)).isoformat() for n in days]

    kids: list[dict[str, Any]] = []
    household = 0
    while len(kids) < children:
        size = min(r.choice([1, 1, 2, 2, 2, 3, 3, 4, 5]), children - len(kids))
        home = place(8)
        for _ in range(size):
            born = births(365 * 4, 365 * 19, 1)[0]
            wishes: list[str] = []
            for _ in range(r.randint(2, 5)):
                c = r.choices(_CATEGORIES, _POPULARITY)[0]
                if c not in wishes:
                    wishes.append(c)
            kids.append(
                {
                    "id": f"c{len(kids)}",
                    "family": f"F{household}",
                    "birth_date": born,
                    "gender": r.choices(["female", "male", "other"], [48, 48, 4])[0],
                    "location": home,
                    "max_distance_km": r.choice([4, 6, 8, 10, 12, 15, 20]),
                    "available_days": r.sample(_DAYS, r.randint(3, 7)),
                    "wishes": wishes,
                    "rounds_waited": r.choice([0, 0, 0, 1, 1, 2, 3]),
                    "excluded_activities": [],
                }
            )
        household += 1
    acts = []
    for a in range(activities):
        low = r.randint(4, 14)
        high = min(17, low + r.randint(1, 6))
        acts.append(
            {
                "id": f"a{a}",
                "club": f"k{a // 3}",
                "category": r.choices(_CATEGORIES, _POPULARITY)[0],
                "min_age": low,
                "max_age": high,
                "gender": r.choices(["any", "female", "male"], [8, 1, 1])[0],
                "days": r.sample(_DAYS, r.randint(1, 3)),
                "location": place(9),
                "capacity": r.choice([1, 2, 3, 4, 5, 6, 8, 10]),
                "fee": r.choice([0, 500, 800, 1200]),
            }
        )
    for kid in kids:
        if r.random() < 0.05:
            kid["excluded_activities"] = [f"a{r.randrange(activities)}"]
    fams = [
        {
            "id": f"R{i}",
            "location": place(8),
            "languages": r.sample(_LANGUAGES, r.randint(1, 2)),
            "children_birth_dates": births(200, 365 * 18, r.randint(0, 4)),
            "interests": r.sample(_INTERESTS, r.randint(0, 3)),
            "rounds_waited": r.choice([0, 0, 1, 2]),
        }
        for i in range(families)
    ]
    volunteers = [
        {
            "id": f"V{i}",
            "location": place(9),
            "capacity": r.choice([1, 1, 1, 2, 3]),
            "max_distance_km": r.choice([3, 5, 10, 20]),
            "languages": ["da"] + r.sample(_LANGUAGES, r.randint(0, 1)),
            "children_birth_dates": births(200, 365 * 18, r.randint(0, 4)),
            "interests": r.sample(_INTERESTS, r.randint(0, 3)),
            "child_certificate": r.random() < 0.7,
        }
        for i in range(contact)
    ]
    return {
        "format": "matcher-round/1",
        "round_date": ROUND_DATE.isoformat(),
        "params": {},
        "children": kids,
        "activities": acts,
        "families": fams,
        "contact_families": volunteers,
    }


def national_round(seed: int, children: int = 50_000, towns: int = 15) -> dict[str, Any]:
    """Return `towns` towns of `town_round` (sizes by a power law) on a grid 45 km apart."""
    weights = [1 / (k + 1) ** 0.8 for k in range(towns)]
    sizes = [int(children * w / sum(weights)) for w in weights]
    sizes[0] += children - sum(sizes)
    doc: dict[str, Any] = town_round(0, 0, 0, 0, 0)
    for t, n in enumerate(sizes):
        town = town_round(seed * 100 + t, n, max(10, n // 8), n * 2 // 5, n // 4)
        acts = town["activities"]
        clat = sum(a["location"]["lat"] for a in acts) / len(acts)
        clon = sum(a["location"]["lon"] for a in acts) / len(acts)
        grow = math.sqrt(n / 2000)
        lat0, lon0 = 54.9 + 0.4 * (t % 5), 8.6 + 0.7 * (t // 5)
        for key in ("children", "activities", "families", "contact_families"):
            for rec in town[key]:
                loc = rec["location"]
                rec["location"] = {
                    "lat": round(lat0 + (loc["lat"] - clat) * grow, 6),
                    "lon": round(lon0 + (loc["lon"] - clon) * grow, 6),
                }
                for field in ("id", "family", "club"):
                    if field in rec:
                        rec[field] = f"T{t}-{rec[field]}"
                if rec.get("excluded_activities"):
                    rec["excluded_activities"] = [f"T{t}-{a}" for a in rec["excluded_activities"]]
            doc[key].extend(town[key])
    return doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--national", action="store_true")
    ap.add_argument("-o", "--output")
    a = ap.parse_args(argv)
    doc = national_round(a.seed) if a.national else town_round(a.seed)
    if a.output:
        with open(a.output, "w") as out:
            json.dump(doc, out)
    else:
        json.dump(doc, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
