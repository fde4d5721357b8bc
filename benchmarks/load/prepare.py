"""Prepare a load-test database: the demo municipality, scaled to N families with children and
M coordinators (log-in `load{i}@example.dk`, password PASSWORD), by bulk inserts.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/matcher_load \
        .venv/bin/python -m benchmarks.load.prepare --families 10000 --coordinators 50
"""

import argparse
import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from matcher import create_app
from matcher.extensions import db
from matcher.models import Child, Family, Municipality
from matcher.services import geocode, users
from matcher.services.seed import seed_demo

PASSWORD = "load-test-password-2026"
POSTCODES = ("8600", "8620", "8653", "8680", "8883", "7400", "8800")
NAMES = ("Haddad", "Al-Sayed", "Hussein", "Ahmadi", "Kovalenko", "Shevchenko", "Tesfaye", "Nur")
FIRST = ("Amira", "Omar", "Layla", "Yusuf", "Olena", "Taras", "Selam", "Abdi", "Maryam", "Ali")


def prepare(n_families: int, n_coordinators: int, seed: int = 1) -> dict:
    """Load the demo data, then add coordinators and families with children in bulk."""
    rnd = random.Random(seed)
    db.drop_all()
    db.create_all()
    seed_demo()
    mun = db.session.scalar(select(Municipality).where(Municipality.code == "demo"))
    coordinators = [
        users.create_user(f"load{i}@example.dk", PASSWORD, "coordinator", mun.id, f"Load {i}")
        for i in range(n_coordinators)
    ]
    db.session.flush()
    rows = []
    for i in range(n_families):
        code = rnd.choice(POSTCODES)
        where = geocode.lookup(code)
        rows.append(
            {
                "municipality_id": mun.id,
                "reference": f"L-{i:06d}",
                "name": f"{rnd.choice(NAMES)} {i}",
                "address": f"Testvej {i % 200 + 1}",
                "postcode": code,
                "lat": where.lat + rnd.uniform(-0.02, 0.02),
                "lon": where.lon + rnd.uniform(-0.02, 0.02),
                "location_override": False,
                "phone": f"2{rnd.randrange(10**7):07d}",
                "languages": [rnd.choice(["ar", "uk", "ti"])],
                "interests": [],
                "arrival_date": date(2023, 1, 1) + timedelta(days=rnd.randrange(1000)),
                "coordinator_id": coordinators[i % n_coordinators].id,
                "wants_contact_family": rnd.random() < 0.6,
                "notes": "",
            }
        )
    ids = []
    for start in range(0, len(rows), 2000):
        ids += db.session.scalars(
            insert(Family).returning(Family.id), rows[start : start + 2000]
        ).all()
    children = [
        {
            "family_id": fid,
            "first_name": rnd.choice(FIRST),
            "birth_date": date(2008, 1, 1) + timedelta(days=rnd.randrange(6000)),
            "gender": rnd.choice(["female", "male"]),
            "wishes": ["football"],
            "available_days": ["mon", "wed"],
            "max_distance_km": 5.0,
        }
        for fid in ids
        for _ in range(rnd.choice([0, 1, 2, 2, 3]))
    ]
    for start in range(0, len(children), 5000):
        db.session.execute(insert(Child), children[start : start + 5000])
    db.session.commit()
    analyse()
    return {"families": len(ids), "children": len(children), "coordinators": n_coordinators}


def analyse() -> None:
    """Refresh the planner's statistics after the bulk load, as autovacuum would in production.

    Without them PostgreSQL estimates 5 families instead of 10,000 and picks nested loops."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def main() -> None:
    """Prepare the database named by DATABASE_URL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--coordinators", type=int, default=50)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        print(prepare(args.families, args.coordinators))


if __name__ == "__main__":
    main()
