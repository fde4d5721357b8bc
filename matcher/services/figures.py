"""Key figures for a municipality."""

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Activity, Child, Club, ContactFamily, Family


def overview(municipality_id: int) -> dict:
    """Count the municipality's families, children, contact families, clubs and places."""

    def count(stmt) -> int:
        return db.session.scalar(stmt) or 0

    fam = Family.municipality_id == municipality_id
    return {
        "families": count(select(func.count(Family.id)).where(fam)),
        "children": count(select(func.count(Child.id)).join(Family).where(fam)),
        "contact_families": count(
            select(func.count(ContactFamily.id)).where(
                ContactFamily.municipality_id == municipality_id
            )
        ),
        "clubs": count(select(func.count(Club.id)).where(Club.municipality_id == municipality_id)),
        "places": count(
            select(func.sum(Activity.places))
            .join(Club)
            .where(Club.municipality_id == municipality_id, Activity.active.is_(True))
        ),
    }
