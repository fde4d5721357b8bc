"""Refugee families and their children."""

from datetime import date, datetime, timedelta

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.models.base import Timestamps, UTCDateTime, Versioned

INTEGRATION_YEARS = 3
STATUS_EVERY_MONTHS = 6
GENDERS = ("female", "male", "other")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Family(Versioned, Timestamps, db.Model):
    """A refugee family housed in the municipality, followed for its integration period."""

    # The municipality's own case reference is the family's natural key (imports rely on it).
    __table_args__ = (UniqueConstraint("municipality_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(4))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    location_override: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str | None] = mapped_column(String(40))
    languages: Mapped[list] = mapped_column(JSON, default=list)
    interests: Mapped[list] = mapped_column(JSON, default=list)
    arrival_date: Mapped[date] = mapped_column(Date, index=True)
    consent_given_by: Mapped[str | None] = mapped_column(String(120))
    consent_date: Mapped[date | None] = mapped_column(Date)
    consent_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    backup_coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    wants_contact_family: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The create form's one-time token: a double submission finds this row instead of a new one.
    create_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    municipality = relationship("Municipality")
    coordinator = relationship("User", foreign_keys=[coordinator_id])
    backup_coordinator = relationship("User", foreign_keys=[backup_coordinator_id])
    children: Mapped[list["Child"]] = relationship(
        back_populates="family", cascade="all, delete-orphan", order_by="Child.birth_date"
    )

    @property
    def integration_ends(self) -> date:
        """Return the last day of the three-year integration period."""
        try:
            return self.arrival_date.replace(year=self.arrival_date.year + INTEGRATION_YEARS)
        except ValueError:  # 29 February
            year = self.arrival_date.year + INTEGRATION_YEARS
            return self.arrival_date.replace(year=year, day=28)

    def next_status_due(self, today: date | None = None) -> date | None:
        """Return the next six-monthly status date from today on, or None after the period."""
        today = today or date.today()
        months = STATUS_EVERY_MONTHS
        while True:
            due = add_months(self.arrival_date, months)
            if due > self.integration_ends:
                return None
            if due >= today:
                return due
            months += STATUS_EVERY_MONTHS


def add_months(day: date, months: int) -> date:
    """Return the same day some months later (the month's last day if that month is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last_day = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last_day))


class Child(Versioned, Timestamps, db.Model):
    """A child (under 18) of a refugee family, who may wish for leisure activities."""

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(10))
    wishes: Mapped[list] = mapped_column(JSON, default=list)
    available_days: Mapped[list] = mapped_column(JSON, default=list)
    max_distance_km: Mapped[float] = mapped_column(Float, default=5.0)
    # The add-child form's one-time token: a double submission finds this row, not a new one.
    create_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    family: Mapped[Family] = relationship(back_populates="children")

    def age_on(self, day: date) -> int:
        """Return the child's age in whole years on the given day."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday
