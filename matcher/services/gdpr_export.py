"""A family's data export (GDPR Art. 15): everything held about it and its children, as JSON or
as a zip of CSV files, including its proposals, why rounds left it out, its entries in stored
round documents, the e-mails sent about its matches, and who accessed it (bulk exports and
round downloads that carried its data included).
"""

import io
import json
import zipfile
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.inspection import inspect

from matcher.extensions import db
from matcher.models import AuditEvent, Family, OutboxMessage, Proposal, Round, Unmatched
from matcher.services import audit
from matcher.services.csv_io import to_csv
from matcher.services.gdpr_docs import entries_about

FORMAT = "matcher-gdpr-export/1"
# Internal bookkeeping, not data about the family.
SKIPPED = {"create_token"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _columns(record) -> dict[str, Any]:
    """Return every stored column of a record (except bookkeeping), JSON-ready."""
    mapper = inspect(type(record))
    return {
        c.key: _plain(getattr(record, c.key)) for c in mapper.column_attrs if c.key not in SKIPPED
    }


def _proposal(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.id,
        "round_id": p.round_id,
        "round_date": _plain(p.round.round_date),
        "kind": p.kind,
        "child_id": p.child_id,
        "activity": p.activity.name if p.activity else None,
        "club": p.activity.club.name if p.activity else None,
        "contact_family": p.contact_family.name if p.contact_family else None,
        "score": p.score,
        "why": p.why,
        "status": p.status,
        "decline_reason": p.decline_reason,
        "decided_at": _plain(p.decided_at),
        "started_on": _plain(p.started_on),
        "ended_on": _plain(p.ended_on),
        "end_reason": p.end_reason,
    }


def _unmatched(u: Unmatched, round_dates: dict[int, date]) -> dict[str, Any]:
    return {
        "round_id": u.round_id,
        "round_date": _plain(round_dates.get(u.round_id)),
        "child_id": u.child_id,
        "family_id": u.family_id,
        "reason": u.reason,
        "detail": u.detail,
    }


def _when(e: AuditEvent) -> tuple:
    return (e.at, e.id)


def _access(e: AuditEvent) -> dict[str, Any]:
    return {
        "at": _plain(e.at),
        "action": e.action,
        "user": e.user_email,
        "object_type": e.object_type,
        "object_id": e.object_id,
    }


ROUND_DOCUMENTS = ("input_doc", "result_doc", "baseline_doc", "suggestions")


def _round_entries(family: Family) -> tuple[list[dict[str, Any]], set[int]]:
    """Return the family's entries in stored round documents, and the ids of those rounds."""
    from matcher.services.round_document import ref

    ids = {ref("family", family.id)} | {ref("child", c.id) for c in family.children}
    rows, rounds = [], set()
    stmt = select(Round).where(Round.municipality_id == family.municipality_id).order_by(Round.id)
    for rnd in db.session.scalars(stmt):
        for attr in ROUND_DOCUMENTS:
            for entry in entries_about(getattr(rnd, attr), ids):
                rows.append(
                    {
                        "round_id": rnd.id,
                        "round_date": _plain(rnd.round_date),
                        "document": attr.removesuffix("_doc"),
                        "entry": entry,
                    }
                )
                rounds.add(rnd.id)
    return rows, rounds


def _message(m: OutboxMessage) -> dict[str, Any]:
    return {
        "created_at": _plain(m.created_at),
        "sent_at": _plain(m.sent_at),
        "proposal_id": m.proposal_id,
        "to": m.to,
        "subject": m.subject,
        "body": m.body,
    }


def _bulk_reads(family: Family) -> list[AuditEvent]:
    """Exports of many families at once (the families CSV, the figures CSV) that named it."""
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "export",
            AuditEvent.object_type.in_(["family", "dashboard"]),
        )
    )
    return [e for e in events if family.id in ((e.detail or {}).get("family_ids") or [])]


def export_family(family: Family, actor=None) -> dict[str, Any]:
    """Return all data held about a family as one document, and audit the export (no commit)."""
    child_ids = [c.id for c in family.children]
    proposals = db.session.scalars(
        select(Proposal)
        .where(or_(Proposal.family_id == family.id, Proposal.child_id.in_(child_ids)))
        .order_by(Proposal.id)
    ).all()
    unmatched = db.session.scalars(
        select(Unmatched)
        .where(or_(Unmatched.family_id == family.id, Unmatched.child_id.in_(child_ids)))
        .order_by(Unmatched.id)
    ).all()
    round_dates = dict(
        db.session.execute(
            select(Round.id, Round.round_date).where(Round.id.in_({u.round_id for u in unmatched}))
        ).all()
    )
    about = [
        (AuditEvent.object_type == "family") & (AuditEvent.object_id == family.id),
        (AuditEvent.object_type == "child") & AuditEvent.object_id.in_(child_ids),
        (AuditEvent.object_type == "proposal")
        & AuditEvent.object_id.in_([p.id for p in proposals]),
    ]
    entries, rounds = _round_entries(family)
    # Reads of the rounds whose documents carry the family's data (review pages, downloads).
    about.append((AuditEvent.object_type == "round") & AuditEvent.object_id.in_(rounds))
    accesses = db.session.scalars(select(AuditEvent).where(or_(*about))).all()
    accesses = sorted({e.id: e for e in [*accesses, *_bulk_reads(family)]}.values(), key=_when)
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.proposal_id.in_([p.id for p in proposals]))
        .order_by(OutboxMessage.id)
    ).all()
    document = {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "municipality": family.municipality.name,
        "family": _columns(family),
        "children": [_columns(c) for c in family.children],
        "proposals": [_proposal(p) for p in proposals],
        "unmatched": [_unmatched(u, round_dates) for u in unmatched],
        "round_documents": entries,
        "messages": [_message(m) for m in messages],
        "access_log": [_access(e) for e in accesses],
    }
    audit.record("export", family, actor=actor, format="gdpr")
    return document


def to_json(document: dict[str, Any]) -> bytes:
    """Return the export document as indented UTF-8 JSON."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _table(rows: list[dict[str, Any]]) -> bytes:
    headers: list[str] = []
    for row in rows:
        headers.extend(k for k in row if k not in headers)
    # A dict cell (explanations) is written as JSON text; lists read as "a, b".
    cells = [
        [
            json.dumps(row.get(h), ensure_ascii=False)
            if isinstance(row.get(h), dict)
            else row.get(h)
            for h in headers
        ]
        for row in rows
    ]
    return to_csv(headers, cells)


def to_zip(document: dict[str, Any]) -> bytes:
    """Return the export as a zip of CSV files (one per kind of record) plus the JSON itself."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("family.csv", _table([document["family"]]))
        for name in ("children", "proposals", "unmatched", "round_documents", "messages"):
            zf.writestr(f"{name}.csv", _table(document[name]))
        for name in ("access_log",):
            zf.writestr(f"{name}.csv", _table(document[name]))
        zf.writestr("export.json", to_json(document))
    return buffer.getvalue()
