"""The coordinator's start page: proposals for their own families that wait for a decision."""

import pytest

from matcher.extensions import db
from matcher.services import rounds
from tests import factories as f
from tests.coordinators.test_views import log_in
from tests.rounds.helpers import run


@pytest.fixture
def town(app):
    """A club (3 places), my family of 2 children and a colleague's family of 1."""
    mun = f.municipality()
    f.club(mun, "Klub A")
    me = f.user(mun, "coordinator", email="koord@example.dk", name="Hanne")
    colleague = f.user(mun, "coordinator", email="kollega@example.dk", name="Yasmin")
    family = f.family(mun, "Haddad", coordinator_id=me.id)
    f.family(mun, "Osman", children=1, backup_coordinator_id=colleague.id)
    db.session.commit()
    return {"mun": mun, "family": family}


def _card(html: str) -> str:
    return html[html.index('id="undecided-proposals"') :].split("</a>")[0]


def test_start_page_counts_my_families_proposals_waiting_and_links_to_them(client, town):
    log_in(client)
    card = _card(client.get("/coordinator/").get_data(as_text=True))
    assert ">0<" in card.replace(" ", "") and 'href="/rounds/"' in card
    rnd = run(town["mun"].id, kind="children")
    assert len(rnd.proposals) == 3  # two for my family's children, one for the colleague's
    card = _card(client.get("/coordinator/").get_data(as_text=True))
    assert ">2<" in card.replace(" ", "")
    assert "proposals for your families wait for a decision" in card
    assert f'href="/rounds/{rnd.id}?mine=1#proposals"' in card
    mine = [p for p in rnd.proposals if p.child.family_id == town["family"].id]
    rounds.accept(mine[0])
    card = _card(client.get("/coordinator/").get_data(as_text=True))
    assert ">1<" in card.replace(" ", "")
    assert "proposal for your families waits for a decision" in card
