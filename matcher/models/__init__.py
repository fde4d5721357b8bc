"""The data model: one module per kind of record, all importable from here."""

from matcher.models import sqlite_functions  # noqa: F401  (Unicode lower() on SQLite)
from matcher.models.audit import AuditEvent
from matcher.models.club import Activity, Club
from matcher.models.contact_family import ContactFamily
from matcher.models.family import Child, Family
from matcher.models.municipality import Municipality
from matcher.models.outbox import OutboxMessage
from matcher.models.reference import Category, Language
from matcher.models.round import Proposal, Round, Unmatched
from matcher.models.user import Role, User

__all__ = [
    "Activity",
    "AuditEvent",
    "Category",
    "Child",
    "Club",
    "ContactFamily",
    "Family",
    "Language",
    "Municipality",
    "OutboxMessage",
    "Proposal",
    "Role",
    "Round",
    "Unmatched",
    "User",
]
