"""GDPR for refugee families: erasure by anonymisation, consent withdrawal, retention, no CPR.

Policy (Art. 17 GDPR; Datatilsynet's "husk at slette"):
- Erasure anonymises instead of deleting, so the anonymous figures still add up: the family and
  child rows stay, without names, reference, address, phone, languages, interests, wishes, notes
  or consent names; birth and arrival dates are cut to the year (1 January); the location falls
  back to the postcode's centre. Proposals stay (counts, places, subsidy sums) without their free
  text and explanations; left-out reasons keep their code only; round documents lose the
  family's personal fields; audit events keep who accessed which id, without any detail; unsent
  and sent e-mails have the names blanked.
- Withdrawing consent records the moment, leaves the family out of every later round, withdraws
  its open proposals and anonymises it at once: consent was the only basis for holding it.
- The retention job anonymises families whose integration period (arrival + 3 years) ended more
  than RETENTION_MONTHS_AFTER_INTEGRATION months ago (default 12); it logs only a count.
- CPR numbers are refused in every free-text column at flush time (forms also refuse them).

Changes join the current transaction; the caller commits once (or rolls back on error).
"""

import logging
import re
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import JSON, String, Text, or_, select, update

from matcher.extensions import db
from matcher.models import AuditEvent, Family, OutboxMessage, Proposal, Round, Unmatched
from matcher.models.family import INTEGRATION_YEARS, add_months
from matcher.services import audit, geocode
from matcher.services.gdpr_docs import scrub_document
from matcher.web.cpr import CprRefused

log = logging.getLogger("matcher.gdpr")

ANONYMOUS = "Anonymiseret"
BLANKED = "[slettet]"
DEFAULT_RETENTION_MONTHS = 12
KNOWN_TABLES = {
    "family",
    "child",
    "proposal",
    "unmatched",
    "audit_event",
    "round",
    "outbox_message",
}


class GdprRefused(Exception):
    """The action cannot be done on this family; the message says why."""


# One guard refuses CPR numbers before every flush (matcher/web/cpr.py); this is its error.
CPRRefused = CprRefused


def _now() -> datetime:
    return datetime.now(UTC)


def _year_only(day: date | None) -> date | None:
    return day.replace(month=1, day=1) if day else day


def anonymise_families(families: list[Family], now: datetime | None = None) -> int:
    """Anonymise the families and their children in every table; return how many (no commit)."""
    families = [f for f in families if f.anonymised_at is None]
    if not families:
        return 0
    now = now or _now()
    family_ids = {f.id for f in families}
    child_ids = {c.id for f in families for c in f.children}
    proposal_ids = _scrub_proposals(family_ids, child_ids, now)
    _scrub_unmatched(family_ids, child_ids)
    _scrub_rounds(families)
    _scrub_outbox(families)
    _scrub_audit(family_ids, child_ids, proposal_ids)
    _scrub_other_tables(family_ids, child_ids, proposal_ids)
    for family in families:
        _anonymise_family_row(family, now)
    db.session.flush()
    return len(families)


def _anonymise_family_row(family: Family, now: datetime) -> None:
    centre = geocode.lookup(family.postcode)
    family.reference = f"anon-{family.id}"
    family.name = ANONYMOUS
    family.address = ""
    family.phone = None
    if centre is not None:
        family.lat, family.lon = centre.lat, centre.lon
    family.location_override = False
    family.languages = []
    family.interests = []
    family.arrival_date = _year_only(family.arrival_date)
    family.consent_given_by = None
    family.notes = ""
    family.create_token = None
    family.anonymised_at = now
    for child in family.children:
        child.first_name = ANONYMOUS
        child.birth_date = _year_only(child.birth_date)
        child.wishes = []
        child.available_days = []
        child.create_token = None


def _scrub_proposals(family_ids: set[int], child_ids: set[int], now: datetime) -> set[int]:
    """Clear free text and explanations; withdraw open proposals; keep counts and places."""
    proposals = db.session.scalars(
        select(Proposal).where(
            or_(Proposal.family_id.in_(family_ids), Proposal.child_id.in_(child_ids))
        )
    ).all()
    for p in proposals:
        p.decline_reason = None
        p.end_reason = None
        p.why = {}
        if p.status == "proposed":
            p.status = "declined"
            p.decided_at = now
    return {p.id for p in proposals}


def _scrub_unmatched(family_ids: set[int], child_ids: set[int]) -> None:
    db.session.execute(
        update(Unmatched)
        .where(or_(Unmatched.family_id.in_(family_ids), Unmatched.child_id.in_(child_ids)))
        .values(detail={})
    )


def _scrub_rounds(families: list[Family]) -> None:
    """Remove the families' personal fields from every round document that names them."""
    from matcher.services.round_document import ref

    replacement: dict[str, dict] = {}
    for f in families:
        centre = geocode.lookup(f.postcode)
        location = {"lat": centre.lat, "lon": centre.lon} if centre else None
        replacement[ref("family", f.id)] = {"location": location}
        for c in f.children:
            replacement[ref("child", c.id)] = {"location": location}
    municipalities = {f.municipality_id for f in families}
    for rnd in db.session.scalars(select(Round).where(Round.municipality_id.in_(municipalities))):
        for attr in ("input_doc", "result_doc", "baseline_doc", "suggestions"):
            doc = getattr(rnd, attr)
            if doc:
                scrubbed, changed = scrub_document(doc, replacement)
                if changed:
                    setattr(rnd, attr, scrubbed)  # a new object: JSON columns see the change


def _names_of(families: list[Family]) -> list[str]:
    names = set()
    for f in families:
        names.update({f.name, f.reference, f.address or "", f.phone or ""})
        names.update(c.first_name for c in f.children)
    return sorted((n for n in names if n and len(n.strip()) >= 2), key=len, reverse=True)


def _scrub_outbox(families: list[Family]) -> None:
    """Blank the families' names in e-mails (there is no key to them, only their text)."""
    names = _names_of(families)
    if not names:
        return
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in names))
    likes = [OutboxMessage.body.contains(n) | OutboxMessage.subject.contains(n) for n in names]
    for msg in db.session.scalars(select(OutboxMessage).where(or_(*likes))):
        msg.subject = pattern.sub(BLANKED, msg.subject)
        msg.body = pattern.sub(BLANKED, msg.body)


def _scrub_audit(family_ids: set[int], child_ids: set[int], proposal_ids: set[int]) -> None:
    """Keep who accessed which id, drop any detail (a bulk update: events are otherwise frozen)."""
    about = [
        (AuditEvent.object_type == "family") & AuditEvent.object_id.in_(family_ids),
        (AuditEvent.object_type == "child") & AuditEvent.object_id.in_(child_ids),
        (AuditEvent.object_type == "proposal") & AuditEvent.object_id.in_(proposal_ids),
    ]
    db.session.execute(
        update(AuditEvent)
        .where(or_(*about))
        .values(detail={})
        .execution_options(synchronize_session=False)
    )


def _scrub_other_tables(family_ids: set[int], child_ids: set[int], proposal_ids: set[int]) -> None:
    """Clear free text and JSON in tables added later that point at a family, child or proposal."""
    targets = {"family": family_ids, "child": child_ids, "proposal": proposal_ids}
    for table in db.metadata.sorted_tables:
        if table.name in KNOWN_TABLES:
            continue
        conditions = [
            fk.parent.in_(targets[fk.column.table.name])
            for fk in table.foreign_keys
            if fk.column.table.name in targets and targets[fk.column.table.name]
        ]
        if not conditions:
            continue
        values = {}
        for col in table.columns:
            if col.foreign_keys or col.primary_key:
                continue
            if isinstance(col.type, JSON):
                values[col.name] = None if col.nullable else {}
            elif isinstance(col.type, Text) or (
                isinstance(col.type, String)
                and re.search(r"name|address|phone|email|note|text|comment|reason", col.name)
            ):
                values[col.name] = None if col.nullable else ""
        if values:
            db.session.execute(table.update().where(or_(*conditions)).values(**values))


def erase_family(family: Family, actor=None) -> None:
    """Erase a family on request (Art. 17): anonymise it everywhere and audit that (no commit)."""
    if family.anonymised_at is not None:
        raise GdprRefused("This family has already been anonymised.")
    anonymise_families([family])
    audit.record("erase", family, actor=actor, reason="request")


def withdraw_consent(family: Family, actor=None) -> None:
    """Record a withdrawn consent, leave the family out of later rounds, anonymise it."""
    if family.anonymised_at is not None:
        raise GdprRefused("This family has already been anonymised.")
    family.consent_withdrawn_at = _now()
    audit.record("consent_withdrawn", family, actor=actor)
    anonymise_families([family])
    audit.record("erase", family, actor=actor, reason="consent_withdrawn")


def retention_months() -> int:
    """Return the configured months to keep a family after its integration period ended."""
    months = current_app.config.get("RETENTION_MONTHS_AFTER_INTEGRATION", DEFAULT_RETENTION_MONTHS)
    return int(months)


def expired_families(today: date, months: int) -> list[Family]:
    """Return the not yet anonymised families whose period ended more than `months` ago."""
    cutoff = add_months(today, -(INTEGRATION_YEARS * 12 + months))
    return list(
        db.session.scalars(
            select(Family)
            .where(Family.anonymised_at.is_(None), Family.arrival_date < cutoff)
            .order_by(Family.id)
        )
    )


def run_retention(today: date | None = None, months: int | None = None) -> int:
    """Anonymise every expired family in one transaction; log and audit only the count."""
    today = today or date.today()
    months = retention_months() if months is None else months
    families = expired_families(today, months)
    by_municipality: dict[int, int] = {}
    for f in families:
        by_municipality[f.municipality_id] = by_municipality.get(f.municipality_id, 0) + 1
    try:
        count = anonymise_families(families)
        for municipality_id, n in by_municipality.items():
            ev = audit.record("erase", object_type="retention", count=n, months=months)
            ev.municipality_id = municipality_id
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("retention: anonymised %d families", count)
    return count
