"""Why a child or a family was left out: the hard rule that left it without any option."""

from __future__ import annotations

import numpy as np

from .candidates import GENDER_CODE, day_mask
from .document import Child, Family, Round
from .geo import haversine_km, haversine_np


def activity_index(rnd: Round, acts: dict) -> dict:
    """Add to the activity arrays what the reasons look up: category ids and id positions."""
    cats: dict[str, int] = {}
    acts["category"] = np.array([cats.setdefault(a.category, len(cats)) for a in rnd.activities])
    acts["category_ids"] = cats
    acts["ids"] = {a.id: i for i, a in enumerate(rnd.activities)}
    return acts


def child_without_options(rnd: Round, child: Child, age: int, acts: dict) -> tuple[str, dict]:
    """Return (reason, detail) for a child that has no candidate activity at all.

    `acts` holds the activity arrays completed by `activity_index`.
    """
    if age >= 18:
        return "too_old", {"age": age}
    if not child.wishes:
        return "no_wishes", {}
    wished = np.isin(acts["category"], [acts["category_ids"].get(w, -1) for w in child.wishes])
    declined = [acts["ids"][x] for x in child.excluded_activities if x in acts["ids"]]
    not_declined = np.ones(len(rnd.activities), bool)
    not_declined[declined] = False
    stages = [
        ("no_activity_in_wishes", wished),
        ("no_activity_in_age_range", (acts["min_age"] <= age) & (age <= acts["max_age"])),
        (
            "no_activity_for_gender",
            (acts["gender"] == 0) | (acts["gender"] == GENDER_CODE[child.gender]),
        ),
        ("no_activity_on_available_days", (acts["days"] & day_mask(child.available_days)) != 0),
        ("all_declined_before", not_declined),
    ]
    alive = np.ones(len(rnd.activities), bool)
    for code, ok in stages:
        before = int(alive.sum())
        alive &= ok
        if not alive.any():
            return code, {"options_before_this_rule": before} if before else {}
    idx = np.flatnonzero(alive)
    km = haversine_np(
        np.full(len(idx), child.lat),
        np.full(len(idx), child.lon),
        acts["lat"][idx],
        acts["lon"][idx],
    )
    nearest = int(idx[np.argmin(km)])
    a = rnd.activities[nearest]
    return "no_activity_within_reach", {
        "nearest_activity": a.id,
        "nearest_km": round(haversine_km(child.lat, child.lon, a.lat, a.lon), 2),
        "max_distance_km": child.max_distance_km,
    }


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
