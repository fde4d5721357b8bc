"""Geocoding from the shipped postcode table."""

import pytest

from matcher.services import geocode


def test_every_danish_postcode_row_is_loaded():
    assert len(geocode.postcodes()) == 1089


def test_known_postcode_gives_its_centre():
    pc = geocode.lookup("8600")
    assert pc.name == "Silkeborg"
    assert abs(pc.lat - 56.1749) < 1e-4 and abs(pc.lon - 9.5665) < 1e-4


def test_explicit_coordinate_overrides_the_postcode():
    assert geocode.locate("8600", 56.0, 9.0) == (56.0, 9.0)


def test_unknown_postcode_is_refused():
    assert geocode.lookup("0000") is None
    with pytest.raises(ValueError):
        geocode.locate("0000")
