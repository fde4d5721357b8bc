"""Time every list page with 10,000 families and count its SQL queries (issue 3: < 300 ms).

    .venv/bin/python -m benchmarks.list_pages [--families 10000] [--repeat 15]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench]

Fills a fresh database (a temporary SQLite file unless a URL is given; a PostgreSQL database is
emptied first) with families, two children on average, 2,000 contact families, 100 clubs with
300 activities, 12 finished rounds (with result documents of a realistic size) holding the
placements and pairings, and 50,000 audit events. Then asks for each list page through the
test client, logged in as a coordinator (as staff for the audit log): the families list
(plain, searched, each filter, a late page), the start page, the contact families, clubs,
matches, rounds and the audit log. Server time is the wall time of the in-process request
(routing, queries, rendering); queries are counted with an engine event listener. A query count
that stays the same for a full page of 50 and a page of 3 shows there is no query per row.
"""

import argparse
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, insert, select

from benchmarks.load.prepare import analyse
from matcher import create_app
from matcher.extensions import db
from matcher.models import (
    Activity,
    AuditEvent,
    Child,
    Club,
    ContactFamily,
    Family,
    Municipality,
    Proposal,
    Round,
)
from matcher.services import records, seed, users
from matcher.services.paths import shipped_folder

PASSWORD = "benchmark-password-2026"
FAMILY_LINK = re.compile(r'href="/coordinator/families/\d+"')
TABLE_BODY = re.compile(r"<tbody>(.*?)</tbody>", re.S)
COORDINATORS = 8
CONTACT_FAMILIES = 2_000
CLUBS = 100
ROUNDS = 12
AUDIT_EVENTS = 50_000
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
    ("contact families", "/contact-families/"),
    ("contact families, page 20", "/contact-families/?page=20"),
    ("contact families, search", "/contact-families/?q=holm"),
    ("clubs", "/clubs/"),
    ("matches, current", "/matches/"),
    ("matches, all, page 50", "/matches/?show=all&page=50"),
    ("matches, mine", "/matches/?mine=1"),
    ("rounds", "/rounds/"),
    ("audit log (staff)", "/audit/"),
    ("audit log, page 200 (staff)", "/audit/?page=200"),
    ("audit log, one action (staff)", "/audit/?action=view"),
]  # fmt: skip
DANISH = ["Holm", "Jensen", "Nielsen", "Hansen", "Berg", "Lund", "Dahl", "Vestergaard"]
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
    users.create_user("staff@bench.dk", PASSWORD, "staff", mun.id, "Staff")
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
    activity_ids += fill_clubs(mun.id, rng)
    contact_ids = fill_contact_families(mun.id, rng)
    round_ids = fill_rounds(mun.id, rng, len(family_ids))
    child_ids = list(db.session.scalars(select(Child.id)))
    proposals = [
        {
            "round_id": rng.choice(round_ids), "kind": "placement", "child_id": cid,
            "activity_id": rng.choice(activity_ids), "status": "accepted", "version": 1,
            "decided_at": datetime(2025, 8, 20, tzinfo=UTC) + timedelta(minutes=k),
        }
        for k, cid in enumerate(rng.sample(child_ids, len(child_ids) // 3))
    ] + [
        {"round_id": rng.choice(round_ids), "kind": "pairing", "family_id": fid,
         "contact_family_id": rng.choice(contact_ids), "status": "accepted", "version": 1,
         "decided_at": datetime(2025, 8, 20, tzinfo=UTC) + timedelta(minutes=k)}
        for k, fid in enumerate(rng.sample(family_ids, len(family_ids) // 3))
    ]  # fmt: skip
    db.session.execute(insert(Proposal), proposals)
    fill_audit(mun.id, coordinator_ids, family_ids, rng)
    db.session.commit()
    return len(children), coordinator_ids


def fill_clubs(municipality_id: int, rng: random.Random) -> list[int]:
    """Insert clubs with three activities each; return the activities' ids."""
    clubs = [
        {"municipality_id": municipality_id, "name": f"Klub {i:03d}", "postcode": "8600",
         "lat": 56.17, "lon": 9.55, "version": 1}
        for i in range(CLUBS)
    ]  # fmt: skip
    club_ids = db.session.scalars(insert(Club).returning(Club.id), clubs).all()
    activities = [
        {"club_id": cid, "name": f"{cat} {k}", "category_code": cat, "min_age": 6,
         "max_age": 17, "postcode": "8600", "lat": 56.17, "lon": 9.55, "places": 30,
         "weekdays": ["mon"], "version": 1}
        for cid in club_ids
        for k, cat in enumerate(rng.sample(["football", "swimming", "handball"], 3))
    ]  # fmt: skip
    return list(db.session.scalars(insert(Activity).returning(Activity.id), activities))


def fill_contact_families(municipality_id: int, rng: random.Random) -> list[int]:
    """Insert volunteer contact families in every status; return their ids."""
    rows = [
        {"municipality_id": municipality_id, "name": f"Familien {rng.choice(DANISH)} {i}",
         "contact_name": f"Kontakt {i}", "email": f"cf{i}@bench.dk", "postcode": "8600",
         "lat": 56.17, "lon": 9.55, "languages": ["da"], "interests": ["music"],
         "children_birth_dates": [], "capacity": 1 + i % 3,
         "status": rng.choice(["applied", "approved", "approved", "paused"]),
         "motivation": "", "version": 1}
        for i in range(CONTACT_FAMILIES)
    ]  # fmt: skip
    return list(db.session.scalars(insert(ContactFamily).returning(ContactFamily.id), rows))


def fill_rounds(municipality_id: int, rng: random.Random, n_families: int) -> list[int]:
    """Insert finished rounds whose documents have a realistic size (one entry per child)."""
    ids = []
    for k in range(ROUNDS):
        entries = [
            {"child": i, "activity": rng.randrange(300), "score": rng.random(), "why": ["age"]}
            for i in range(n_families * 2)
        ]
        doc = {"stats": {"placed": len(entries) // 3, "paired": n_families // 30}, "rows": entries}
        rnd = Round(
            municipality_id=municipality_id, kind="both", status="done",
            round_date=date(2024, 1, 15) + timedelta(days=60 * k),
            input_doc={"children": entries}, result_doc=doc,
        )  # fmt: skip
        db.session.add(rnd)
        db.session.flush()
        ids.append(rnd.id)
        db.session.expunge(rnd)  # keep the big documents out of the session
    return ids


def fill_audit(
    municipality_id: int, user_ids: list[int], family_ids: list[int], rng: random.Random
) -> None:
    """Insert a year's worth of audit events (views, updates, log-ins)."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = [
        {"at": start + timedelta(minutes=10 * i), "user_id": (uid := rng.choice(user_ids)),
         "user_email": f"k{user_ids.index(uid)}@bench.dk", "municipality_id": municipality_id,
         "action": rng.choice(["view", "view", "view", "update", "login"]),
         "object_type": "family", "object_id": rng.choice(family_ids), "ip": "127.0.0.1",
         "request_id": f"{i:012x}", "detail": {}}
        for i in range(AUDIT_EVENTS)
    ]  # fmt: skip
    for begin in range(0, len(rows), 10_000):
        db.session.execute(insert(AuditEvent), rows[begin : begin + 10_000])


def measure(app, repeat: int, other_id: int) -> list[tuple[str, float, float, int, int]]:
    """Request each page `repeat` times; return (name, median ms, max ms, queries, rows)."""
    queries = {"n": 0}

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(*_args, **_kwargs):
        queries["n"] += 1

    clients = {}
    for role, email in (("coordinator", "k0@bench.dk"), ("staff", "staff@bench.dk")):
        clients[role] = app.test_client()
        answer = clients[role].post("/login", data={"email": email, "password": PASSWORD})
        assert answer.status_code == 302, answer.status_code
    results = []
    for name, url in REQUESTS:
        url = url.format(other=other_id)
        client = clients["staff" if "(staff)" in name else "coordinator"]
        times = []
        for _ in range(repeat + 1):
            queries["n"] = 0
            began = time.perf_counter()
            answer = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            assert answer.status_code == 200, (url, answer.status_code)
        html = answer.get_data(as_text=True)
        if url.startswith("/coordinator"):
            rows = len(FAMILY_LINK.findall(html))
        else:  # table rows, not counting a "nothing matches" row
            body = "".join(TABLE_BODY.findall(html))
            rows = body.count("<tr") - body.count("colspan")
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
        analyse()  # planner statistics, as autovacuum would gather them
        filled = time.perf_counter() - began
        backend = db.engine.dialect.name
        results = measure(app, args.repeat, coordinator_ids[1])
    print(
        f"{backend}: {args.families:,} families, {n_children:,} children (filled in "
        f"{filled:.1f} s); {args.repeat} timed requests per page after one warm-up"
    )
    print(f"{'page':<32} {'median ms':>10} {'max ms':>8} {'queries':>8} {'rows':>5}")
    for name, median, worst, n_queries, rows in results:
        print(f"{name:<32} {median:>10.1f} {worst:>8.1f} {n_queries:>8} {rows:>5}")


if __name__ == "__main__":
    main()
