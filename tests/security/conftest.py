"""A test world for the permission matrix: two municipalities, each with clubs A and B, a family
with a child placed in each club, a contact family, a round, and a user of every role."""

from dataclasses import dataclass, field

import pytest

from matcher.extensions import db
from matcher.models import Language
from tests import factories as f

PAYLOAD = '<script>alert(1)</script>"onmouseover=x'


@dataclass
class World:
    """Records by scope ("home", "club_b", "other") and users by key."""

    scopes: dict[str, dict] = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def role_users(self) -> dict:
        """Return the home municipality's users, one per role (club contact of club A)."""
        return {
            "staff": self.users["staff"],
            "coordinator": self.users["coordinator"],
            "club_contact": self.users["contact_a"],
        }


def _municipality_records(code: str, label: str, names: dict, family_extra: dict) -> dict:
    mun = f.municipality(code=code, name=f"{label}kommune")
    coordinator = f.user(mun, "coordinator", name=names.get("user", f"Koordinator {label}"))
    records: dict = {"municipality": mun, "coordinator": coordinator}
    for side in ("a", "b"):
        club = f.club(mun, names.get("club", f"Klub {side.upper()} {label}"))
        fam = f.family(
            mun,
            names.get("family", f"Familie{side}{label}"),
            children=1,
            coordinator_id=coordinator.id,
            **family_extra,
        )
        child = fam.children[0]
        if "child" in names:
            child.first_name = names["child"]
        activity = club.activities[0]
        placement = f.accepted_match(mun, child=child, activity=activity)
        # A finished round as the round service leaves it: its parameters and input document.
        placement.round.params = {"budget": None}
        placement.round.input_doc = {"municipality": code}
        records[side] = {
            "municipality": mun,
            "club": club,
            "activity": activity,
            "family": fam,
            "child": child,
            "proposal": placement,
            "round": placement.round,
            "user": coordinator,
        }
    cf = f.contact_family(mun, names.get("contact_family", f"Kontakt {label}"))
    records["a"]["contact_family"] = records["b"]["contact_family"] = cf
    return records


def build_world(names: dict | None = None, family_extra: dict | None = None) -> World:
    """Create the two municipalities with their records and users, and commit."""
    names, family_extra = names or {}, family_extra or {}
    home = _municipality_records("home", "Hjem", names, family_extra)
    other = _municipality_records("other", "Anden", names, family_extra)
    world = World()
    world.scopes = {"home": home["a"], "club_b": home["b"], "other": other["a"]}
    hm, om = home["municipality"], other["municipality"]
    world.users = {
        "staff": f.user(hm, "staff", name=names.get("user", "Staff Hjem")),
        "coordinator": home["coordinator"],
        "contact_a": f.user(hm, "club_contact", club=home["a"]["club"]),
        "contact_b": f.user(hm, "club_contact", club=home["b"]["club"]),
        "other_staff": f.user(om, "staff"),
        "other_coordinator": other["coordinator"],
        "other_contact": f.user(om, "club_contact", club=other["a"]["club"]),
    }
    db.session.commit()
    return world


@pytest.fixture
def world(app) -> World:
    """The standard world with plain names."""
    return build_world()


@pytest.fixture
def login_as(app):
    """Return a function giving a test client logged in as a user (one client per user)."""
    clients: dict = {}

    def get(user):
        if user.id not in clients:
            client = app.test_client()
            answer = f.login(client, user.email)
            assert answer.status_code == 302, f"log-in of {user.email} failed"
            clients[user.id] = client
        return clients[user.id]

    return get


def sentinel_language() -> str:
    """Add a language whose names are sentinels, and return its code."""
    db.session.add(Language(code="zz", name_da="Sentinelsk", name_en="Sentinelish"))
    db.session.flush()
    return "zz"
