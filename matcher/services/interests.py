"""Interests as shared codes: what coordinators type in Danish ("fodbold, madlavning") and what
volunteers type in English ("football, cooking") become the same codes, so that matching finds
what two families share; pages show the codes as words in the reader's language.

An interest the list does not know is kept as the typed word (lower-cased), so nothing typed is
lost; it still counts when both families typed the same word.
"""

from __future__ import annotations

from collections.abc import Iterable

# code: (Danish, English, other ways people write it)
KNOWN: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "music": ("musik", "music", ("sang", "singing")),
    "dancing": ("dans", "dancing", ("dance", "danse")),
    "nature": ("natur", "nature", ("naturen", "outdoor life", "friluftsliv")),
    "cycling": ("cykling", "cycling", ("cykel", "cykle", "bike", "biking")),
    "gardening": ("havearbejde", "gardening", ("have", "haven", "garden")),
    "board_games": ("brætspil", "board games", ("board game", "spil", "games")),
    "crafts": ("kreativt", "crafts", ("håndarbejde", "håndværk", "craft", "arts and crafts")),
    "cooking": ("madlavning", "cooking", ("mad", "food", "bagning", "baking")),
    "reading": ("læsning", "reading", ("bøger", "books", "læse")),
    "hiking": ("vandreture", "hiking", ("gåture", "walking", "walks", "vandring")),
    "football": ("fodbold", "football", ("soccer",)),
    "swimming": ("svømning", "swimming", ("svømme", "swim")),
    "sport": ("sport", "sport", ("sports", "idræt", "motion", "exercise")),
    "running": ("løb", "running", ("løbe", "jogging")),
    "film": ("film", "films", ("movies", "biograf", "cinema")),
    "art": ("kunst", "art", ("tegning", "drawing", "maling", "painting")),
    "animals": ("dyr", "animals", ("heste", "horses", "hunde", "dogs")),
    "fishing": ("fiskeri", "fishing", ("fiske", "lystfiskeri")),
    "chess": ("skak", "chess", ()),
    "travel": ("rejser", "travel", ("rejse", "travelling", "traveling")),
    "languages": ("sprog", "languages", ("language learning",)),
    "computers": ("computere", "computers", ("it", "gaming", "computerspil", "computer games")),
}

_ALIASES: dict[str, str] = {}
for _code, (_da, _en, _more) in KNOWN.items():
    for _word in (_code, _code.replace("_", " "), _da, _en, *_more):
        _ALIASES.setdefault(_word.casefold(), _code)


def code_of(word: str) -> str:
    """Return the code of a typed interest, or the word itself (lower-cased) if unknown."""
    key = " ".join(str(word).split()).casefold()
    return _ALIASES.get(key, key)


def normalise(words: Iterable[str] | None) -> list[str]:
    """Return the codes of the typed interests, in their order, without repeats or blanks."""
    out: list[str] = []
    for word in words or []:
        code = code_of(word)
        if code and code not in out:
            out.append(code)
    return out


def label(code: str, lang: str) -> str:
    """Return an interest's word in the given language ("da" or "en"); unknown ones as stored."""
    known = KNOWN.get(code)
    if known is None:
        return code
    return known[1] if lang == "en" else known[0]


def labels(codes: Iterable[str] | None, lang: str) -> list[str]:
    """Return the words of the interests in the given language, in their order."""
    return [label(c, lang) for c in codes or []]
