"""Users and roles, in the shape Flask-Security expects."""

from datetime import datetime

from flask_security import RoleMixin, UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.models.base import Timestamps, UTCDateTime

STAFF = "staff"
COORDINATOR = "coordinator"
CLUB_CONTACT = "club_contact"
ROLES = (STAFF, COORDINATOR, CLUB_CONTACT)

user_role = Table(
    "user_role",
    db.metadata,
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", Integer, ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
)


class Role(db.Model, RoleMixin):
    """A role: staff, coordinator or club_contact."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(String(255))


class User(db.Model, UserMixin, Timestamps):
    """A person who logs in; belongs to one municipality, and a club contact to one club."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    fs_uniquifier: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_ip: Mapped[str | None] = mapped_column(String(64))
    current_login_ip: Mapped[str | None] = mapped_column(String(64))
    login_count: Mapped[int | None] = mapped_column(Integer)
    tf_primary_method: Mapped[str | None] = mapped_column(String(64))
    tf_totp_secret: Mapped[str | None] = mapped_column(String(255))
    tf_phone_number: Mapped[str | None] = mapped_column(String(128))
    # The last accepted two-factor time step: a code is never accepted twice (replay).
    tf_totp_last_counter: Mapped[int | None] = mapped_column(Integer)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    club_id: Mapped[int | None] = mapped_column(ForeignKey("club.id"), index=True)

    roles = relationship("Role", secondary=user_role, backref="users", lazy="selectin")
    municipality = relationship("Municipality")
    club = relationship("Club", back_populates="contacts")

    @property
    def role(self) -> str | None:
        """Return the user's main role name (users have one role in matcher)."""
        names = {r.name for r in self.roles}
        for name in ROLES:
            if name in names:
                return name
        return None
