"""Language of an article body. English is recognised cheaply from function words (most articles, no model
call); anything else goes to langdetect (seeded, so the answer is the same on every run)."""

from __future__ import annotations

import re

_EN_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for on with as was by it at from are be this has have an its which said will "
    "not but were their they would been had also more than after who or".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str) -> str:
    words = _WORD.findall(text[:3000].lower())
    if len(words) < 5:
        return "und"
    share = sum(w in _EN_FUNCTION_WORDS for w in words) / len(words)
    if share >= 0.18:
        return "en"
    try:
        from langdetect import DetectorFactory, detect
        from langdetect.lang_detect_exception import LangDetectException

        DetectorFactory.seed = 0
        code = detect(text[:3000])
    except LangDetectException:
        return "und"
    return code.split("-")[0].lower()[:3]
