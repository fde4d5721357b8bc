"""Time the coordinators' families list with 10,000 families and count its SQL queries.

    .venv/bin/python -m benchmarks.list_pages [--families 10000] [--repeat 15]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench]

Fills a fresh database (a temporary SQLite file unless a URL is given; a PostgreSQL database is
emptied first) with families, two children on average, placements and pairings, then asks for
the list page through the test client with a logged-in coordinator: plain, searched, each
filter, a late page, and the start page. Server time is the wall time of the in-process request
(routing, queries, rendering); queries are counted with an engine event listener. A query count
that stays the same for a full page of 50 and a page of 3 shows there is no query per family.
"""

import argparse
import random
import re
import statistics
import tempfile
import time
from datetime import date, timedelta

from sqlalchemy import event, insert, select

from matcher import create_app
from matcher.extensions import db
from matcher.models import Activity, Child, Family, Municipality, Proposal, Round
from matcher.services import records, seed, users
from matcher.services.paths import shipped_folder

PASSWORD = "benchmark-password-2026"
FAMILY_LINK = re.compile(r'href="/coordinator/families/\d+"')
COORDINATORS = 8
REQUESTS = [
    ("list, page 1", "/coordinator/families/"),
    ("list, page 100", "/coordinator/families/?page=100"),
    ("search name", "/coordinator/families/?q=sen"),
    ("search reference", "/coordinator/families/?q=BM-00042"),
    ("waiting for contact family", "/coordinator/families/?waiting=1"),
    ("children without activity", "/coordinator/families/?without_activity=1"),
    ("arrived in 2025", "/coordinator/families/?arrived_from=2025-01-01&arrived_to=2025-12-31"),
    ("one coordinator", "/coordinator/families/?coordinator={other}"),
    ("all filters", "/coordinator/families/?waiting=1&without_activity=1&q=a"
     "&arrived_from=2024-01-01&coordinator={other}"),
    ("start page", "/coordinator/"),
]  # fmt: skip
NAMES = [
    "Haddad", "Osman", "Kravchenko", "Ahmadi", "Tesfay", "Mohamed", "Hassan", "Nielsen",
    "Abdi", "Shevchenko", "Rahimi", "Berhane", "Ali", "Yusuf", "Bondarenko", "Karimi",
]  # fmt: skip


def fill(n_families: int, rng: random.Random) -> tuple[int, list[int]]:
    """Insert the families, children, a round with placements and pairings; return ids."""
    seed.load_reference_data(shipped_folder("seeds"))
    mun = Municipality(code="bench", name="Benchmark Kommune")
    db.session.add(mun)
    db.session.flush()
    coordinators = [
        users.create_user(f"k{i}@bench.dk", PASSWORD, "coordinator", mun.id, f"Koordinator {i}")
        for i in range(COORDINATORS)
    ]
    club = records.create_club(mun.id, {"name": "Bench IF", "postcode": "8600"})
    for cat in ("football", "swimming", "handball"):
        records.add_activity(
            club, {"name": cat, "category": cat, "min_age": 6, "max_age": 17, "places": 9999}
        )
    db.session.flush()
    coordinator_ids = [c.id for c in coordinators]
    activity_ids = list(db.session.scalars(select(Activity.id)))
    start = date(2023, 1, 1)
    families = [
        {
            "municipality_id": mun.id, "reference": f"BM-{i:05d}",
            "name": f"{rng.choice(NAMES)}sen {i}" if i % 3 == 0 else f"{rng.choice(NAMES)} {i}",
            "address": f"Vej {i}", "postcode": "8600", "lat": 56.17, "lon": 9.55,
            "location_override": False, "languages": ["ar"], "interests": ["music"],
            "arrival_date": start + timedelta(days=rng.randrange(3 * 365)),
            "coordinator_id": rng.choice(coordinator_ids),
            "backup_coordinator_id": rng.choice(coordinator_ids),
            "wants_contact_family": rng.random() < 0.8, "notes": "", "version": 1,
        }
        for i in range(n_families)
    ]  # fmt: skip
    db.session.execute(insert(Family), families)
    family_ids = list(db.session.scalars(select(Family.id).order_by(Family.id)))
    children = [
        {
            "family_id": fid, "first_name": f"Barn{k}",
            "birth_date": date(2009, 1, 1) + timedelta(days=rng.randrange(14 * 365)),
            "gender": rng.choice(["female", "male"]), "wishes": ["football"],
            "available_days": ["mon"], "max_distance_km": 5.0, "version": 1,
        }
        for fid in family_ids
        for k in range(rng.choice([0, 1, 2, 2, 3, 4]))
    ]  # fmt: skip
    db.session.execute(insert(Child), children)
    rnd = Round(municipality_id=mun.id, kind="both", round_date=date(2025, 8, 15), status="done")
    db.session.add(rnd)
    db.session.flush()
    child_ids = list(db.session.scalars(select(Child.id)))
    proposals = [
        {
            "round_id": rnd.id, "kind": "placement", "child_id": cid,
            "activity_id": rng.choice(activity_ids), "status": "accepted", "version": 1,
        }
        for cid in rng.sample(child_ids, len(child_ids) // 3)
    ] + [
        {"round_id": rnd.id, "kind": "pairing", "family_id": fid, "status": "accepted",
         "version": 1}
        for fid in rng.sample(family_ids, len(family_ids) // 3)
    ]  # fmt: skip
    db.session.execute(insert(Proposal), proposals)
    db.session.commit()
    return len(children), coordinator_ids


def measure(app, repeat: int, other_id: int) -> list[tuple[str, float, float, int, int]]:
    """Request each page `repeat` times; return (name, median ms, max ms, queries, rows)."""
    queries = {"n": 0}

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(*_args, **_kwargs):
        queries["n"] += 1

    client = app.test_client()
    answer = client.post("/login", data={"email": "k0@bench.dk", "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    results = []
    for name, url in REQUESTS:
        url = url.format(other=other_id)
        times = []
        for _ in range(repeat + 1):
            queries["n"] = 0
            began = time.perf_counter()
            answer = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            assert answer.status_code == 200, (url, answer.status_code)
        html = answer.get_data(as_text=True)
        rows = len(FAMILY_LINK.findall(html))
        times = times[1:]  # the first request warms caches
        results.append((name, statistics.median(times), max(times), queries["n"], rows))
    return results


def main() -> None:
    """Fill the database, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="matcher-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 30,
        "SECURITY_PASSWORD_SALT": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
        "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": {"argon2__rounds": 1},
    })  # fmt: skip
    with app.app_context():
        db.drop_all()
        db.create_all()
        began = time.perf_counter()
        n_children, coordinator_ids = fill(args.families, random.Random(2026))
        filled = time.perf_counter() - began
        backend = db.engine.dialect.name
        results = measure(app, args.repeat, coordinator_ids[1])
    print(
        f"{backend}: {args.families:,} families, {n_children:,} children (filled in "
        f"{filled:.1f} s); {args.repeat} timed requests per page after one warm-up"
    )
    print(f"{'page':<28} {'median ms':>10} {'max ms':>8} {'queries':>8} {'rows':>5}")
    for name, median, worst, n_queries, rows in results:
        print(f"{name:<28} {median:>10.1f} {worst:>8.1f} {n_queries:>8} {rows:>5}")


if __name__ == "__main__":
    main()
