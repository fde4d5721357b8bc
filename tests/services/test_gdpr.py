"""GDPR: a family's export holds all its data and who accessed it; erasure leaves none of it in
any table while the figures still add up; withdrawal and the retention job anonymise; no CPR."""

import io
import json
import logging
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, Family, OutboxMessage, Proposal, Round, Unmatched
from matcher.services import audit, dashboard, family_import, figures, gdpr, gdpr_export
from matcher.services.round_document import build_document, ref
from tests import factories as f

S = {  # one sentinel per personal field; none of them may survive an erasure
    "name": "Zqname7731",
    "reference": "Zqref5512",
    "address": "Zqaddress Alle 9",
    "phone": "Zqphone4242",
    "notes": "Zqnotes about the family",
    "consent": "Zqconsent Mother",
    "language": "zqlang",
    "interest": "zqinterest",
    "child1": "Zqchildone",
    "child2": "Zqchildtwo",
    "wish": "zqwish",
    "day": "zqday",
    "decline": "Zqdecline reason",
    "end": "Zqend reason",
    "why": "Zqwhy text",
    "unmatched": "Zqunmatched detail",
    "audit": "Zqaudit detail",
}
BIRTH_DATES = ("2013-07-19", "2016-11-23")
ARRIVAL = "2024-02-29"


def _family_with_everything(mun, coordinator, activity):
    """Create the sentinel family with children, proposals, a round, events and e-mails."""
    fam = f.family(
        mun,
        name=S["name"],
        children=0,
        reference=S["reference"],
        address=S["address"],
        phone=S["phone"],
        notes=S["notes"],
        consent_given_by=S["consent"],
        consent_date="2024-03-01",
        languages=[S["language"]],
        interests=[S["interest"]],
        arrival_date=ARRIVAL,
    )
    from matcher.services.records import new_child

    for name, born in zip((S["child1"], S["child2"]), BIRTH_DATES, strict=True):
        fam.children.append(
            new_child(
                {
                    "first_name": name,
                    "birth_date": born,
                    "gender": "female",
                    "wishes": ["football", S["wish"]],
                    "available_days": ["mon", S["day"]],
                }
            )
        )
    db.session.flush()
    one, two = fam.children
    cf = f.contact_family(mun, status="approved")
    placed = f.accepted_match(mun, child=one, activity=activity)
    placed.why = {"note": S["why"]}
    ended = f.accepted_match(mun, child=two, activity=activity)
    ended.ended_on, ended.end_reason = date(2026, 10, 1), S["end"]
    declined = f.accepted_match(mun, family=fam, contact_family=cf, status="declined")
    declined.decline_reason = S["decline"]
    open_ = f.accepted_match(mun, family=fam, contact_family=cf, status="proposed")
    doc = build_document(mun.id, date(2026, 9, 1), "both")
    rnd = Round(
        municipality_id=mun.id,
        kind="both",
        round_date=date(2026, 9, 1),
        status="done",
        input_doc=doc,
        result_doc={
            "placements": [
                {
                    "child": ref("child", one.id),
                    "activity": "a1",
                    "score": 5,
                    "why": {"note": S["why"]},
                }
            ],
            "unplaced": [
                {
                    "child": ref("child", two.id),
                    "reason": "capacity",
                    "detail": {"note": S["unmatched"]},
                }
            ],
        },
    )
    db.session.add(rnd)
    db.session.flush()
    db.session.add(
        Unmatched(
            round_id=rnd.id, child_id=two.id, reason="capacity", detail={"note": S["unmatched"]}
        )
    )
    db.session.flush()
    db.session.add(
        OutboxMessage(
            to="club@example.dk",
            subject=f"Nyt barn: {S['child1']}",
            body=f"Familien {S['name']} ({S['reference']}), barnet {S['child1']}. Hilsen",
            proposal_id=placed.id,
        )
    )
    audit.record("view", fam, actor=coordinator, note=S["audit"])
    audit.record("view", one, actor=coordinator, note=S["audit"])
    audit.record("update", open_, actor=coordinator, note=S["audit"])
    db.session.commit()
    return fam


@pytest.fixture
def world(app):
    """A municipality with a club, a coordinator, the sentinel family and a control family."""
    mun = f.municipality()
    club = f.club(mun, places=5)
    coordinator = f.user(mun, "coordinator", email="koordinator@example.dk")
    fam = _family_with_everything(mun, coordinator, club.activities[0])
    control = f.family(mun, name="Kontrolfamilie", notes="Kontrol noter")
    db.session.commit()
    return {"mun": mun, "family": fam, "control": control, "coordinator": coordinator}


def _every_text_value():
    """Yield (table, column, text) for every text, JSON and date value of every table."""
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None or isinstance(value, bool | int | float):
                        continue
                    if isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    yield table.name, column, str(value)


def _figures(mun_id: int) -> dict:
    placements = db.session.scalar(
        select(func.count(Proposal.id)).where(
            Proposal.kind == "placement", Proposal.status == "accepted"
        )
    )
    return {
        **figures.overview(mun_id),
        "placements": placements,
        "proposals": db.session.scalar(select(func.count(Proposal.id))),
        "unmatched": db.session.scalar(select(func.count(Unmatched.id))),
        "subsidy_spent": dashboard.compute(mun_id, today=date(2026, 11, 1)).subsidy_spent,
    }


def test_export_holds_the_family_its_children_proposals_reasons_and_who_accessed_it(world):
    fam = world["family"]
    doc = gdpr_export.export_family(fam, actor=world["coordinator"])
    db.session.commit()
    assert doc["family"]["name"] == S["name"]
    assert doc["family"]["notes"] == S["notes"]
    assert {c["first_name"] for c in doc["children"]} == {S["child1"], S["child2"]}
    assert {c["birth_date"] for c in doc["children"]} == set(BIRTH_DATES)
    reasons = {p["decline_reason"] for p in doc["proposals"]} | {
        p["end_reason"] for p in doc["proposals"]
    }
    assert {S["decline"], S["end"]} <= reasons
    assert len(doc["proposals"]) == 4
    assert [u["reason"] for u in doc["unmatched"]] == ["capacity"]
    who = {(e["user"], e["action"], e["object_type"]) for e in doc["access_log"]}
    assert ("koordinator@example.dk", "view", "family") in who
    assert ("koordinator@example.dk", "view", "child") in who
    exported = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert (exported.object_type, exported.object_id) == ("family", fam.id)
    assert exported.detail == {"format": "gdpr"}


def test_export_holds_round_entries_match_mails_and_bulk_reads_but_no_other_family(world):
    fam, control = world["family"], world["control"]
    coordinator = world["coordinator"]
    family_import.export_csv(world["mun"].id)  # the bulk CSV: audited with the families' ids
    rnd = db.session.scalars(select(Round).where(Round.input_doc.is_not(None))).first()
    audit.record("export", rnd, actor=coordinator, document="input")  # a round download
    db.session.commit()
    doc = gdpr_export.export_family(fam, actor=coordinator)
    kinds = {(e["document"], e["round_id"]) for e in doc["round_documents"]}
    assert ("input", rnd.id) in kinds and ("result", rnd.id) in kinds
    assert [m["to"] for m in doc["messages"]] == ["club@example.dk"]
    assert S["child1"] in doc["messages"][0]["body"]
    reads = {(e["action"], e["object_type"], e["object_id"]) for e in doc["access_log"]}
    assert ("export", "family", None) in reads and ("export", "round", rnd.id) in reads
    text = json.dumps(doc["round_documents"], ensure_ascii=False)
    assert ref("family", control.id) not in text
    other = gdpr_export.export_family(control)
    assert other["messages"] == [] and ref("family", fam.id) not in json.dumps(other)


def test_export_zip_has_a_csv_per_kind_of_record_and_the_json(world):
    doc = gdpr_export.export_family(world["family"])
    with zipfile.ZipFile(io.BytesIO(gdpr_export.to_zip(doc))) as zf:
        names = set(zf.namelist())
        family_csv = zf.read("family.csv").decode("utf-8-sig")
        children_csv = zf.read("children.csv").decode("utf-8-sig")
        again = json.loads(zf.read("export.json"))
    assert names == {
        "family.csv",
        "children.csv",
        "proposals.csv",
        "unmatched.csv",
        "round_documents.csv",
        "messages.csv",
        "access_log.csv",
        "export.json",
    }
    assert S["name"] in family_csv and S["address"] in family_csv
    assert S["child1"] in children_csv
    assert again["family"]["id"] == world["family"].id


def test_erasure_leaves_no_personal_data_of_the_family_in_any_table(world):
    fam, control = world["family"], world["control"]
    before = _figures(world["mun"].id)
    assert any(S["name"] in text for _, _, text in _every_text_value())  # the search works

    gdpr.erase_family(fam, actor=world["coordinator"])
    db.session.commit()
    db.session.expire_all()

    found = [
        (table, column, sentinel)
        for table, column, text in _every_text_value()
        for sentinel in (*S.values(), *BIRTH_DATES, ARRIVAL)
        if sentinel in text
    ]
    assert found == []
    assert before == _figures(world["mun"].id)
    kids = db.session.get(Family, fam.id).children
    assert sorted(c.birth_date for c in kids) == [date(2013, 1, 1), date(2016, 1, 1)]
    assert db.session.get(Family, control.id).notes == "Kontrol noter"
    assert db.session.get(Family, control.id).name == "Kontrolfamilie"


def test_erasure_withdraws_open_proposals_and_keeps_who_accessed_without_detail(world):
    fam = world["family"]
    gdpr.erase_family(fam, actor=world["coordinator"])
    db.session.commit()
    statuses = db.session.scalars(select(Proposal.status).where(Proposal.family_id == fam.id)).all()
    assert sorted(statuses) == ["declined", "declined"]
    views = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.object_type == "family")
    ).all()
    assert [(e.user_email, e.detail) for e in views] == [("koordinator@example.dk", {})]
    erased = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))
    assert erased.object_id == fam.id and erased.detail == {"reason": "request"}
    with pytest.raises(gdpr.GdprRefused):
        gdpr.erase_family(fam)


def test_withdrawn_consent_is_recorded_and_the_family_leaves_later_rounds(world):
    fam = world["family"]
    assert ref("family", fam.id) in {
        x["id"] for x in build_document(world["mun"].id, date(2026, 9, 1), "families")["families"]
    }
    gdpr.withdraw_consent(fam, actor=world["coordinator"])
    db.session.commit()
    fam = db.session.get(Family, fam.id)
    assert fam.consent_withdrawn_at is not None and fam.anonymised_at is not None
    doc = build_document(world["mun"].id, date(2026, 12, 1), "both")
    assert ref("family", fam.id) not in {x["id"] for x in doc["families"]}
    assert not {ref("child", c.id) for c in fam.children} & {x["id"] for x in doc["children"]}
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_id == fam.id, AuditEvent.object_type == "family"
        )
    ).all()
    assert {"consent_withdrawn", "erase"} <= set(actions)


def test_retention_anonymises_only_families_past_the_period_and_logs_only_a_count(app, caplog):
    mun = f.municipality()
    old = f.family(mun, name="Gammelfamilie", arrival_date="2020-01-15")
    recent = f.family(mun, name="Nyfamilie", arrival_date="2022-06-01")
    db.session.commit()
    caplog.set_level(logging.INFO, logger="matcher.gdpr")

    # 2020-01-15 + 3 years + 12 months = 2024-01-15; 2022-06-01 -> 2026-06-01.
    assert gdpr.run_retention(today=date(2024, 1, 14)) == 0
    assert gdpr.run_retention(today=date(2025, 1, 1)) == 1
    assert db.session.get(Family, old.id).anonymised_at is not None
    assert db.session.get(Family, recent.id).anonymised_at is None
    assert db.session.get(Family, recent.id).name == "Nyfamilie"
    assert gdpr.run_retention(today=date(2026, 7, 1)) == 1
    assert gdpr.run_retention(today=date(2030, 1, 1)) == 0

    messages = [r.getMessage() for r in caplog.records if r.name == "matcher.gdpr"]
    assert "retention: anonymised 1 families" in messages
    assert not any("Gammelfamilie" in m or "Nyfamilie" in m for m in messages)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "retention")
    ).all()
    assert sorted(e.detail["count"] for e in events) == [1, 1]
    assert all(e.municipality_id == mun.id for e in events)


@pytest.mark.parametrize("app_config", [{"RETENTION_MONTHS_AFTER_INTEGRATION": 0}])
def test_retention_period_after_integration_is_configurable(app):
    mun = f.municipality()
    fam = f.family(mun, arrival_date="2022-06-01")
    db.session.commit()
    assert gdpr.run_retention(today=date(2025, 6, 2)) == 1
    assert db.session.get(Family, fam.id).anonymised_at is not None


@pytest.mark.parametrize("text", ["født 010203-1234", "cpr 3112991234", "CPR: 150685 4321"])
def test_cpr_numbers_are_refused_in_free_text(app, text):
    mun = f.municipality()
    fam = f.family(mun)
    db.session.commit()
    fam.notes = text
    with pytest.raises(gdpr.CPRRefused):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Family, fam.id).notes == ""


def test_cpr_number_in_a_decline_reason_is_refused(world):
    p = db.session.scalar(select(Proposal).where(Proposal.status == "proposed"))
    p.decline_reason = "se sag 010203-1234"
    with pytest.raises(gdpr.CPRRefused):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("text", ["tlf 20304050", "2024-03-01", "ref 12345-6789", "320199-1234"])
def test_ordinary_numbers_in_free_text_are_kept(app, text):
    mun = f.municipality()
    fam = f.family(mun, notes=text)
    db.session.commit()
    assert db.session.get(Family, fam.id).notes == text


def test_no_column_of_the_demo_data_stores_a_cpr_number(app):
    from matcher.services.seed import seed_demo
    from matcher.web.cpr import _is_machine_value
    from matcher.web.validators import contains_cpr

    assert seed_demo()
    # Password hashes and generated identifiers are random text that can hold ten digits.
    hits = [
        (t, c)
        for t, c, text in _every_text_value()
        if not _is_machine_value(t, c) and contains_cpr(text)
    ]
    assert hits == []
