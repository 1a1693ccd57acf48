"""Names as words: 'DB Bench Presses (Flat)' → 'dumbbell bench press flat'.

Case, accents, punctuation, abbreviations, plurals, "each side" and common gym words of other
languages are removed or translated, so that what remains is the words that name the exercise.
Word order is left alone: the scorer and the guard compare word sets.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from programs.catalog.matching.synonyms import (
    ABBREVIATIONS,
    FILLERS,
    FOREIGN_PHRASES,
    FOREIGN_WORDS,
)

_PUNCT = re.compile(r"[^\w\s]|_")
# "each side", "per leg", "e/s", "(each)": how many sides is the prescription's business.
_SIDEDNESS = re.compile(
    r"\b(?:each|per|every|both)\s+(?:side|leg|arm|hand|way)s?\b|\be\s*/\s*s\b|\beach\b"
)
_IRREGULAR = {
    "flyes": "fly",
    "flies": "fly",
    "calves": "calf",
    "abs": "abs",
    "press": "press",
    "ups": "up",
    "paused": "pause",
    "banded": "band",
    "weighted": "weight",
    "dips": "dip",
    "glutes": "glute",
    "lunges": "lunge",
    "raises": "raise",
    "swiss": "swiss",
}


def _singular(token: str) -> str:
    if token in _IRREGULAR:
        return _IRREGULAR[token]
    if len(token) <= 3:
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("sses", "ches", "shes", "xes")):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _unaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss")


@functools.lru_cache(maxsize=1)
def _phrase_pattern() -> re.Pattern[str]:
    # Longest first, so "peso muerto rumano" wins over "peso muerto".
    phrases = sorted(FOREIGN_PHRASES, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")


@functools.lru_cache(maxsize=8192)
def normalise(name: str) -> str:
    """Memoised: the same few hundred catalog names are normalised for every draft and upload."""
    text = _unaccent(name.casefold()).replace("&", " and ").replace("'", "").replace("’", "")
    text = _SIDEDNESS.sub(" ", text)
    text = _PUNCT.sub(" ", text)
    text = _phrase_pattern().sub(lambda m: FOREIGN_PHRASES[m.group(0)], " ".join(text.split()))
    words: list[str] = []
    for token in text.split():
        token = FOREIGN_WORDS.get(token, token)
        words.extend(ABBREVIATIONS.get(token, ABBREVIATIONS.get(_singular(token), token)).split())
    singular = [_singular(w) for w in words]
    kept = [w for w in singular if w not in FILLERS]
    return " ".join(kept or singular)
