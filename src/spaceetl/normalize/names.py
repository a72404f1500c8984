"""Surface form -> lookup key. One normalisation for the gazetteer and for unlinked entities, so "the U.S.'s",
"U.S." and "u.s." meet where they should."""

from __future__ import annotations

import re
import unicodedata

_LEADING_DET = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(['’]s|(?<=s)['’])$")
_LEADING_POSSESSIVE = re.compile(r"^['’]s?\s+")  # "’s Maxwell": a span cut after the owner, not a name
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-"})


def fold(text: str) -> str:
    """Unicode-normalised, typographic quotes and dashes unified, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def strip_determiners_possessives(text: str) -> str:
    text = _POSSESSIVE.sub("", _LEADING_DET.sub("", _LEADING_POSSESSIVE.sub("", fold(text))))
    # A final period belongs to an abbreviation ("U.S."), not to the sentence, when a capital precedes it.
    trail = " ,;:!?\"'()[]" + ("" if re.search(r"\b[A-Z]\.$", text) else ".")
    return text.strip(trail)


_NAME_HYPHEN = re.compile(r"(?<=\w)[-\u2010\u2011](?=\w)")


def lookup_key(text: str) -> str:
    """Case-insensitive key, with a hyphen between two word characters read as a space: a satellite or rocket is
    written both ways ("Meteor-3b" / "Meteor 3b", "Falcon-9" / "Falcon 9") and is one entity."""
    return _NAME_HYPHEN.sub(" ", strip_determiners_possessives(text).casefold())
