"""Realistic `matcher-round/1` documents: households with siblings, clubs and volunteers in towns.

`generate_round(2000)` is a municipality round (about 250 activities, 800 families, 500 contact
families, ~15 candidate activities per child); `generate_round(50_000, towns=15)` a national one.
A town's spread grows with its size (see gen_common.SPREAD_EXPONENT) so that the candidates per
child stay about the same at every scale (measured with the reference enumeration: 15.7 at 2,000
children in one town, 17.2 at 10,000 in 3 towns, 15.3 at 50,000 in 15). Deterministic per seed.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np

from benchmarks.gen_common import ROUND_DATE, TOWNS, Town, split
from benchmarks.gen_people import (
    activities_in,
    children_in,
    contact_families_in,
    families_of,
)


def generate_round(
    n_children: int,
    towns: int = 1,
    seed: int = 0,
    budget: float | None = None,
    families: int | None = None,
    contact_families: int | None = None,
    activities: int | None = None,
) -> dict[str, Any]:
    """Return a realistic round of `n_children` children in the first `towns` Danish towns."""
    if not 1 <= towns <= len(TOWNS):
        raise ValueError(f"towns must be 1..{len(TOWNS)}")
    rng = np.random.default_rng(seed)
    n_acts = round(n_children / 8) if activities is None else activities
    n_fam = round(n_children * 0.4) if families is None else families
    n_con = round(n_children * 0.25) if contact_families is None else contact_families
    weights = np.array([t[3] for t in TOWNS[:towns]])
    kids, acts, households, cons = [], [], [], []
    cons_by_town: dict[int, list[str]] = {}
    shares = zip(
        TOWNS[:towns],
        split(n_children, weights),
        split(n_acts, weights),
        split(n_con, weights),
        strict=True,
    )
    for (_, lat, lon, _), n_kids, n_a, n_c in shares:
        town = Town(rng, lat, lon, n_kids)
        town_acts = activities_in(town, n_a, first=len(acts))
        acts += town_acts
        new_kids, new_households = children_in(town, n_kids, town_acts, len(kids), len(households))
        kids += new_kids
        households += new_households
        town_cons = contact_families_in(town, n_c, first=len(cons))
        cons_by_town[id(town)] = [k["id"] for k in town_cons]
        cons += town_cons
    doc: dict[str, Any] = {
        "format": "matcher-round/1",
        "round_date": ROUND_DATE.isoformat(),
        "params": {} if budget is None else {"budget": budget},
        "children": kids,
        "activities": acts,
        "families": families_of(rng, households, n_fam, cons_by_town),
        "contact_families": cons,
    }
    return doc


def main(argv: list[str] | None = None) -> int:
    """Write a generated round as JSON (to -o or stdout)."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__)
    ap.add_argument("--children", type=int, default=2000)
    ap.add_argument("--towns", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float)
    ap.add_argument("--families", type=int)
    ap.add_argument("--contact-families", type=int)
    ap.add_argument("--activities", type=int)
    ap.add_argument("-o", "--output")
    a = ap.parse_args(argv)
    doc = generate_round(
        a.children, a.towns, a.seed, a.budget, a.families, a.contact_families, a.activities
    )
    text = json.dumps(doc, ensure_ascii=False)
    if a.output:
        with open(a.output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
