"""Small builders for test data, going through the same services as the application."""

from itertools import count

from matcher.extensions import db
from matcher.models import Category, Language, Municipality
from matcher.services import records, users

_seq = count(1)
PASSWORD = "correct horse battery staple"


def municipality(code: str | None = None, name: str = "Testkommune") -> Municipality:
    """Create a municipality with the reference data the forms need."""
    code = code or f"m{next(_seq)}"
    mun = Municipality(code=code, name=name)
    db.session.add(mun)
    for c, da, en in (("football", "Fodbold", "Football"), ("swimming", "Svømning", "Swimming")):
        if db.session.get(Category, c) is None:
            db.session.add(Category(code=c, name_da=da, name_en=en))
    for c, da, en in (("da", "Dansk", "Danish"), ("ar", "Arabisk", "Arabic")):
        if db.session.get(Language, c) is None:
            db.session.add(Language(code=c, name_da=da, name_en=en))
    db.session.flush()
    return mun


def user(mun: Municipality, role: str, club=None, email: str | None = None, name: str = ""):
    """Create a user with one role."""
    email = email or f"{role}{next(_seq)}@example.dk"
    u = users.create_user(email, PASSWORD, role, mun.id, name or role, club.id if club else None)
    db.session.flush()
    return u


def club(mun: Municipality, name: str = "Testklub IF", places: int = 3):
    """Create a club in 8600 Silkeborg with one football activity."""
    c = records.create_club(
        mun.id,
        {
            "name": name,
            "postcode": "8600",
            "address": "Stadionvej 1",
            "activities": [
                {
                    "name": "Fodbold U12",
                    "category": "football",
                    "min_age": 9,
                    "max_age": 12,
                    "weekdays": ["mon", "wed"],
                    "places": places,
                    "fee": 800,
                }
            ],
        },
    )
    db.session.flush()
    return c


def family(mun: Municipality, name: str = "Haddad", children: int = 2, **extra):
    """Create a refugee family in 8600 with some children."""
    f = records.create_family(
        mun.id,
        {
            "reference": f"T-{next(_seq)}",
            "name": name,
            "address": "Birkevej 3",
            "postcode": "8600",
            "languages": ["ar"],
            "arrival_date": "2025-03-01",
            "children": [
                {
                    "first_name": f"Barn{i}",
                    "birth_date": f"{2012 + i}-05-0{i + 1}",
                    "gender": "female" if i % 2 else "male",
                    "wishes": ["football"],
                    "available_days": ["mon", "wed"],
                    "max_distance_km": 5,
                }
                for i in range(children)
            ],
            **extra,
        },
    )
    db.session.flush()
    return f


def login(client, email: str, password: str = PASSWORD):
    """Log a test client in through the real log-in form."""
    return client.post("/login", data={"email": email, "password": password})


def contact_family(mun: Municipality, name: str = "Familien Jensen", **extra):
    """Create a volunteer contact family in 8600, applied unless told otherwise."""
    cf = records.create_contact_family(
        mun.id,
        {
            "name": name,
            "contact_name": "Mette Jensen",
            "email": f"cf{next(_seq)}@example.dk",
            "phone": "20304050",
            "address": "Søvej 4",
            "postcode": "8600",
            "languages": ["da"],
            "interests": ["football"],
            "status": "applied",
            **extra,
        },
    )
    db.session.flush()
    return cf


def accepted_match(
    mun: Municipality,
    *,
    child=None,
    activity=None,
    family=None,
    contact_family=None,
    round_date: str = "2026-09-01",
    status: str = "accepted",
):
    """Create a finished round with one proposal in `status`: a placement when a child is given
    (child + activity), else a pairing (family + contact_family)."""
    from datetime import date

    from matcher.models import Proposal, Round

    rnd = Round(
        municipality_id=mun.id,
        kind="both",
        round_date=date.fromisoformat(round_date),
        status="done",
    )
    db.session.add(rnd)
    if child is not None:
        p = Proposal(
            round=rnd, kind="placement", child_id=child.id, activity_id=activity.id, status=status
        )
    else:
        p = Proposal(
            round=rnd,
            kind="pairing",
            family_id=family.id,
            contact_family_id=contact_family.id,
            status=status,
        )
    db.session.add(p)
    db.session.flush()
    return p


def families_csv(
    rows: int = 200, bad_row: int | None = None, delimiter: str = ";", prefix: str = "IMP"
) -> bytes:
    """Build a families import file with `rows` child rows (two children per family; a family's
    second row repeats only its reference and name), UTF-8 with a BOM; `bad_row` (a data row,
    1-based) gets the unknown postcode 9999."""
    from matcher.services.family_import import HEADERS

    lines = [delimiter.join(HEADERS)]
    for i in range(1, rows + 1):
        family = (i + 1) // 2
        postcode = "9999" if i == bad_row else "8600"
        cells = {
            "reference": f"{prefix}-{family:04d}",
            "name": f"Familie Ø{family}",
            "address": "Søvej 2",
            "postcode": postcode,
            "languages": "ar",
            "arrival_date": "2025-02-01",
            "wants_contact_family": "ja",
            "child_first_name": f"Åse{i}",
            "child_birth_date": "2015-06-01",
            "child_gender": "female",
            "child_wishes": "football",
            "child_available_days": "mon",
            "child_max_distance_km": "5",
        }
        if i % 2 == 0:  # the family's second child: its other family columns may stay empty
            for key in ("address", "postcode", "languages", "arrival_date", "wants_contact_family"):
                cells[key] = "9999" if i == bad_row and key == "postcode" else ""
        lines.append(delimiter.join(cells.get(h, "") for h in HEADERS))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
