"""Why a child or a family was left out: the hard rule that left it without any option."""

from __future__ import annotations

import numpy as np

from .candidates import GENDER_CODE, day_mask
from .document import Family, Round
from .geo import haversine_km, haversine_np, xyz


def activity_index(rnd: Round, acts: dict) -> dict:
    """Add to the activity arrays what the reasons look up: category ids and id positions."""
    cats: dict[str, int] = {}
    acts["category"] = np.array(
        [cats.setdefault(a.category, len(cats)) for a in rnd.activities], np.int64
    )
    acts["category_ids"] = cats
    acts["ids"] = {a.id: i for i, a in enumerate(rnd.activities)}
    return acts


# Children without any candidate are checked against every activity this many at a time
# (a block of 256 x 6,250 national activities is 1.6 million cells a rule).
_BLOCK = 256


def children_without_options(
    rnd: Round, kids: np.ndarray, ages: np.ndarray, acts: dict
) -> list[tuple[str, dict]]:
    """Return (reason, detail) for each child of `kids` (indices; none has any candidate
    activity at all), whose ages on the round date are `ages`: the first hard rule, in the
    order below, that leaves it no activity, else the nearest activity out of reach.

    `acts` holds the activity arrays completed by `activity_index`. Children are checked in
    blocks against every activity at once: one at a time, the 6,382 such children of a
    national round took 2.1 s."""
    out: list[tuple[str, dict]] = []
    for lo in range(0, len(kids), _BLOCK):
        out += _block_without_options(rnd, kids[lo : lo + _BLOCK], ages[lo : lo + _BLOCK], acts)
    return out


def _block_without_options(
    rnd: Round, kids: np.ndarray, ages: np.ndarray, acts: dict
) -> list[tuple[str, dict]]:
    children = [rnd.children[i] for i in kids.tolist()]
    n, n_acts = len(children), len(rnd.activities)
    out: list[tuple[str, dict] | None] = [None] * n
    for row, (child, age) in enumerate(zip(children, ages.tolist(), strict=True)):
        if age >= 18:
            out[row] = ("too_old", {"age": age})
        elif not child.wishes:
            out[row] = ("no_wishes", {})
    wishes = np.zeros((n, len(acts["category_ids"]) + 1), bool)  # the last: unknown ones
    allowed = np.ones((n, n_acts), bool)
    for row, child in enumerate(children):
        wishes[row, [acts["category_ids"].get(w, -1) for w in child.wishes]] = True
        allowed[row, [acts["ids"][x] for x in child.excluded_activities if x in acts["ids"]]] = (
            False
        )
    wishes[:, -1] = False
    age = ages[:, None]
    gender = np.array([GENDER_CODE[c.gender] for c in children], np.int64)[:, None]
    days = np.array([day_mask(c.available_days) for c in children], np.int64)[:, None]
    stages = [
        ("no_activity_in_wishes", lambda: wishes[:, acts["category"]]),
        ("no_activity_in_age_range", lambda: (acts["min_age"] <= age) & (age <= acts["max_age"])),
        ("no_activity_for_gender", lambda: (acts["gender"] == 0) | (acts["gender"] == gender)),
        ("no_activity_on_available_days", lambda: (acts["days"] & days) != 0),
        ("all_declined_before", lambda: allowed),
    ]
    alive = np.ones((n, n_acts), bool)
    open_ = np.array([o is None for o in out], bool)
    for code, ok in stages:
        now = alive & ok()
        for row in np.flatnonzero(open_ & ~now.any(axis=1)).tolist():
            before = int(np.count_nonzero(alive[row]))
            out[row] = (code, {"options_before_this_rule": before} if before else {})
            open_[row] = False
        alive = now
    if open_.any():
        _nearest(rnd, children, alive & open_[:, None], acts, out)
    assert all(o is not None for o in out)
    return out  # type: ignore[return-value]


def _nearest(rnd: Round, children: list, alive: np.ndarray, acts: dict, out: list) -> None:
    """Name, for each row of `alive` with any activity left, the nearest of them (the
    first by position among equals), as `haversine_np` measures it. The largest dot product
    of the points in space (`geo.xyz`, in km) is the nearest: it narrows each row to the
    activities within a hair of it (1e-3 km², 10 cm farther at 10 km; a dot product of
    points 6,371 km from the centre rounds by ~1e-8 km²), and only those are measured."""
    if "xyz" not in acts:
        acts["xyz"] = xyz(acts["lat"], acts["lon"])
    lat = np.array([c.lat for c in children])
    lon = np.array([c.lon for c in children])
    dot = np.where(alive, xyz(lat, lon) @ acts["xyz"].T, -np.inf)
    best = dot.max(axis=1)
    rows, idx = np.nonzero(alive & (dot >= best[:, None] - 1e-3))  # by row, then activity
    km = haversine_np(lat[rows], lon[rows], acts["lat"][idx], acts["lon"][idx])
    order = np.lexsort((idx, km, rows))  # each row's nearest first, ties by position
    first = order[np.r_[True, rows[order][1:] != rows[order][:-1]]]
    for row, nearest in zip(rows[first].tolist(), idx[first].tolist(), strict=True):
        child, a = children[row], rnd.activities[nearest]
        out[row] = (
            "no_activity_within_reach",
            {
                "nearest_activity": a.id,
                "nearest_km": round(haversine_km(child.lat, child.lon, a.lat, a.lon), 2),
                "max_distance_km": child.max_distance_km,
            },
        )


def family_without_options(rnd: Round, family: Family, needs_certificate: bool) -> tuple[str, dict]:
    """Return (reason, detail) for a family that has no candidate contact family at all."""
    ks = rnd.contact_families
    if not ks:
        return "no_contact_family_within_reach", {"contact_families": 0}
    k_lat = np.array([k.lat for k in ks])
    k_lon = np.array([k.lon for k in ks])
    km = haversine_np(np.full(len(ks), family.lat), np.full(len(ks), family.lon), k_lat, k_lon)
    reach = np.array([k.max_distance_km for k in ks])
    near = km <= reach + 1e-6  # the exact filter already ran; this only names the rule
    if not near.any():
        i = int(np.argmin(km - reach))
        return "no_contact_family_within_reach", {
            "nearest_contact_family": ks[i].id,
            "nearest_km": round(float(km[i]), 2),
            "their_max_distance_km": ks[i].max_distance_km,
        }
    cert = np.array([k.child_certificate for k in ks]) | (not needs_certificate)
    if not (near & cert).any():
        return "no_contact_family_with_child_certificate", {"within_reach": int(near.sum())}
    return "all_declined_before", {"within_reach": int((near & cert).sum())}
