"""A round's life: start (frozen input, one at a time per municipality), finish, fail.

The state is the `round` row. The database refuses a second live round of a municipality through
the unique `active_municipality_id` (set while queued or running). A round's proposals are written
in the one transaction that marks it done, so a round that fails or dies leaves none.
Decisions on proposals live in `round_decisions` and are re-exported here.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import Municipality, Proposal, Round, Unmatched
from matcher.services import audit
from matcher.services.dashboard import committed_subsidy  # noqa: F401  (the figures' query)
from matcher.services.round_decisions import (  # noqa: F401  (one entry point for the views)
    DecisionRefused,
    _,
    accept,
    accept_all,
    decline,
    decline_all,
    for_coordinator,
)
from matcher.services.round_document import build_document, db_id
from matcher.worker.reasons import Failure

LIVE_STATES = ("queued", "running")
DEFAULT_TIME_LIMIT = 300.0


class RoundRefused(Exception):
    """A round cannot start now; the message says why, in plain words."""


def now() -> datetime:
    """Return the current time (UTC)."""
    return datetime.now(UTC)


def live_round(municipality_id: int) -> Round | None:
    """Return the municipality's queued or running round, if any."""
    return db.session.scalar(
        select(Round).where(Round.municipality_id == municipality_id, Round.status.in_(LIVE_STATES))
    )


def _busy_message(municipality_id: int) -> str:
    other = live_round(municipality_id)
    if other is None:
        return _("Another round was started at the same moment. Wait for it and try again.")
    return _(
        "Round %(id)s is already %(state)s for this municipality: only one round runs at a "
        "time. Wait until it is done (or has failed), then start again.",
        id=other.id,
        state=_("queued") if other.status == "queued" else _("running"),
    )


def _undecided(municipality_id: int, kind: str) -> int:
    kinds = {"children": ["placement"], "families": ["pairing"]}.get(kind, ["placement", "pairing"])
    return db.session.scalar(
        select(db.func.count(Proposal.id))
        .join(Round)
        .where(
            Round.municipality_id == municipality_id,
            Proposal.status == "proposed",
            Proposal.kind.in_(kinds),
        )
    )


def start_round(
    municipality_id: int,
    *,
    kind: str,
    round_date: date,
    budget: float | None = None,
    weights: dict[str, Any] | None = None,
    started_by_id: int | None = None,
    time_limit: float | None = None,
) -> Round:
    """Freeze the input document and queue the round; raise RoundRefused if one is live."""
    from matcher.worker.queue import enqueue
    from matcher.worker.sweeper import sweep

    sweep(municipality_id=municipality_id)  # a dead worker must not block the municipality
    if live_round(municipality_id) is not None:
        raise RoundRefused(_busy_message(municipality_id))
    waiting = _undecided(municipality_id, kind)
    if waiting:
        raise RoundRefused(
            _(
                "%(n)s proposals of an earlier round are still undecided. Accept or decline "
                "them first, so that the new round knows what is taken.",
                n=waiting,
            )
        )
    limit = time_limit or current_app.config.get("ROUNDS_TIME_LIMIT", DEFAULT_TIME_LIMIT)
    rnd = Round(
        municipality_id=municipality_id,
        active_municipality_id=municipality_id,
        kind=kind,
        round_date=round_date,
        status="queued",
        progress=0.0,
        message="",
        params={"budget": budget, "weights": weights or {}, "time_limit": float(limit)},
        input_doc=build_document(municipality_id, round_date, kind, budget, weights),
        started_by_id=started_by_id,
    )
    db.session.add(rnd)
    try:
        db.session.flush()
        audit.record("round_start", rnd, kind=kind)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RoundRefused(_busy_message(municipality_id)) from None
    enqueue(rnd.id)
    return rnd


def finish_round(
    round_id: int, result: dict, baseline: dict | None, suggestions: list | None
) -> bool:
    """Store the result and its proposals in one transaction; False if the round is no longer
    running (the sweeper failed it meanwhile), and then nothing is written."""
    try:
        marked = db.session.execute(
            update(Round)
            .where(Round.id == round_id, Round.status == "running")
            .values(
                status="done",
                progress=1.0,
                message="",
                result_doc=result,
                baseline_doc=baseline,
                suggestions=suggestions,
                finished_at=now(),
                heartbeat_at=now(),
                active_municipality_id=None,
            )
        )
        if marked.rowcount != 1:
            db.session.rollback()
            return False
        _add_proposals(round_id, result)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.expire_all()
    return True


def _add_proposals(round_id: int, result: dict) -> None:
    for p in result.get("placements", []):
        db.session.add(
            Proposal(
                round_id=round_id,
                kind="placement",
                child_id=db_id(p["child"]),
                activity_id=db_id(p["activity"]),
                score=p["score"],
                why=p.get("why", {}),
            )
        )
    for p in result.get("pairings", []):
        db.session.add(
            Proposal(
                round_id=round_id,
                kind="pairing",
                family_id=db_id(p["family"]),
                contact_family_id=db_id(p["contact_family"]),
                score=p["score"],
                why=p.get("why", {}),
            )
        )
    for u in result.get("unplaced", []):
        db.session.add(
            Unmatched(
                round_id=round_id,
                child_id=db_id(u["child"]),
                reason=u["reason"],
                detail=u.get("detail", {}),
            )
        )
    for u in result.get("unpaired", []):
        db.session.add(
            Unmatched(
                round_id=round_id,
                family_id=db_id(u["family"]),
                reason=u["reason"],
                detail=u.get("detail", {}),
            )
        )


def fail_round(
    round_id: int, reason: str | Failure, *, only_if_stale_before: datetime | None = None
) -> bool:
    """Mark a queued or running round failed with its reason and free the municipality.

    A `Failure` keeps its code and values in the round's params (the page shows it in the
    reader's language) and its English text in the message (for the log and the database)."""
    db.session.rollback()
    cond = [Round.id == round_id, Round.status.in_(LIVE_STATES)]
    if only_if_stale_before is not None:  # the sweeper: not if a beat came in meanwhile
        cond.append(Round.heartbeat_at.is_(None) | (Round.heartbeat_at < only_if_stale_before))
    values: dict[str, Any] = {
        "status": "failed",
        "message": str(reason)[:2000],
        "finished_at": now(),
        "active_municipality_id": None,
    }
    if isinstance(reason, Failure):
        params = db.session.scalar(select(Round.params).where(Round.id == round_id)) or {}
        values["params"] = {**params, "failure": reason.stored()}
    done = db.session.execute(update(Round).where(*cond).values(**values))
    # Belt and braces: a failed round never keeps proposals.
    if done.rowcount == 1:
        db.session.execute(Proposal.__table__.delete().where(Proposal.round_id == round_id))
    db.session.commit()
    return done.rowcount == 1


def has_undecided(round_id: int) -> bool:
    """Return whether a round still has proposals waiting for a decision."""
    return bool(
        db.session.scalar(
            select(exists().where(Proposal.round_id == round_id, Proposal.status == "proposed"))
        )
    )


@dataclass(frozen=True)
class SeasonBudget:
    """The season's subsidy budget, what accepted placements commit of it, and what is left."""

    budget: int
    committed: int

    @property
    def left(self) -> int:
        """Return what is left of the budget (never below 0)."""
        return max(0, self.budget - self.committed)


def season_budget(municipality_id: int) -> SeasonBudget | None:
    """Return the season budget and what is committed of it; None when no budget is set."""
    budget = db.session.scalar(
        select(Municipality.season_budget).where(Municipality.id == municipality_id)
    )
    if budget is None:
        return None
    return SeasonBudget(budget=budget, committed=committed_subsidy(municipality_id))


def waiting_for_coordinator(municipality_id: int, user_id: int) -> tuple[int, list[int]]:
    """Return how many proposals for the user's families wait for a decision, and the ids of
    the rounds they are in (newest first)."""
    rows = db.session.execute(
        select(Proposal.round_id, func.count(Proposal.id))
        .join(Round, Round.id == Proposal.round_id)
        .where(
            Round.municipality_id == municipality_id,
            Round.status == "done",
            Proposal.status == "proposed",
            for_coordinator(user_id),
        )
        .group_by(Proposal.round_id)
        .order_by(Proposal.round_id.desc())
    ).all()
    return sum(n for _id, n in rows), [round_id for round_id, _n in rows]


def preview(municipality_id: int, round_date: date, kind: str) -> dict[str, int]:
    """Count who and what would take part in a round started now (nothing is stored)."""
    doc = build_document(municipality_id, round_date, kind)
    return {
        "children": len(doc["children"]),
        "activities": len(doc["activities"]),
        "places": sum(a["capacity"] for a in doc["activities"]),
        "families": len(doc["families"]),
        "contact_families": len(doc["contact_families"]),
        "contact_family_room": sum(k["capacity"] for k in doc["contact_families"]),
    }
