"""Reference data with Danish and English names: activity categories and languages."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.extensions import db


class Category(db.Model):
    """An activity category such as football or scouts."""

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_da: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))

    def name(self, locale: str) -> str:
        """Return the name in the given locale ("da" or "en")."""
        return self.name_en if locale == "en" else self.name_da


class Language(db.Model):
    """A language by its ISO 639 code."""

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_da: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))

    def name(self, locale: str) -> str:
        """Return the name in the given locale ("da" or "en")."""
        return self.name_en if locale == "en" else self.name_da
