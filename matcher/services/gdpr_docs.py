"""Anonymising the JSON documents of a round (input, result, baseline, suggestions).

A round document names children and families by id ("c12", "f3"); an entry about an erased one
keeps its ids, scores and reason codes (the figures) but loses every personal field.
"""

from typing import Any

ID_KEYS = ("id", "child", "family")
EMPTIED = (
    "languages",
    "interests",
    "wishes",
    "available_days",
    "excluded_activities",
    "excluded_contact_families",
)
CLEARED = ("why", "detail")


def _year(value: Any) -> Any:
    """Cut an ISO date to 1 January of its year."""
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit():
        return f"{value[:4]}-01-01"
    return value


def _scrub_entry(entry: dict, replacement: dict) -> dict:
    out = dict(entry)
    for key in EMPTIED:
        if key in out:
            out[key] = []
    for key in CLEARED:
        if key in out:
            out[key] = {}
    if "birth_date" in out:
        out["birth_date"] = _year(out["birth_date"])
    if "children_birth_dates" in out:
        out["children_birth_dates"] = [_year(d) for d in out["children_birth_dates"] or []]
    if "location" in out:
        out["location"] = replacement.get("location")
    return out


def scrub_document(doc: Any, replacements: dict[str, dict]) -> tuple[Any, bool]:
    """Return a copy of `doc` with the entries about the given ids anonymised; say if any."""
    changed = False

    def walk(node: Any) -> Any:
        nonlocal changed
        if isinstance(node, dict):
            ids = [node.get(k) for k in ID_KEYS]
            hit = next((i for i in ids if isinstance(i, str) and i in replacements), None)
            node = {k: walk(v) for k, v in node.items()}
            if hit is not None:
                changed = True
                node = _scrub_entry(node, replacements[hit])
            return node
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(doc), changed


def entries_about(doc: Any, ids: set[str]) -> list[dict]:
    """Return every entry of `doc` (a round document) that is about one of the given ids."""
    found: list[dict] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if any(isinstance(node.get(k), str) and node.get(k) in ids for k in ID_KEYS):
                found.append(node)
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    return found
