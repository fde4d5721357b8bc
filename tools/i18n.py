"""Catalogue chores: fill English from the source strings, list or apply Danish translations.

    python tools/i18n.py fill-en                 # English msgstr = msgid (the source is English)
    python tools/i18n.py missing                 # Danish entries still untranslated or fuzzy
    python tools/i18n.py apply da.json           # {"English": "Dansk", ...} into the da catalogue
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "matcher" / "translations"


def _load(lang: str):
    path = ROOT / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return path, read_po(fh, locale=lang)


def _save(path: Path, catalog) -> None:
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100)


def fill_english() -> None:
    """Make every English entry its own source string."""
    path, catalog = _load("en")
    for msg in catalog:
        if msg.id:
            msg.string = msg.id
            msg.flags.discard("fuzzy")
    _save(path, catalog)


def missing() -> list[str]:
    """Return the Danish entries without a (non-fuzzy) translation."""
    _, catalog = _load("da")
    out = []
    for msg in catalog:
        if not msg.id:
            continue
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        if "fuzzy" in msg.flags or not all(strings):
            out.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return out


def apply(mapping_file: str) -> None:
    """Write Danish translations from a JSON mapping of English source to Danish."""
    mapping = json.loads(Path(mapping_file).read_text(encoding="utf-8"))
    path, catalog = _load("da")
    for msg in catalog:
        key = msg.id if isinstance(msg.id, str) else msg.id[0]
        if key in mapping:
            value = mapping[key]
            msg.string = tuple(value) if isinstance(msg.id, tuple) else value
            msg.flags.discard("fuzzy")
    _save(path, catalog)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "fill-en":
        fill_english()
    elif cmd == "missing":
        print(json.dumps(missing(), ensure_ascii=False, indent=1))
    elif cmd == "apply":
        apply(sys.argv[2])
    else:
        sys.exit(__doc__)
