"""Matching rounds, the proposals they make, and who was left out and why."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.models.base import Timestamps, UTCDateTime, Versioned

ROUND_STATES = ("queued", "running", "done", "failed")
ROUND_KINDS = ("children", "families", "both")
PROPOSAL_STATES = ("proposed", "accepted", "declined", "ended")


class Round(Timestamps, db.Model):
    """A matching round: its frozen input document, its state, and its result document."""

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    # Set to the municipality while queued or running, NULL after: a unique index on it lets the
    # database itself refuse a second concurrent round for the same municipality.
    active_municipality_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    round_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    input_doc: Mapped[dict | None] = mapped_column(JSON)
    result_doc: Mapped[dict | None] = mapped_column(JSON)
    baseline_doc: Mapped[dict | None] = mapped_column(JSON)
    suggestions: Mapped[list | None] = mapped_column(JSON)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which worker runs it ("host:pid"), for staff reading a failure and for the sweeper's log.
    worker: Mapped[str | None] = mapped_column(String(120))

    municipality = relationship("Municipality")
    started_by = relationship("User")
    proposals: Mapped[list["Proposal"]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )


class Proposal(Versioned, Timestamps, db.Model):
    """A proposed placement (child to activity) or pairing (family to contact family)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "placement" or "pairing"
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    contact_family_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_family.id"), index=True
    )
    score: Mapped[int] = mapped_column(Integer, default=0)
    why: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="proposed", index=True)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)

    round: Mapped[Round] = relationship(back_populates="proposals")
    child = relationship("Child")
    activity = relationship("Activity")
    family = relationship("Family")
    contact_family = relationship("ContactFamily")


class Unmatched(db.Model):
    """A child or family a round left out, with the reason; counts as a round waited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    reason: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
