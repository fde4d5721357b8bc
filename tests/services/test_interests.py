"""Interests typed in Danish or English become shared codes, so matching sees what two families
share, and pages show them as words in the reader's language."""

from matcher.extensions import db
from matcher.services import interests
from matcher.services.round_document import build_document, ref
from tests import factories as f


def test_danish_english_and_other_spellings_become_one_code():
    assert interests.normalise(["Fodbold", "football", " soccer ", "MADLAVNING"]) == [
        "football",
        "cooking",
    ]
    assert interests.normalise(["Brætspil", "board games", "board_games"]) == ["board_games"]


def test_unknown_interests_are_kept_as_typed_words():
    assert interests.normalise(["Origami", "origami", "", "  "]) == ["origami"]
    assert interests.label("origami", "da") == "origami"


def test_labels_follow_the_language():
    assert interests.labels(["football", "cooking"], "da") == ["fodbold", "madlavning"]
    assert interests.labels(["football", "cooking"], "en") == ["football", "cooking"]


def test_a_family_and_a_volunteer_typing_in_two_languages_share_their_interests(app):
    mun = f.municipality()
    family = f.family(mun, interests=["Fodbold", "Madlavning"])
    cf = f.contact_family(mun, status="approved", interests=["football", "cooking", "chess"])
    db.session.commit()
    assert family.interests == ["football", "cooking"]
    assert cf.interests == ["football", "cooking", "chess"]
    doc = build_document(mun.id, family.arrival_date, "families")
    mine = next(x for x in doc["families"] if x["id"] == ref("family", family.id))
    theirs = next(x for x in doc["contact_families"] if x["id"] == ref("contact_family", cf.id))
    assert set(mine["interests"]) & set(theirs["interests"]) == {"football", "cooking"}


def test_the_family_page_shows_interests_as_danish_words(app, client):
    mun = f.municipality()
    coordinator = f.user(mun, "coordinator", email="k@example.dk")
    family = f.family(mun, interests=["football", "cooking"])
    db.session.commit()
    f.login(client, coordinator.email)
    client.post("/language", data={"lang": "da"})
    html = client.get(f"/coordinator/families/{family.id}").get_data(as_text=True)
    assert "fodbold, madlavning" in html
