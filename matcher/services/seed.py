"""Load the demo data from `seeds/` through the same services the UI uses, once."""

import csv
import json
from pathlib import Path

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Category, Language, Municipality
from matcher.services import records, users
from matcher.services.paths import shipped_folder


def seeds_folder() -> Path:
    """Return the folder with the demo data."""
    return shipped_folder("seeds")


def _json(folder: Path, name: str):
    return json.loads((folder / name).read_text(encoding="utf-8"))


def load_reference_data(folder: Path) -> None:
    """Insert or update activity categories and languages."""
    for model, filename in ((Category, "categories.csv"), (Language, "languages.csv")):
        with (folder / filename).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                db.session.merge(
                    model(code=row["code"], name_da=row["name_da"], name_en=row["name_en"])
                )


def seed_demo(folder: Path | None = None) -> bool:
    """Load the demo municipality unless it is there already; return whether it was loaded."""
    folder = folder or seeds_folder()
    meta = _json(folder, "municipality.json")
    if db.session.scalar(select(Municipality).where(Municipality.code == meta["code"])):
        return False
    try:
        load_reference_data(folder)
        mun = Municipality(
            code=meta["code"], name=meta["name"], contact_email=meta.get("contact_email")
        )
        db.session.add(mun)
        db.session.flush()
        clubs = {}
        for c in _json(folder, "clubs.json"):
            clubs[c["name"]] = records.create_club(mun.id, c)
        db.session.flush()
        people = {}
        for u in _json(folder, "users.json"):
            club = clubs.get(u.get("club")) if u.get("club") else None
            people[u["email"]] = users.create_user(
                u["email"],
                u["password"],
                u["role"],
                mun.id,
                u.get("name", ""),
                club.id if club else None,
            )
        db.session.flush()
        for f in _json(folder, "families.json"):
            consent = f.get("consent") or {}
            data = {
                **f,
                "consent_given_by": consent.get("given_by"),
                "consent_date": consent.get("date"),
                "coordinator_id": _user_id(people, f.get("coordinator")),
                "backup_coordinator_id": _user_id(people, f.get("backup_coordinator")),
            }
            records.create_family(mun.id, data)
        for cf in _json(folder, "contact_families.json"):
            records.create_contact_family(mun.id, cf)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return True


def _user_id(people: dict, email: str | None) -> int | None:
    user = people.get(email) if email else None
    return user.id if user else None


def demo_logins(folder: Path | None = None) -> list[dict]:
    """Return the demo logins (e-mail, password, role) to print for a new user."""
    return _json(folder or seeds_folder(), "users.json")
