"""Fuzzing the round-document reader: any JSON value, or a valid document with one part replaced
by any JSON value, is either read or refused with RoundError, never another exception."""

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.matching import RoundError
from matcher.matching.document import read_round
from tests.matching.rounds import activity, child, contact, family, round_doc

FUZZ = settings(max_examples=200, deadline=None)
VALID = round_doc(
    children=[child("c1", family="f1")],
    activities=[activity("a1")],
    families=[family("f1")],
    contacts=[contact("k1")],
    preference_points=[100, 75, 50],
    budget=1000,
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["2026-02-30", "c1", "mon", "any", "", "NaN", "-1"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _read(doc) -> None:
    try:
        read_round(doc)
    except RoundError as exc:
        assert str(exc)  # a refusal says where and why


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


PATHS = [p for p in _paths(VALID) if p]


def test_the_valid_document_is_read():
    assert read_round(copy.deepcopy(VALID)).children[0].id == "c1"


@FUZZ
@given(JSON)
def test_any_json_value_is_read_or_refused_with_round_error(doc):
    _read(doc)


@FUZZ
@given(st.sampled_from(PATHS), JSON)
def test_a_valid_document_with_one_part_replaced_is_read_or_refused(path, value):
    doc = copy.deepcopy(VALID)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    _read(doc)


@FUZZ
@given(st.sampled_from(PATHS))
def test_a_valid_document_with_one_part_missing_is_read_or_refused(path):
    doc = copy.deepcopy(VALID)
    node = doc
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    _read(doc)


@FUZZ
@given(st.text(max_size=300))
def test_any_text_parsed_as_json_is_read_or_refused(text):
    try:
        doc = json.loads(text)
    except ValueError:
        return
    _read(doc)
