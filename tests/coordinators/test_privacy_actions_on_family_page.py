"""The family page offers the privacy actions (export, consent withdrawal, erasure)."""

from matcher.extensions import db
from tests import factories as f


def test_family_page_links_to_export_withdrawal_and_erasure(app, client):
    mun = f.municipality()
    coordinator = f.user(mun, "coordinator")
    family = f.family(mun)
    db.session.commit()
    f.login(client, coordinator.email)
    html = client.get(f"/coordinator/families/{family.id}").get_data(as_text=True)
    for path in ("export", "withdraw", "erase"):
        assert f"/privacy/families/{family.id}/{path}" in html
