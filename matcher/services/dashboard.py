"""The dashboard's figures for a municipality, each from a few aggregate queries (no N+1).

"Has an activity" means an accepted placement that has not ended; "has a contact family" an
accepted pairing that has not ended. Rounds waited are the finished rounds that left someone
out or whose proposal was declined (as in the round documents).
"""

from dataclasses import dataclass, field
from datetime import date
from statistics import median

from sqlalchemy import exists, func, select

from matcher.extensions import db
from matcher.models import (
    Activity,
    Category,
    Child,
    Club,
    Family,
    Municipality,
    Proposal,
)
from matcher.services import audit
from matcher.services.errors import StaleEdit
from matcher.services.followup import holding
from matcher.services.round_document import waited_rounds

ADULT_AGE = 18
LONGEST_WAITING = 5
HISTOGRAM_TOP = 3  # rounds waited: 0, 1, 2, "3 or more"


@dataclass
class Waiting:
    """How long those still waiting have waited."""

    count: int = 0
    rounds: dict[int, int] = field(default_factory=dict)  # rounds waited (top bucket: or more)
    mean_rounds: float = 0.0
    max_rounds: int = 0
    mean_days: float = 0.0
    median_days: float = 0.0
    max_days: int = 0


@dataclass
class CategoryUse:
    """Places and accepted placements of one activity category."""

    code: str
    name: str
    places: int
    used: int


@dataclass
class Figures:
    """Everything the dashboard shows for one municipality on one day."""

    today: date
    children: int
    children_with_activity: int
    families: int
    families_wanting_contact: int
    families_with_contact: int
    children_waiting: Waiting
    families_waiting: Waiting
    subsidy_spent: int
    season_budget: int | None
    categories: list[CategoryUse]
    longest_waiting: list[tuple[str, int, int]]  # family name, days since arrival, children
    longest_waiting_ids: list[int]  # the same families' ids (for the audit log, not shown)

    @property
    def activity_share(self) -> float:
        """Return the share (0-1) of children under 18 with an activity."""
        return self.children_with_activity / self.children if self.children else 0.0

    @property
    def contact_share(self) -> float:
        """Return the share (0-1) of families wanting a contact family that have one."""
        wanting = self.families_wanting_contact
        return min(self.families_with_contact / wanting, 1.0) if wanting else 0.0

    @property
    def budget_share(self) -> float | None:
        """Return the share of the season budget spent, or None without a budget."""
        return self.subsidy_spent / self.season_budget if self.season_budget else None


def adult_cutoff(today: date) -> date:
    """Return the birth date on or before which a person is 18 or older today."""
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)


def _count(stmt) -> int:
    return db.session.scalar(stmt) or 0


def _has_placement():
    return exists().where(Proposal.child_id == Child.id, Proposal.kind == "placement", holding())


def _has_pairing():
    return exists().where(Proposal.family_id == Family.id, Proposal.kind == "pairing", holding())


def compute(municipality_id: int, today: date | None = None, locale: str = "da") -> Figures:
    """Compute the dashboard figures for a municipality (category names in the locale)."""
    today = today or date.today()
    mun = db.session.get(Municipality, municipality_id)
    in_mun = (Family.municipality_id == municipality_id, Family.anonymised_at.is_(None))
    minor = Child.birth_date > adult_cutoff(today)
    children_q = select(func.count(Child.id)).join(Family).where(*in_mun, minor)
    waiting = _longest_waiting(in_mun, minor, today)
    return Figures(
        today=today,
        children=_count(children_q),
        children_with_activity=_count(children_q.where(_has_placement())),
        families=_count(select(func.count(Family.id)).where(*in_mun)),
        families_wanting_contact=_count(
            select(func.count(Family.id)).where(*in_mun, Family.wants_contact_family.is_(True))
        ),
        families_with_contact=_count(select(func.count(Family.id)).where(*in_mun, _has_pairing())),
        children_waiting=_children_waiting(in_mun, minor, today),
        families_waiting=_families_waiting(in_mun, today),
        subsidy_spent=committed_subsidy(municipality_id),
        season_budget=mun.season_budget if mun else None,
        categories=_categories(municipality_id, locale),
        longest_waiting=[row[1:] for row in waiting],
        longest_waiting_ids=[row[0] for row in waiting],
    )


def _waiting(rounds_rows, arrival_rows, today: date) -> Waiting:
    """Summarise (rounds waited, count) and (arrival date, count) rows of those waiting."""
    histogram = {n: 0 for n in range(HISTOGRAM_TOP + 1)}
    total = rounds_sum = top = 0
    for rounds, n in rounds_rows:
        histogram[min(rounds, HISTOGRAM_TOP)] += n
        total += n
        rounds_sum += rounds * n
        top = max(top, rounds)
    days = []
    for arrival, n in arrival_rows:
        days.extend([max((today - arrival).days, 0)] * n)
    return Waiting(
        count=total,
        rounds=histogram,
        mean_rounds=rounds_sum / total if total else 0.0,
        max_rounds=top,
        mean_days=sum(days) / len(days) if days else 0.0,
        median_days=float(median(days)) if days else 0.0,
        max_days=max(days, default=0),
    )


def _children_waiting(in_mun, minor, today: date) -> Waiting:
    waited = waited_rounds("placement")  # left out, or the proposal declined
    rounds = func.coalesce(waited.c.n, 0)
    base = (
        select(rounds, func.count(Child.id))
        .join(Family, Child.family_id == Family.id)
        .outerjoin(waited, waited.c.who == Child.id)
        .where(*in_mun, minor, ~_has_placement())
    )
    rounds_rows = db.session.execute(base.group_by(rounds)).all()
    arrivals = (
        select(Family.arrival_date, func.count(Child.id))
        .join(Family, Child.family_id == Family.id)
        .where(*in_mun, minor, ~_has_placement())
        .group_by(Family.arrival_date)
    )
    return _waiting(rounds_rows, db.session.execute(arrivals).all(), today)


def _families_waiting(in_mun, today: date) -> Waiting:
    waited = waited_rounds("pairing")
    rounds = func.coalesce(waited.c.n, 0)
    where = (*in_mun, Family.wants_contact_family.is_(True), ~_has_pairing())
    rounds_rows = db.session.execute(
        select(rounds, func.count(Family.id))
        .outerjoin(waited, waited.c.who == Family.id)
        .where(*where)
        .group_by(rounds)
    ).all()
    arrivals = db.session.execute(
        select(Family.arrival_date, func.count(Family.id))
        .where(*where)
        .group_by(Family.arrival_date)
    ).all()
    return _waiting(rounds_rows, arrivals, today)


def _categories(municipality_id: int, locale: str) -> list[CategoryUse]:
    mine = Club.municipality_id == municipality_id
    places = dict(
        db.session.execute(
            select(Activity.category_code, func.sum(Activity.places))
            .join(Club, Activity.club_id == Club.id)
            .where(mine, Activity.active.is_(True))
            .group_by(Activity.category_code)
        ).all()
    )
    used = dict(
        db.session.execute(
            select(Activity.category_code, func.count(Proposal.id))
            .join(Proposal, Proposal.activity_id == Activity.id)
            .join(Club, Activity.club_id == Club.id)
            .where(mine, Proposal.kind == "placement", holding())
            .group_by(Activity.category_code)
        ).all()
    )
    codes = set(places) | set(used)
    if not codes:
        return []
    names = {
        code: name_en if locale == "en" else name_da
        for code, name_da, name_en in db.session.execute(
            select(Category.code, Category.name_da, Category.name_en).where(
                Category.code.in_(codes)
            )
        )
    }
    rows = [
        CategoryUse(c, names.get(c) or c, int(places.get(c) or 0), int(used.get(c) or 0))
        for c in codes
    ]
    return sorted(rows, key=lambda r: (-r.places, r.name))


def committed_subsidy(municipality_id: int) -> int:
    """Return the fees of the municipality's accepted placements that hold their place (the
    figures' "subsidy spent"; a new round's budget starts from the season budget minus this)."""
    return (
        db.session.scalar(
            select(func.sum(Activity.fee))
            .join(Proposal, Proposal.activity_id == Activity.id)
            .join(Club, Activity.club_id == Club.id)
            .where(Club.municipality_id == municipality_id, Proposal.kind == "placement", holding())
        )
        or 0
    )


def _longest_waiting(in_mun, minor, today: date) -> list[tuple[int, str, int, int]]:
    rows = db.session.execute(
        select(Family.id, Family.name, Family.arrival_date, func.count(Child.id))
        .join(Child, Child.family_id == Family.id)
        .where(*in_mun, minor, ~_has_placement())
        .group_by(Family.id, Family.name, Family.arrival_date)
        .order_by(Family.arrival_date, Family.id)
        .limit(LONGEST_WAITING)
    ).all()
    return [(fid, name, max((today - arrival).days, 0), n) for fid, name, arrival, n in rows]


def set_season_budget(mun: Municipality, amount: int | None, version: int) -> Municipality:
    """Set the season's subsidy budget (whole kroner); refuse a save on a stale version."""
    if version != mun.version:
        raise StaleEdit()
    if amount is not None and amount < 0:
        raise ValueError("a budget cannot be negative")
    mun.season_budget = amount
    audit.record("update", mun, change="season_budget")
    return mun
