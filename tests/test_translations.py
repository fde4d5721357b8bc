"""Every message of the site is translated into Danish and English, and the catalogues are
current."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "matcher" / "translations"


def _catalogue(lang: str):
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    missing = []
    for msg in _catalogue(lang):
        if not msg.id:
            continue
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        if "fuzzy" in msg.flags or not all(strings):
            missing.append(msg.id)
    assert missing == []


def test_catalogues_hold_every_message_in_the_code_and_templates(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        in_source = _ids(read_po(fh))
    for lang in ("da", "en"):
        assert in_source - _ids(_catalogue(lang)) == set(), f"run `make extract-messages` ({lang})"


def test_danish_differs_from_english_for_sentences():
    da = {m.id: m.string for m in _catalogue("da") if isinstance(m.id, str) and m.id}
    same = [k for k, v in da.items() if k == v and " " in k]
    # A few words are the same in both languages; whole sentences are not.
    assert len(same) <= max(5, len(da) // 50), same[:20]
