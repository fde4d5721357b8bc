"""An independent, solver-free check of a `matcher-result/1` answer against its round.

Written straight from docs/round-format.md with the standard library only (no NumPy, no OR-Tools,
nothing else from `matcher`), so that it can judge the solver rather than repeat its mistakes.

Sibling points: each pair of siblings (children with the same `family`) placed in activities of
the same club adds `sibling_points` once to the total. The pair's points are attributed to the
placement of the sibling that comes *later in the document's children list*; so a placement
carries `sibling_points` times the number of its siblings placed in the same club that come
*earlier* in the children list, and the placement scores add up to the spec's total.

The document is assumed valid (the solver's reader rejects invalid ones); absent optional fields
take the reader's defaults. Fees are summed exactly (`math.fsum`); a total above the budget by
less than 1e-6 DKK is taken as float noise, not a breach.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

EARTH_RADIUS_KM = 6371.0
DEFAULT_PARAMS: dict[str, Any] = {
    "preference_points": [100, 75, 50, 30, 15],
    "waiting_points": 10,
    "distance_penalty_per_km": 2.0,
    "sibling_points": 20,
    "budget": None,
    "language_points": 40,
    "children_age_points": 30,
    "interest_points": 10,
    "interest_points_cap": 30,
}
_BUDGET_SLACK = 1e-6


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in km (haversine, Earth radius 6371.0 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def age_on(birth: str, day: date) -> int:
    """Return the age in whole years on `day` of someone born on ISO date `birth`."""
    b = date.fromisoformat(birth)
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def km_between(x: dict, y: dict) -> float:
    """Return the distance in km between the `location`s of two records."""
    lx, ly = x["location"], y["location"]
    return haversine_km(lx["lat"], lx["lon"], ly["lat"], ly["lon"])


def params_of(doc: dict) -> dict[str, Any]:
    """Return the round's params with the spec's defaults filled in."""
    given = {k: v for k, v in (doc.get("params") or {}).items() if v is not None}
    return {**DEFAULT_PARAMS, **given}


def placement_rule_breaks(c: dict, a: dict, day: date) -> list[str]:
    """Return the hard rules (as message tails) that child `c` in activity `a` breaks."""
    out = []
    age = age_on(c["birth_date"], day)
    if age >= 18:
        out.append(f"age {age} is not under 18")
    if not a["min_age"] <= age <= a["max_age"]:
        out.append(f"age {age} outside {a['min_age']}-{a['max_age']}")
    gender = a.get("gender", "any")
    if gender != "any" and gender != c["gender"]:
        out.append(f"gender {c['gender']} but activity is for {gender}")
    if a["category"] not in c["wishes"]:
        out.append(f"category {a['category']} not among wishes {c['wishes']}")
    if not set(a["days"]) & set(c["available_days"]):
        out.append(f"no shared day: activity {a['days']}, child {c['available_days']}")
    if a["id"] in (c.get("excluded_activities") or []):
        out.append("activity was declined before (excluded)")
    km = km_between(c, a)
    if km > c["max_distance_km"]:
        out.append(f"distance {km:.4f} km > max {c['max_distance_km']}")
    return out


def pairing_rule_breaks(f: dict, k: dict, day: date) -> list[str]:
    """Return the hard rules (as message tails) that pairing family `f` with `k` breaks."""
    out = []
    km = km_between(f, k)
    if km > k["max_distance_km"]:
        out.append(f"distance {km:.4f} km > max {k['max_distance_km']}")
    if k["id"] in (f.get("excluded_contact_families") or []):
        out.append("contact family was declined before (excluded)")
    young = any(age_on(b, day) < 15 for b in f.get("children_birth_dates") or [])
    if young and not k.get("child_certificate", False):
        out.append("family has a child under 15 but contact family has no child certificate")
    return out


def placement_base_score(c: dict, a: dict, p: dict) -> int | float:
    """Return the placement score without sibling points, per the spec's formula."""
    rank = c["wishes"].index(a["category"])
    prefs = p["preference_points"]
    wish = prefs[rank] if rank < len(prefs) else 0
    waiting = p["waiting_points"] * c.get("rounds_waited", 0)
    return wish + waiting - round(p["distance_penalty_per_km"] * km_between(c, a))


def pairing_score(f: dict, k: dict, day: date, p: dict) -> int | float:
    """Return the pairing score per the spec's formula."""
    score = 0
    if set(f.get("languages") or []) & set(k.get("languages") or []):
        score += p["language_points"]
    f_ages = [age_on(b, day) for b in f.get("children_birth_dates") or []]
    k_ages = [age_on(b, day) for b in k.get("children_birth_dates") or []]
    if any(abs(x - y) <= 2 for x in f_ages for y in k_ages):
        score += p["children_age_points"]
    shared = set(f.get("interests") or []) & set(k.get("interests") or [])
    score += min(p["interest_points"] * len(shared), p["interest_points_cap"])
    score += p["waiting_points"] * f.get("rounds_waited", 0)
    return score - round(p["distance_penalty_per_km"] * km_between(f, k))


def _assignments(
    doc: dict, result: dict, spec: tuple[str, str, str, str, str, str]
) -> tuple[list[str], list[tuple[dict, dict, dict]]]:
    """Check one side (placements or pairings): ids, once each, capacities, left-out list."""
    lst, left, who_key, what_key, who_list, what_list = spec
    errs: list[str] = []
    whos = {r["id"]: r for r in doc.get(who_list) or []}
    whats = {r["id"]: r for r in doc.get(what_list) or []}
    load: dict[str, int] = {}
    seen: set[str] = set()
    valid = []
    for rec in result.get(lst) or []:
        who, what = rec.get(who_key), rec.get(what_key)
        tag = f"{lst[:-1]} {who_key}={who} {what_key}={what}"
        if who not in whos:
            errs.append(f"{tag}: unknown {who_key} id")
        if what not in whats:
            errs.append(f"{tag}: unknown {what_key} id")
        if who in seen:
            errs.append(f"{tag}: {who_key} {who} appears more than once in {lst}")
        seen.add(who)
        if who in whos and what in whats:
            load[what] = load.get(what, 0) + 1
            valid.append((rec, whos[who], whats[what]))
    for what, n in load.items():
        cap = whats[what].get("capacity", 0)
        if n > cap:
            errs.append(f"{what_key} {what}: {n} assigned > capacity {cap}")
    left_ids: set[str] = set()
    for rec in result.get(left) or []:
        who = rec.get(who_key)
        if who not in whos:
            errs.append(f"{left} {who_key}={who}: unknown {who_key} id")
        if who in left_ids:
            errs.append(f"{left} {who_key}={who}: listed more than once")
        if who in seen:
            errs.append(f"{left} {who_key}={who}: also in {lst}")
        if not isinstance(rec.get("reason"), str) or not rec["reason"]:
            errs.append(f"{left} {who_key}={who}: no reason given")
        left_ids.add(who)
    for who in whos:
        if who not in seen and who not in left_ids:
            errs.append(f"{who_key} {who}: neither in {lst} nor in {left}")
    return errs, valid


def _sibling_counts(doc: dict, placed: list[tuple[dict, dict, dict]]) -> dict[str, int]:
    """Return, per placed child id, its siblings in the same club earlier in the children list."""
    order = {c["id"]: i for i, c in enumerate(doc.get("children") or [])}
    groups: dict[tuple[str, str], list[str]] = {}
    for _, c, a in placed:
        groups.setdefault((c["family"], a["club"]), []).append(c["id"])
    out = {}
    for members in groups.values():
        for cid in members:
            out[cid] = sum(order[o] < order[cid] for o in members)
    return out


def violations(doc: dict, result: dict) -> list[str]:
    """Return every way `result` breaks the round's rules or scores; [] means valid."""
    errs: list[str] = []
    if result.get("format") != "matcher-result/1":
        errs.append(f"result: format {result.get('format')!r} is not 'matcher-result/1'")
    if result.get("status") not in ("optimal", "feasible"):
        errs.append(f"result: status {result.get('status')!r} is not optimal/feasible")
    day = date.fromisoformat(doc["round_date"])
    p = params_of(doc)
    side_c, placed = _assignments(
        doc, result, ("placements", "unplaced", "child", "activity", "children", "activities")
    )
    side_f, paired = _assignments(
        doc,
        result,
        ("pairings", "unpaired", "family", "contact_family", "families", "contact_families"),
    )
    errs += side_c + side_f
    siblings = _sibling_counts(doc, placed)
    total = 0
    for rec, c, a in placed:
        tag = f"placement child={c['id']} activity={a['id']}"
        breaks = placement_rule_breaks(c, a, day)
        errs += [f"{tag}: {b}" for b in breaks]
        if a["category"] not in c["wishes"]:
            continue
        want = placement_base_score(c, a, p) + p["sibling_points"] * siblings[c["id"]]
        total += want
        if rec.get("score") != want:
            errs.append(f"{tag}: score {rec.get('score')} != {want} by the spec")
    pair_total = 0
    for rec, f, k in paired:
        tag = f"pairing family={f['id']} contact_family={k['id']}"
        errs += [f"{tag}: {b}" for b in pairing_rule_breaks(f, k, day)]
        want = pairing_score(f, k, day, p)
        pair_total += want
        if rec.get("score") != want:
            errs.append(f"{tag}: score {rec.get('score')} != {want} by the spec")
    if p["budget"] is not None:
        fees = math.fsum(a.get("fee", 0) for _, _, a in placed)
        if fees > p["budget"] + _BUDGET_SLACK:
            errs.append(f"budget: fees {fees:g} > budget {p['budget']:g}")
    errs += _stats_errors(result, total, pair_total)
    return errs


def _stats_errors(result: dict, total: int | float, pair_total: int | float) -> list[str]:
    """Check stats against the lists: counts, the recomputed totals, the bound."""
    stats = result.get("stats") or {}
    want = {
        "placed": len(result.get("placements") or []),
        "paired": len(result.get("pairings") or []),
        "score": total,
        "pair_score": pair_total,
    }
    errs = [
        f"stats.{key}: {stats.get(key)} != {value} from the lists"
        for key, value in want.items()
        if stats.get(key) != value
    ]
    bound = stats.get("bound")
    if bound is not None and isinstance(stats.get("score"), int | float) and bound < total:
        errs.append(f"stats.bound: {bound} < score {total}")
    return errs
