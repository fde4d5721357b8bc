"""Candidate pairings: the pairs declined before are the only ones left out, however the
declined list is written, and the pairs come sorted by family, then contact family."""

from matcher.matching.document import read_round
from matcher.matching.pairs import build_pair_arcs

from .rounds import contact, family, north, round_doc


def _pairs(doc: dict) -> list[tuple[str, str]]:
    rnd = read_round(doc)
    arcs = build_pair_arcs(rnd)
    fs, ks = rnd.families, rnd.contact_families
    return [(fs[f].id, ks[k].id) for f, k in zip(arcs.family, arcs.contact, strict=True)]


def test_only_the_declined_pairs_are_left_out():
    far = contact("k9", location=north(50))  # out of reach: declining it changes nothing
    contacts = [contact("k1"), contact("k2"), contact("k3"), far]
    families = [
        # k2 twice, an unknown id and one out of reach: only (f1, k2) goes
        family("f1", excluded_contact_families=["k2", "k2", "nobody", "k9"]),
        family("f2", excluded_contact_families=["k1", "k3"]),
        family("f3"),
    ]
    assert _pairs(round_doc(families=families, contacts=contacts)) == [
        ("f1", "k1"),
        ("f1", "k3"),
        ("f2", "k2"),
        ("f3", "k1"),
        ("f3", "k2"),
        ("f3", "k3"),
    ]


def test_declining_every_pair_leaves_none():
    families = [family("f1", excluded_contact_families=["k1"])]
    assert _pairs(round_doc(families=families, contacts=[contact("k1")])) == []
