"""Danish volunteer contact families."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.models.base import Timestamps, UTCDateTime, Versioned

STATUSES = ("applied", "approved", "paused", "ended")


class ContactFamily(Versioned, Timestamps, db.Model):
    """A volunteer family that befriends one or more refugee families."""

    __tablename__ = "contact_family"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(4))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    interests: Mapped[list] = mapped_column(JSON, default=list)
    children_birth_dates: Mapped[list] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    max_distance_km: Mapped[float] = mapped_column(Float, default=10.0)
    child_certificate_checked_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="applied", index=True)
    motivation: Mapped[str] = mapped_column(Text, default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The sign-up form's one-time token: a second submission of the same form finds this row.
    signup_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    municipality = relationship("Municipality")

    @property
    def has_child_certificate(self) -> bool:
        """Return whether a checked child certificate (børneattest) is on file."""
        return self.child_certificate_checked_on is not None
