"""What the review page shows: proposals, who was left out, the baseline and the suggestions,
with the names looked up in the database and the explanations in plain words."""

from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.extensions import db
from matcher.models import (
    Activity,
    Category,
    Child,
    Family,
    Language,
    Proposal,
    Round,
)
from matcher.rounds import explain
from matcher.services.round_decisions import for_coordinator
from matcher.services.round_document import db_id


def _names(model, ids: set[int]) -> dict[int, object]:
    if not ids:
        return {}
    rows = db.session.scalars(select(model).where(model.id.in_(ids)))
    return {r.id: r for r in rows}


def _categories() -> dict[str, str]:
    lang = str(get_locale() or "da")[:2]
    return {c.code: c.name(lang) for c in db.session.scalars(select(Category))}


def _languages() -> dict[str, str]:
    lang = str(get_locale() or "da")[:2]
    return {c.code: c.name(lang) for c in db.session.scalars(select(Language))}


def activity_label(activity: Activity | None, categories: dict[str, str]) -> str:
    """Return "Fodbold U11 piger (Football, girls 9-11) at Søhøj IF"."""
    if activity is None:
        return _("an activity that no longer exists")
    who = {"female": _("girls"), "male": _("boys")}.get(activity.gender, _("all"))
    return _(
        "%(name)s (%(category)s, %(who)s %(min)s-%(max)s) at %(club)s",
        name=activity.name,
        category=categories.get(activity.category_code, activity.category_code),
        who=who,
        min=activity.min_age,
        max=activity.max_age,
        club=activity.club.name,
    )


def review(rnd: Round, coordinator_id: int | None = None) -> dict:
    """Collect everything the review page shows for a finished round; with `coordinator_id`,
    only the proposals for that coordinator's families (the rest of the page stays whole)."""
    doc, result = rnd.input_doc or {}, rnd.result_doc or {}
    day = date.fromisoformat(doc.get("round_date", rnd.round_date.isoformat()))
    children = {c["id"]: c for c in doc.get("children") or []}
    categories, languages = _categories(), _languages()
    chosen = select(Proposal).where(Proposal.round_id == rnd.id)
    if coordinator_id is not None:
        chosen = chosen.where(for_coordinator(coordinator_id))
    proposals = list(
        db.session.scalars(
            chosen.options(
                selectinload(Proposal.child),
                selectinload(Proposal.activity),
                selectinload(Proposal.family),
                selectinload(Proposal.contact_family),
            ).order_by(Proposal.kind.desc(), Proposal.id)
        )
    )
    total = len(proposals)
    if coordinator_id is not None:
        total = db.session.scalar(
            select(func.count(Proposal.id)).where(Proposal.round_id == rnd.id)
        )
    rows = []
    for p in proposals:
        if p.kind == "placement":
            child = children.get(f"c{p.child_id}", {})
            words = explain.placement(
                p.why, child, children, categories.get(p.why.get("wish"), p.why.get("wish", ""))
            )
            who = f"{p.child.first_name} ({p.child.family.name})" if p.child else "?"
            what = activity_label(p.activity, categories)
        else:
            words = explain.pairing(p.why, languages)
            who = p.family.name if p.family else "?"
            what = p.contact_family.name if p.contact_family else "?"
        rows.append({"proposal": p, "who": who, "what": what, "why": words})
    return {
        "proposals": rows,
        "open": sum(1 for p in proposals if p.status == "proposed"),
        "total": total,
        "unplaced": _unplaced(rnd, result, children, day, categories),
        "unpaired": _unpaired(rnd, result),
        "baseline": _baseline(result, rnd.baseline_doc),
        "suggestions": _suggestions(rnd, categories),
        "status": result.get("status"),
    }


CAPACITY_REASONS = {"capacity", "no_activity_with_capacity"}


def _unplaced(rnd, result, children, day, categories) -> list[dict]:
    entries = result.get("unplaced") or []
    kids = _names(Child, {db_id(e["child"]) for e in entries})
    out = []
    for e in entries:
        child = children.get(e["child"], {})
        wishes = ", ".join(categories.get(w, w) for w in child.get("wishes") or []) or "-"
        why, helps = explain.unplaced(e, child, day, wishes)
        if e["reason"] in CAPACITY_REASONS and rnd.suggestions is not None and not rnd.suggestions:
            # The suggestions were checked by re-solving and no extra place helps this round:
            # do not send the reader there.
            helps = (
                _("Extra places alone would not help this round; a larger budget might.")
                if (rnd.params or {}).get("budget") is not None
                else _("Extra places alone would not help this round; other wishes or days might.")
            )
        k = kids.get(db_id(e["child"]))
        name = f"{k.first_name} ({k.family.name})" if k else e["child"]
        out.append({"who": name, "why": why, "helps": helps, "reason": e["reason"]})
    return out


def _unpaired(rnd, result) -> list[dict]:
    entries = result.get("unpaired") or []
    fams = _names(Family, {db_id(e["family"]) for e in entries})
    out = []
    for e in entries:
        why, helps = explain.unpaired(e)
        f = fams.get(db_id(e["family"]))
        out.append(
            {"who": f.name if f else e["family"], "why": why, "helps": helps, "reason": e["reason"]}
        )
    return out


def _baseline(result: dict, baseline: dict | None) -> dict | None:
    if not baseline:
        return None
    ours, theirs = result.get("stats") or {}, baseline.get("stats") or {}
    keys = ("placed", "paired", "score", "pair_score")
    return {
        k: {
            "optimised": ours.get(k, 0),
            "baseline": theirs.get(k, 0),
            "gain": ours.get(k, 0) - theirs.get(k, 0),
        }
        for k in keys
    }


def _suggestions(rnd: Round, categories: dict[str, str]) -> list[dict]:
    found = rnd.suggestions or []
    acts = _names(Activity, {db_id(s["activity"]) for s in found})
    return [
        {**s, "label": activity_label(acts.get(db_id(s["activity"])), categories)} for s in found
    ]
