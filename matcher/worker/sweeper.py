"""The sweeper: rounds whose worker stopped beating (or that no worker took) are marked failed."""

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Round
from matcher.worker.reasons import Failure

log = logging.getLogger("matcher.rounds")
DEFAULT_STALE_AFTER = 60.0  # seconds without a heartbeat
DEFAULT_QUEUED_AFTER = 900.0  # seconds waiting in the queue


def sweep(
    *,
    now: datetime | None = None,
    stale_after: float | None = None,
    queued_after: float | None = None,
    municipality_id: int | None = None,
) -> list[int]:
    """Fail running rounds without a recent heartbeat and queued rounds nobody took; return ids."""
    from matcher.services.rounds import fail_round
    from matcher.services.rounds import now as utc_now

    cfg = current_app.config
    now = now or utc_now()
    stale = now - timedelta(
        seconds=cfg.get("ROUNDS_STALE_AFTER", DEFAULT_STALE_AFTER)
        if stale_after is None
        else stale_after
    )
    forgotten = now - timedelta(
        seconds=cfg.get("ROUNDS_QUEUED_AFTER", DEFAULT_QUEUED_AFTER)
        if queued_after is None
        else queued_after
    )
    query = select(Round.id, Round.status).where(
        ((Round.status == "running") & (Round.heartbeat_at < stale))
        | ((Round.status == "queued") & (Round.created_at < forgotten))
    )
    if municipality_id is not None:
        query = query.where(Round.municipality_id == municipality_id)
    failed = []
    for round_id, status in db.session.execute(query).all():
        if status == "running":
            reason = Failure("no_heartbeat")
            ok = fail_round(round_id, reason, only_if_stale_before=stale)
        else:
            reason = Failure("not_taken")
            ok = fail_round(round_id, reason)
        if ok:
            log.warning("round %s marked failed by the sweeper: %s", round_id, reason)
            failed.append(round_id)
    return failed
