"""The round as frozen dataclasses, read and validated from a `matcher-round/1` document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import RoundError
from .fields import Record

FORMAT = "matcher-round/1"
GENDERS = ("female", "male", "other")
ACTIVITY_GENDERS = ("any", "female", "male")

# Upper limits, far above any real round (the defaults are 10-100 points and 2 points a km),
# that keep every score and every folded weight of the flows exact in 64-bit integers (see
# `solve.check_scale` for the limit that depends on the round's size too).
MAX_POINTS = 100_000
MAX_PENALTY_PER_KM = 10_000.0
MAX_ROUNDS_WAITED = 1_000
MAX_CAPACITY = 1_000_000
MAX_FEE = 1_000_000.0  # DKK a place


@dataclass(frozen=True)
class Params:
    """Weights of the scores and the optional subsidy budget (DKK)."""

    preference_points: tuple[int, ...] = (100, 75, 50, 30, 15)
    waiting_points: int = 10
    distance_penalty_per_km: float = 2.0
    sibling_points: int = 20
    budget: float | None = None
    language_points: int = 40
    children_age_points: int = 30
    interest_points: int = 10
    interest_points_cap: int = 30


@dataclass(frozen=True)
class Child:
    """A refugee child under 18 who wishes for a leisure activity."""

    id: str
    family: str
    birth_date: date
    gender: str
    lat: float
    lon: float
    max_distance_km: float
    available_days: frozenset[str]
    wishes: tuple[str, ...]
    rounds_waited: int
    excluded_activities: frozenset[str]


@dataclass(frozen=True)
class Activity:
    """Subsidised places that a club posts."""

    id: str
    club: str
    category: str
    min_age: int
    max_age: int
    gender: str
    days: frozenset[str]
    lat: float
    lon: float
    capacity: int
    fee: float


@dataclass(frozen=True)
class Family:
    """A refugee family wishing for a contact family."""

    id: str
    lat: float
    lon: float
    languages: frozenset[str]
    children_birth_dates: tuple[date, ...]
    interests: frozenset[str]
    rounds_waited: int
    excluded_contact_families: frozenset[str]


@dataclass(frozen=True)
class ContactFamily:
    """A Danish volunteer family."""

    id: str
    lat: float
    lon: float
    languages: frozenset[str]
    children_birth_dates: tuple[date, ...]
    interests: frozenset[str]
    capacity: int
    max_distance_km: float
    child_certificate: bool


@dataclass(frozen=True)
class Round:
    """One validated matching round."""

    round_date: date
    params: Params
    children: tuple[Child, ...]
    activities: tuple[Activity, ...]
    families: tuple[Family, ...]
    contact_families: tuple[ContactFamily, ...]


def _child(r: Record) -> Child:
    lat, lon = r.point("location")
    return Child(
        id=r.str("id"),
        family=r.str("family"),
        birth_date=r.date("birth_date"),
        gender=r.choice("gender", GENDERS),
        lat=lat,
        lon=lon,
        max_distance_km=r.number("max_distance_km"),
        available_days=r.days("available_days"),
        wishes=r.strings("wishes"),
        rounds_waited=r.int("rounds_waited", 0, maximum=MAX_ROUNDS_WAITED),
        excluded_activities=frozenset(r.strings("excluded_activities")),
    )


def _activity(r: Record) -> Activity:
    lat, lon = r.point("location")
    min_age, max_age = r.int("min_age"), r.int("max_age")
    if max_age < min_age:
        raise RoundError(r.at("max_age"), "must be >= min_age")
    return Activity(
        id=r.str("id"),
        club=r.str("club"),
        category=r.str("category"),
        min_age=min_age,
        max_age=max_age,
        gender=r.choice("gender", ACTIVITY_GENDERS, "any"),
        days=r.days("days"),
        lat=lat,
        lon=lon,
        capacity=r.int("capacity", maximum=MAX_CAPACITY),
        fee=r.number("fee", 0.0, maximum=MAX_FEE),
    )


def _family(r: Record) -> Family:
    lat, lon = r.point("location")
    return Family(
        id=r.str("id"),
        lat=lat,
        lon=lon,
        languages=frozenset(r.strings("languages")),
        children_birth_dates=r.dates("children_birth_dates"),
        interests=frozenset(r.strings("interests")),
        rounds_waited=r.int("rounds_waited", 0, maximum=MAX_ROUNDS_WAITED),
        excluded_contact_families=frozenset(r.strings("excluded_contact_families")),
    )


def _contact_family(r: Record) -> ContactFamily:
    lat, lon = r.point("location")
    return ContactFamily(
        id=r.str("id"),
        lat=lat,
        lon=lon,
        languages=frozenset(r.strings("languages")),
        children_birth_dates=r.dates("children_birth_dates"),
        interests=frozenset(r.strings("interests")),
        capacity=r.int("capacity", maximum=MAX_CAPACITY),
        max_distance_km=r.number("max_distance_km"),
        child_certificate=r.bool("child_certificate", False),
    )


def _params(r: Record) -> Params:
    d = Params()
    budget = r.obj.get("budget")
    top = MAX_POINTS
    return Params(
        preference_points=r.ints("preference_points", list(d.preference_points), top),
        waiting_points=r.int("waiting_points", d.waiting_points, maximum=top),
        distance_penalty_per_km=r.number(
            "distance_penalty_per_km", d.distance_penalty_per_km, maximum=MAX_PENALTY_PER_KM
        ),
        sibling_points=r.int("sibling_points", d.sibling_points, maximum=top),
        budget=None if budget is None else r.number("budget"),
        language_points=r.int("language_points", d.language_points, maximum=top),
        children_age_points=r.int("children_age_points", d.children_age_points, maximum=top),
        interest_points=r.int("interest_points", d.interest_points, maximum=top),
        interest_points_cap=r.int("interest_points_cap", d.interest_points_cap, maximum=top),
    )


def _records(doc: dict[str, Any], name: str, read: Any) -> tuple[Any, ...]:
    items = doc.get(name) or []
    if not isinstance(items, list):
        raise RoundError(name, "must be a list")
    seen: set[str] = set()
    out = []
    for i, obj in enumerate(items):
        record = read(Record(obj, f"{name}[{i}]"))
        if record.id in seen:
            raise RoundError(f"{name}[{i}].id", f'duplicate id "{record.id}"')
        seen.add(record.id)
        out.append(record)
    return tuple(out)


def read_round(doc: Any) -> Round:
    """Validate a `matcher-round/1` document and return it as a Round."""
    if not isinstance(doc, dict):
        raise RoundError("document", "must be a JSON object")
    top = Record(doc, "")
    if doc.get("format") != FORMAT:
        raise RoundError("format", f'must be "{FORMAT}"')
    return Round(
        round_date=top.date("round_date"),
        params=_params(Record(doc.get("params") or {}, "params")),
        children=_records(doc, "children", _child),
        activities=_records(doc, "activities", _activity),
        families=_records(doc, "families", _family),
        contact_families=_records(doc, "contact_families", _contact_family),
    )
