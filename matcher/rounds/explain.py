"""A round's result in plain words: why a proposal, why someone was left out, what would help."""

from datetime import date

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Lazy, so the catalogue extraction sees every phrase and each is translated when shown.
ORDINALS = {1: _l("1st wish"), 2: _l("2nd wish"), 3: _l("3rd wish")}
SIBLING = {  # (child's gender, sibling's gender) -> words
    ("female", "female"): _l("with her sister"),
    ("female", "male"): _l("with her brother"),
    ("male", "female"): _l("with his sister"),
    ("male", "male"): _l("with his brother"),
}


def _km(km: float) -> str:
    return _("%(km)s km", km=format_decimal(km, "0.0"))


def _waited(n: int) -> str:
    return ngettext("waited %(num)s round", "waited %(num)s rounds", n)


def _wish(rank: int) -> str:
    if rank in ORDINALS:
        return str(ORDINALS[rank])
    return _("%(n)sth wish", n=rank)


def _siblings(child: dict, siblings: list[dict]) -> str:
    if len(siblings) > 1:
        return _("with %(n)s siblings", n=len(siblings))
    words = SIBLING.get((child.get("gender"), siblings[0].get("gender")))
    return str(words) if words is not None else _("with a sibling")


def placement(why: dict, child: dict, children: dict[str, dict], category: str) -> str:
    """Return "1st wish (Football), 3.2 km, waited 2 rounds, with her brother"."""
    parts = [f"{_wish(why.get('wish_rank', 0))} ({category})", _km(why.get("km", 0.0))]
    if why.get("rounds_waited"):
        parts.append(_waited(why["rounds_waited"]))
    siblings = [children[s] for s in why.get("siblings_in_same_club") or [] if s in children]
    if siblings:
        parts.append(_siblings(child, siblings))
    return ", ".join(parts)


def pairing(why: dict, languages: dict[str, str]) -> str:
    """Return "speak Arabic, children of similar age, 2 shared interests, 4.1 km"."""
    parts = []
    shared = why.get("shared_languages") or []
    if shared:
        parts.append(_("speak %(langs)s", langs=", ".join(languages.get(c, c) for c in shared)))
    if why.get("children_ages_match"):
        parts.append(_("children of similar age"))
    n = len(why.get("shared_interests") or [])
    if n:
        parts.append(ngettext("%(num)s shared interest", "%(num)s shared interests", n))
    if why.get("rounds_waited"):
        parts.append(_waited(why["rounds_waited"]))
    parts.append(_km(why.get("km", 0.0)))
    return ", ".join(parts)


def _age(birth: str, day: date) -> int:
    b = date.fromisoformat(birth)
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def _for_whom(child: dict, age: int) -> str:
    return {
        "female": _("for girls aged %(age)s", age=age),
        "male": _("for boys aged %(age)s", age=age),
    }.get(child.get("gender"), _("for children aged %(age)s", age=age))


def unplaced(entry: dict, child: dict, day: date, wishes: str) -> tuple[str, str]:
    """Return (why the child was left out, what would help), in plain words."""
    reason, detail = entry["reason"], entry.get("detail") or {}
    age = _age(child["birth_date"], day)
    reach = child.get("max_distance_km", 0)
    texts = {
        "too_old": (_("is 18 or older on the round date"), ""),
        "no_wishes": (_("no wishes are recorded"), _("Record what the child would like to do.")),
        "no_activity_in_wishes": (
            _("no club offers %(wishes)s", wishes=wishes),
            _(
                "Ask the clubs for %(wishes)s, or talk with the child about other wishes.",
                wishes=wishes,
            ),
        ),
        "no_activity_in_age_range": (
            _("no %(wishes)s for %(age)s-year-olds", wishes=wishes, age=age),
            _("Ask the clubs for %(wishes)s for this age.", wishes=wishes),
        ),
        "no_activity_for_gender": (
            _("no %(wishes)s %(whom)s", wishes=wishes, whom=_for_whom(child, age)),
            _("Ask the clubs for a team %(whom)s.", whom=_for_whom(child, age)),
        ),
        "no_activity_on_available_days": (
            _("no %(wishes)s on the days the child is free", wishes=wishes),
            _("Check whether the child is free on more days."),
        ),
        "all_declined_before": (
            _("every suitable activity was declined before"),
            _("Talk with the family about other wishes."),
        ),
        "no_activity_within_reach": (
            _(
                "no %(wishes)s %(whom)s within %(km)s (the nearest is %(near)s away)",
                wishes=wishes,
                whom=_for_whom(child, age),
                km=_km(reach),
                near=_km(detail.get("nearest_km", 0.0)),
            ),
            _("Help with transport, or allow a longer way."),
        ),
        "no_activity_with_capacity": (
            _("every suitable activity is full"),
            _("More places would help: see the suggestions."),
        ),
        "capacity": (
            _("the suitable places went to children with stronger wishes or longer waits"),
            _("More places would help: see the suggestions."),
        ),
        "budget": (
            _("the subsidy budget was used up"),
            _("A larger budget for the season would help."),
        ),
    }
    return texts.get(reason, (reason.replace("_", " "), ""))


def unpaired(entry: dict) -> tuple[str, str]:
    """Return (why the family was left without a contact family, what would help)."""
    reason, detail = entry["reason"], entry.get("detail") or {}
    texts = {
        "no_contact_family_within_reach": (
            _("no contact family lives close enough")
            if not detail.get("nearest_km")
            else _(
                "no contact family lives close enough (the nearest is %(km)s away)",
                km=_km(detail["nearest_km"]),
            ),
            _("Recruit contact families nearby."),
        ),
        "no_contact_family_with_child_certificate": (
            _("the contact families nearby have no child certificate (børneattest) on file"),
            _("Check the child certificates of the contact families nearby."),
        ),
        "all_declined_before": (
            _("every contact family nearby was declined before"),
            _("Recruit more contact families."),
        ),
        "no_contact_family_with_capacity": (
            _("the contact families nearby have no room"),
            _("Ask contact families nearby whether they can take one more family."),
        ),
        "capacity": (
            _("the contact families nearby went to families who waited longer or fit better"),
            _("Recruit more contact families."),
        ),
    }
    return texts.get(reason, (reason.replace("_", " "), ""))
