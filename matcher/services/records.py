"""Creating records from plain data: the one path used by forms, imports and the demo seeds."""

from datetime import date

from matcher.extensions import db
from matcher.models import Activity, Child, Club, ContactFamily, Family
from matcher.services import geocode, interests


def _parse_date(value) -> date | None:
    """Accept a date or an ISO string (YYYY-MM-DD); None stays None."""
    if value is None or value == "" or isinstance(value, date):
        return value or None
    return date.fromisoformat(value)


def _located(data: dict) -> dict:
    """Fill lat/lon from the postcode unless an explicit coordinate is given."""
    lat, lon = geocode.locate(data["postcode"], data.get("lat"), data.get("lon"))
    explicit = data.get("lat") is not None and data.get("lon") is not None
    return {**data, "lat": lat, "lon": lon, "_explicit": explicit}


def new_child(data: dict) -> Child:
    """Build a child from plain data."""
    return Child(
        first_name=data["first_name"],
        birth_date=_parse_date(data["birth_date"]),
        gender=data["gender"],
        wishes=list(data.get("wishes", [])),
        available_days=list(data.get("available_days", [])),
        max_distance_km=float(data.get("max_distance_km", 5)),
    )


def create_family(municipality_id: int, data: dict) -> Family:
    """Add a refugee family (and its children, if given) to the session."""
    d = _located(data)
    family = Family(
        municipality_id=municipality_id,
        reference=d["reference"],
        name=d["name"],
        address=d.get("address", ""),
        postcode=d["postcode"],
        lat=d["lat"],
        lon=d["lon"],
        location_override=d["_explicit"],
        phone=d.get("phone"),
        languages=list(d.get("languages", [])),
        interests=interests.normalise(d.get("interests", [])),
        arrival_date=_parse_date(d["arrival_date"]),
        consent_given_by=d.get("consent_given_by"),
        consent_date=_parse_date(d.get("consent_date")),
        coordinator_id=d.get("coordinator_id"),
        backup_coordinator_id=d.get("backup_coordinator_id"),
        wants_contact_family=bool(d.get("wants_contact_family", True)),
        notes=d.get("notes", ""),
    )
    family.children = [new_child(c) for c in d.get("children", [])]
    db.session.add(family)
    return family


def create_contact_family(municipality_id: int, data: dict) -> ContactFamily:
    """Add a volunteer contact family to the session."""
    d = _located(data)
    fields = (
        "name",
        "contact_name",
        "email",
        "phone",
        "address",
        "postcode",
        "lat",
        "lon",
        "motivation",
        "status",
    )
    cf = ContactFamily(
        municipality_id=municipality_id,
        **{k: d[k] for k in fields if k in d},
        languages=list(d.get("languages", [])),
        interests=interests.normalise(d.get("interests", [])),
        children_birth_dates=[str(_parse_date(x)) for x in d.get("children_birth_dates", [])],
        capacity=int(d.get("capacity", 1)),
        max_distance_km=float(d.get("max_distance_km", 10)),
        child_certificate_checked_on=_parse_date(d.get("child_certificate_checked")),
    )
    db.session.add(cf)
    return cf


def create_club(municipality_id: int, data: dict) -> Club:
    """Add a club (and its activities, if given) to the session."""
    d = _located(data)
    club = Club(
        municipality_id=municipality_id,
        name=d["name"],
        address=d.get("address", ""),
        postcode=d["postcode"],
        lat=d["lat"],
        lon=d["lon"],
        email=d.get("email", ""),
        phone=d.get("phone", ""),
        contact_name=d.get("contact_name", ""),
    )
    db.session.add(club)
    for a in d.get("activities", []):
        add_activity(club, a)
    return club


def add_activity(club: Club, data: dict) -> Activity:
    """Add an activity to a club; its place defaults to the club's address."""
    where = {
        "postcode": data.get("postcode") or club.postcode,
        "lat": data.get("lat"),
        "lon": data.get("lon"),
    }
    # Held at the club's own postcode (or none given): it meets at the club's location.
    if where["lat"] is None and where["postcode"] == club.postcode:
        where["lat"], where["lon"] = club.lat, club.lon
    d = _located({**data, **where})
    activity = Activity(
        name=d["name"],
        category_code=d["category"],
        min_age=int(d["min_age"]),
        max_age=int(d["max_age"]),
        gender=d.get("gender", "any"),
        weekdays=list(d.get("weekdays", [])),
        time=d.get("time", ""),
        address=d.get("address") or club.address,
        postcode=d["postcode"],
        lat=d["lat"],
        lon=d["lon"],
        places=int(d.get("places", 0)),
        fee=int(d.get("fee", 0)),
    )
    club.activities.append(activity)
    return activity
