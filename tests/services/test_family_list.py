"""The families list read in pages: own families first, the same order as one sorted query."""

import pytest

from matcher.extensions import db
from matcher.services import families, family_list
from matcher.services.families import FamilyFilters
from tests import factories as f


@pytest.fixture
def world(app):
    mun = f.municipality()
    me = f.user(mun, "coordinator", name="Hanne")
    other = f.user(mun, "coordinator", name="Yasmin")
    # 7 own families (primary or backup), 9 others, 2 of them without any coordinator.
    for i, (coordinator, backup) in enumerate(
        [(me, None), (None, me), (me, other), (other, me), (me, me), (me, None), (None, me)]
        + [(other, None)] * 7
        + [(None, None)] * 2
    ):
        f.family(
            mun,
            f"Fam {(i * 7) % 18:02d}",
            children=0,
            coordinator_id=coordinator.id if coordinator else None,
            backup_coordinator_id=backup.id if backup else None,
        )
    db.session.commit()
    return {"mun": mun, "me": me, "other": other}


def all_pages(world, per_page: int, **filters) -> list[list[str]]:
    first = family_list.page_of(
        world["mun"].id, world["me"].id, FamilyFilters(**filters), 1, per_page
    )
    pages = [first] + [
        family_list.page_of(world["mun"].id, world["me"].id, FamilyFilters(**filters), n, per_page)
        for n in range(2, first.pages + 1)
    ]
    return [[x.name for x in p.items] for p in pages]


@pytest.mark.parametrize("per_page", [1, 4, 7, 50])
def test_pages_follow_the_one_query_order_own_families_first(world, per_page):
    stmt = families.search(world["mun"].id, world["me"].id, FamilyFilters())
    expected = [x.name for x in db.session.scalars(stmt)]
    pages = all_pages(world, per_page)
    assert [name for page in pages for name in page] == expected
    assert all(len(page) == per_page for page in pages[:-1])
    assert len(expected) == 16


def test_a_page_knows_its_neighbours_and_total(world):
    page = family_list.page_of(world["mun"].id, world["me"].id, FamilyFilters(), 2, 7)
    assert (page.total, page.pages, page.has_prev, page.has_next) == (16, 3, True, True)
    assert (page.prev_num, page.next_num) == (1, 3)
    last = family_list.page_of(world["mun"].id, world["me"].id, FamilyFilters(), 3, 7)
    assert len(last.items) == 2 and not last.has_next
    beyond = family_list.page_of(world["mun"].id, world["me"].id, FamilyFilters(), 9, 7)
    assert beyond.items == [] and beyond.total == 16


def test_filters_apply_to_both_parts_of_the_list(world):
    pages = all_pages(world, 3, coordinator_id=world["other"].id)
    stmt = families.search(
        world["mun"].id, world["me"].id, FamilyFilters(coordinator_id=world["other"].id)
    )
    assert [n for p in pages for n in p] == [x.name for x in db.session.scalars(stmt)]
    assert len([n for p in pages for n in p]) == 9
