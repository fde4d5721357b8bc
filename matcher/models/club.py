"""Clubs and the activities in which they offer subsidised places."""

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.models.base import Timestamps, Versioned

ACTIVITY_GENDERS = ("any", "female", "male")


MAX_PLACES = 10_000  # subsidised places of one activity
MAX_FEE = 100_000  # kr. a season


class Club(Versioned, Timestamps, db.Model):
    """A local club (forening) that offers activities."""

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(4))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    email: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    # The create form's one-time token: a double submission finds this row instead of a new one.
    create_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    municipality = relationship("Municipality")
    activities: Mapped[list["Activity"]] = relationship(
        back_populates="club", cascade="all, delete-orphan", order_by="Activity.name"
    )
    contacts = relationship("User", back_populates="club")


class Activity(Versioned, Timestamps, db.Model):
    """An activity of a club, with its subsidised places and fee per season."""

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("club.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"), index=True)
    min_age: Mapped[int] = mapped_column(Integer)
    max_age: Mapped[int] = mapped_column(Integer)
    gender: Mapped[str] = mapped_column(String(10), default="any")
    weekdays: Mapped[list] = mapped_column(JSON, default=list)
    time: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(4))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    # At most MAX_PLACES places and a fee of MAX_FEE kr. (forms and imports say so; the
    # matching engine refuses far larger numbers as data errors)
    places: Mapped[int] = mapped_column(Integer, default=0)
    fee: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The create form's one-time token: a double submission finds this row instead of a new one.
    create_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    club: Mapped[Club] = relationship(back_populates="activities")
    category = relationship("Category")
