"""Users and roles."""

from flask_security import hash_password
from sqlalchemy import select

from matcher.extensions import db, security
from matcher.models import Role, User
from matcher.models.user import ROLES


def ensure_roles() -> dict[str, Role]:
    """Create the three roles if missing and return them by name."""
    existing = {r.name: r for r in db.session.scalars(select(Role))}
    for name in ROLES:
        if name not in existing:
            existing[name] = Role(name=name)
            db.session.add(existing[name])
    return existing


def create_user(
    email: str,
    password: str,
    role: str,
    municipality_id: int,
    name: str = "",
    club_id: int | None = None,
) -> User:
    """Create an active user with one role."""
    roles = ensure_roles()
    if role not in roles:
        raise ValueError(f"unknown role {role!r}")
    user = security.datastore.create_user(
        email=email.strip().lower(),
        password=hash_password(password),
        name=name,
        municipality_id=municipality_id,
        club_id=club_id,
        roles=[roles[role]],
    )
    return user
