"""Shared steps of the rounds tests: start a round and run it to the end in this process."""

from datetime import date

from matcher.extensions import db
from matcher.models import Round
from matcher.services import rounds
from matcher.worker.runner import run_round

DAY = date(2022, 8, 15)  # the factories' children (born 2012-2013) are 9 and 10 then


def run(mun_id: int, kind: str = "both", **kw) -> Round:
    """Start a round for the municipality, run it with the built-in runner, return it reloaded."""
    rnd = rounds.start_round(mun_id, kind=kind, round_date=kw.pop("round_date", DAY), **kw)
    outcome = run_round(rnd.id)
    db.session.expire_all()
    rnd = db.session.get(Round, rnd.id)
    assert rnd.status in ("done", "failed"), outcome
    return rnd
