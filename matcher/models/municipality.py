"""The municipality: the tenant that every family, club and round belongs to."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.extensions import db
from matcher.models.base import Versioned


class Municipality(Versioned, db.Model):
    """A municipality (kommune) using matcher."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(255))
    # The subsidy budget for the current season in whole kroner; staff set it on the dashboard.
    season_budget: Mapped[int | None] = mapped_column(Integer)
