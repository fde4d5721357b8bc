"""The municipality: the tenant that every family, club and round belongs to."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.extensions import db


class Municipality(db.Model):
    """A municipality (kommune) using matcher."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(255))
