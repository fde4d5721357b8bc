"""Starting, running, failing and deciding rounds, against the real solver and database."""

import json
import threading

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, Proposal, Round, Unmatched
from matcher.services import rounds
from matcher.services.round_document import build_document
from matcher.worker.runner import run_round
from tests import factories as f
from tests.rounds.helpers import DAY, run


@pytest.fixture
def town(app):
    """One club with 3 football places, a family of 2 children, a certified contact family."""
    mun = f.municipality()
    club = f.club(mun, places=3)
    family = f.family(mun, children=2)
    contact = f.contact_family(mun, status="approved", child_certificate_checked="2022-01-01")
    db.session.commit()
    return {"mun": mun, "activity": club.activities[0], "family": family, "contact": contact}


def _count(model, **where) -> int:
    stmt = select(func.count()).select_from(model).filter_by(**where)
    return db.session.scalar(stmt)


def test_round_runs_and_stores_proposals_unmatched_baseline_and_suggestions(town):
    rnd = run(town["mun"].id)
    assert rnd.status == "done" and rnd.progress == 1.0
    assert rnd.active_municipality_id is None
    assert rnd.result_doc["stats"]["placed"] == 2 and rnd.result_doc["stats"]["paired"] == 1
    assert rnd.baseline_doc["format"] == "matcher-result/1"
    assert rnd.suggestions == []
    kinds = sorted(p.kind for p in db.session.scalars(select(Proposal)))
    assert kinds == ["pairing", "placement", "placement"]
    assert all(p.status == "proposed" for p in db.session.scalars(select(Proposal)))
    assert rnd.heartbeat_at is not None and rnd.worker


def test_input_is_frozen_at_the_start(town):
    rnd = rounds.start_round(town["mun"].id, kind="children", round_date=DAY)
    frozen = json.dumps(rnd.input_doc, sort_keys=True)
    town["activity"].places = 10
    town["family"].children[0].wishes = ["swimming"]
    db.session.commit()
    run_round(rnd.id)
    db.session.expire_all()
    assert json.dumps(db.session.get(Round, rnd.id).input_doc, sort_keys=True) == frozen


def test_second_start_is_refused_while_a_round_is_live(town):
    first = rounds.start_round(town["mun"].id, kind="both", round_date=DAY)
    with pytest.raises(rounds.RoundRefused, match=f"Round {first.id} is already queued"):
        rounds.start_round(town["mun"].id, kind="children", round_date=DAY)
    assert _count(Round) == 1


def test_two_rounds_started_at_once_exactly_one_starts(app, town):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    mun_id = town["mun"].id

    def start() -> None:
        with app.app_context():
            barrier.wait()
            try:
                rounds.start_round(mun_id, kind="both", round_date=DAY)
                outcomes.append("started")
            except rounds.RoundRefused as refused:
                outcomes.append(f"refused: {refused}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "started"], outcomes
    refusal = next(o for o in outcomes if o.startswith("refused"))
    assert "round" in refusal.lower()
    db.session.expire_all()
    assert _count(Round) == 1


def test_other_municipalities_may_run_at_the_same_time(town):
    other = f.municipality()
    db.session.commit()
    rounds.start_round(town["mun"].id, kind="both", round_date=DAY)
    rounds.start_round(other.id, kind="both", round_date=DAY)
    assert _count(Round, status="queued") == 2


def test_solver_crash_fails_the_round_with_its_reason_and_no_proposals(app, town):
    app.config["ROUNDS_COMPUTE"] = "tests.worker.targets:crash"
    rnd = run(town["mun"].id)
    assert rnd.status == "failed"
    assert "simulated solver bug" in rnd.message
    assert rnd.active_municipality_id is None
    assert _count(Proposal) == 0 and _count(Unmatched) == 0
    app.config.pop("ROUNDS_COMPUTE")
    assert run(town["mun"].id).status == "done"  # retry possible


def test_solver_process_dying_fails_the_round_with_its_exit_code(app, town):
    app.config["ROUNDS_COMPUTE"] = "tests.worker.targets:die"
    rnd = run(town["mun"].id)
    assert rnd.status == "failed" and "exit code 3" in rnd.message
    assert _count(Proposal) == 0


def test_tiny_time_limit_fails_the_round_and_a_retry_works(town):
    rnd = run(town["mun"].id, time_limit=0.001)
    assert rnd.status == "failed"
    assert "time limit" in rnd.message
    assert _count(Proposal) == 0 and _count(Unmatched) == 0
    assert run(town["mun"].id).status == "done"


def test_invalid_input_document_fails_with_the_field_named(town):
    rnd = rounds.start_round(town["mun"].id, kind="children", round_date=DAY)
    broken = dict(rnd.input_doc)
    broken["children"] = [{**broken["children"][0], "birth_date": "soon"}]
    rnd.input_doc = broken
    db.session.commit()
    run_round(rnd.id)
    db.session.expire_all()
    rnd = db.session.get(Round, rnd.id)
    assert rnd.status == "failed" and "children[0].birth_date" in rnd.message
    assert _count(Proposal) == 0


def test_accepted_placement_takes_its_place_and_is_never_moved(town):
    rnd = run(town["mun"].id, kind="children")
    first = db.session.scalars(select(Proposal).order_by(Proposal.id)).first()
    rounds.accept(first)
    doc = build_document(town["mun"].id, DAY, "children")
    assert doc["activities"][0]["capacity"] == 2
    assert f"c{first.child_id}" not in [c["id"] for c in doc["children"]]
    rounds.decline(db.session.scalars(select(Proposal).where(Proposal.id != first.id)).one(), "x")
    second = run(town["mun"].id, kind="children")
    assert second.status == "done"
    moved = db.session.scalars(
        select(Proposal).where(Proposal.round_id == second.id, Proposal.child_id == first.child_id)
    ).all()
    assert moved == []
    assert db.session.get(Proposal, first.id).status == "accepted"
    assert rnd.id != second.id


def test_declined_pair_is_never_proposed_again(town):
    rnd = run(town["mun"].id, kind="both")
    declined = [rounds.decline(p, "the family said no") for p in rnd.proposals]
    again = run(town["mun"].id, kind="both")
    assert again.status == "done"
    pairs = {(p.child_id, p.activity_id, p.family_id, p.contact_family_id) for p in declined}
    new = {(p.child_id, p.activity_id, p.family_id, p.contact_family_id) for p in again.proposals}
    assert not pairs & new
    reasons = {u["reason"] for u in again.result_doc["unplaced"] + again.result_doc["unpaired"]}
    assert reasons == {"all_declined_before"}


def test_a_declined_proposal_counts_as_a_round_waited_like_being_left_out(town):
    f.family(town["mun"], "Osman", children=2)  # 4 children for 3 places: one is left out
    db.session.commit()
    first = run(town["mun"].id, kind="both")
    assert first.status == "done"
    left_out = {u["child"] for u in first.result_doc["unplaced"]}
    assert len(left_out) == 1
    placements = sorted((p for p in first.proposals if p.kind == "placement"), key=lambda p: p.id)
    declined, *accepted = placements
    rounds.decline(declined, "the family said no")
    pairing = next(p for p in first.proposals if p.kind == "pairing")
    rounds.decline(pairing, "not this one")
    for p in accepted:
        rounds.accept(p)
    doc = build_document(town["mun"].id, DAY, "both")
    waited = {c["id"]: c["rounds_waited"] for c in doc["children"]}
    assert waited == {f"c{declined.child_id}": 1, **{c: 1 for c in left_out}}
    assert doc["families"][0]["rounds_waited"] == 1
    second = run(town["mun"].id, kind="both")
    assert {c["id"]: c["rounds_waited"] for c in second.input_doc["children"]} == waited


def test_decline_needs_a_reason(town):
    rnd = run(town["mun"].id)
    with pytest.raises(rounds.DecisionRefused, match="reason"):
        rounds.decline(rnd.proposals[0], "   ")
    with pytest.raises(rounds.DecisionRefused, match="reason"):
        rounds.decline_all(rnd, "")
    assert db.session.get(Proposal, rnd.proposals[0].id).status == "proposed"


def test_accept_is_refused_when_the_place_is_gone(town):
    town["activity"].places = 2
    db.session.commit()
    rnd = run(town["mun"].id, kind="children")
    town["activity"].places = 1  # the club took a place back after the round
    db.session.commit()
    first, second = sorted(rnd.proposals, key=lambda p: p.id)
    rounds.accept(first)
    with pytest.raises(rounds.DecisionRefused, match="no free place"):
        rounds.accept(second)
    assert db.session.get(Proposal, second.id).status == "proposed"


def test_accept_all_and_decline_all_decide_every_open_proposal(town):
    rnd = run(town["mun"].id)
    one = rnd.proposals[0]
    rounds.decline(one, "not now")
    accepted, skipped = rounds.accept_all(rnd)
    assert (accepted, skipped) == (2, 0)
    assert {p.status for p in rnd.proposals if p.id != one.id} == {"accepted"}
    assert rounds.decline_all(rnd, "late") == 0


def test_new_round_waits_until_earlier_proposals_are_decided(town):
    rnd = run(town["mun"].id)
    with pytest.raises(rounds.RoundRefused, match="undecided"):
        rounds.start_round(town["mun"].id, kind="both", round_date=DAY)
    rounds.decline_all(rnd, "start over")
    assert rounds.start_round(town["mun"].id, kind="both", round_date=DAY).status == "queued"


def test_start_accept_and_decline_are_audited(town):
    rnd = run(town["mun"].id)
    a, b, *_ = rnd.proposals
    rounds.accept(a)
    rounds.decline(b, "moved away")
    actions = sorted(db.session.scalars(select(AuditEvent.action)))
    assert actions == ["accept", "decline", "round_start"]
    detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "decline"))
    assert "moved away" not in json.dumps(detail)


def test_acceptance_queues_its_e_mails_in_the_same_transaction(town):
    from matcher.models import OutboxMessage

    rnd = run(town["mun"].id, kind="families")
    rounds.accept(rnd.proposals[0])
    assert _count(OutboxMessage) >= 1
