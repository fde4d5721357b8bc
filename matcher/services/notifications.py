"""E-mails (in Danish) sent when a match is accepted, queued in the outbox with the acceptance.

Each message carries only what its reader needs: a club learns the child's first name, age, start
and whom to call; a contact family learns which family and how to reach the coordinator.
"""

import logging
from datetime import date

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import OutboxMessage, Proposal, Role, User
from matcher.models.user import CLUB_CONTACT
from matcher.services.mailer import queue_email

log = logging.getLogger(__name__)

WEEKDAYS_DA = {
    "mon": "mandag",
    "tue": "tirsdag",
    "wed": "onsdag",
    "thu": "torsdag",
    "fri": "fredag",
    "sat": "lørdag",
    "sun": "søndag",
}

PLACEMENT_SUBJECT = "Nyt barn på {activity}"
PLACEMENT_BODY = """{greeting}

{club} har fået et barn på et tilskudsbetalt hold gennem {municipality}s fritidsordning.

Aktivitet: {activity}
Barnets fornavn: {first_name}
Alder: {age} år
Start: fra {start}{schedule}

Barnets koordinator hjælper gerne med den første træning og svarer på spørgsmål:
{coordinator}

Venlig hilsen
{municipality}

Oplysningerne i denne e-mail må kun bruges til at tage imod barnet.
"""

PAIRING_SUBJECT = "I er blevet kontaktfamilie for en ny familie"
PAIRING_BODY = """{greeting}

Tak fordi I vil være kontaktfamilie. I er nu sat sammen med familien {family}.

Jeres koordinator kontakter jer for at aftale det første møde. Har I spørgsmål, så skriv eller
ring til koordinatoren:
{coordinator}

Venlig hilsen
{municipality}

Oplysningerne i denne e-mail må kun bruges til jeres opgave som kontaktfamilie.
"""


def on_accepted(proposal: Proposal, today: date | None = None) -> list[OutboxMessage]:
    """Queue the e-mails for an accepted proposal in the current transaction; return them."""
    if proposal.kind == "placement":
        return _placement_mails(proposal, today or date.today())
    if proposal.kind == "pairing":
        return _pairing_mails(proposal)
    raise ValueError(f"unknown proposal kind {proposal.kind!r}")


def start_date(proposal: Proposal, today: date) -> date:
    """Return the day the child may start: the recorded start, else the round date or today."""
    if proposal.started_on:
        return proposal.started_on
    return max(proposal.round.round_date, today)


def deliverable(address: str | None) -> bool:
    """Return whether an address can be queued (a bad one must not block an acceptance)."""
    return bool(address) and "@" in address and not any(c in address for c in "\r\n")


def club_recipients(club) -> list[tuple[str, str]]:
    """Return (name, e-mail) of the club's active contacts, or the club's own address."""
    stmt = (
        select(User)
        .join(User.roles)
        .where(User.club_id == club.id, User.active.is_(True), Role.name == CLUB_CONTACT)
        .order_by(User.id)
    )
    people = [(u.name or "", u.email) for u in db.session.scalars(stmt)]
    if not people and deliverable(club.email):
        people = [(club.contact_name or "", club.email)]
    seen: set[str] = set()
    unique = []
    for name, email in people:
        if deliverable(email) and email.lower() not in seen:
            seen.add(email.lower())
            unique.append((name, email))
    return unique


def coordinator_contact(family) -> str:
    """Return how to reach the family's coordinator (or the municipality when none is set)."""
    person = family.coordinator or family.backup_coordinator
    if person is not None:
        return f"{person.name or person.email}, {person.email}"
    mun = family.municipality
    return f"{mun.name}, {mun.contact_email}" if mun.contact_email else mun.name


def _one_line(text: str) -> str:
    """Flatten a stored name for a subject line (a header must not contain line breaks)."""
    return " ".join(str(text).split())


def _hello(word: str, name: str) -> str:
    """Return a greeting line, without a dangling space when the name is unknown."""
    return f"{word} {name}," if name else f"{word},"


def _placement_mails(proposal: Proposal, today: date) -> list[OutboxMessage]:
    activity, child = proposal.activity, proposal.child
    family = child.family
    start = start_date(proposal, today)
    days = [WEEKDAYS_DA.get(d, d) for d in activity.weekdays or []]
    schedule = ", ".join(days) + (f" kl. {activity.time}" if activity.time else "")
    values = {
        "club": activity.club.name,
        "municipality": family.municipality.name,
        "activity": activity.name,
        "first_name": child.first_name,
        "age": child.age_on(start),
        "start": f"{start:%d.%m.%Y}",
        "schedule": f" ({schedule})" if schedule.strip() else "",
        "coordinator": coordinator_contact(family),
    }
    subject = PLACEMENT_SUBJECT.format(activity=_one_line(activity.name))
    recipients = club_recipients(activity.club)
    if not recipients:
        log.warning(
            "club %s has no contact with an e-mail address; no mail queued", activity.club.id
        )
    return [
        queue_email(
            email,
            subject,
            PLACEMENT_BODY.format(greeting=_hello("Hej", name), **values),
            proposal_id=proposal.id,
        )
        for name, email in recipients
    ]


def _pairing_mails(proposal: Proposal) -> list[OutboxMessage]:
    cf, family = proposal.contact_family, proposal.family
    if not deliverable(cf.email):
        log.warning("contact family %s has no usable e-mail address; no mail queued", cf.id)
        return []
    body = PAIRING_BODY.format(
        greeting=_hello("Kære", cf.contact_name or cf.name),
        family=family.name,
        coordinator=coordinator_contact(family),
        municipality=family.municipality.name,
    )
    return [queue_email(cf.email, PAIRING_SUBJECT, body, proposal_id=proposal.id)]
