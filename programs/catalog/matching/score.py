"""How alike two names are (rapidfuzz), and the guard that says when alike is not the same.

The score ranks suggestions. The guard decides whether a name may be mapped without a coach:
only when the two names have the same words once typos ("Deadlfit"), compounds ("Pullups" /
"Pull-Up") and the candidate's own equipment ("Barbell" Hip Thrust, done with a barbell) are
set aside. Any other word that one name has and the other lacks — arm/leg, windmill/swing,
hand-release/incline, an unknown "YTI" — makes it another exercise, whatever the score.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from programs.catalog.matching.normalise import normalise
from programs.catalog.matching.synonyms import (
    DISCRIMINATING,
    EQUIPMENT_SYNONYMS,
    LOADING_EQUIPMENT,
)

CONTRAST_PENALTY = 0.85
TYPO_RATIO = 80
# A name that differs only in the candidate's own equipment words is the same exercise.
IMPLIED_SCORE = 0.9


@functools.lru_cache(maxsize=65536)
def contrast_penalty(a: str, b: str) -> float:
    """A factor ≤ 1 for each discriminating word one name has and the other lacks or
    contradicts (a typo of one — "dumbell" — is not a contrast)."""
    left, right = set(a.split()), set(b.split())
    only_left, only_right = left - right, right - left
    _without_compounds(only_left, only_right)  # "dead lift" is the deadlift
    _without_compounds(only_right, only_left)
    contrasts = 0
    for mine, theirs in ((only_left, only_right), (only_right, only_left)):
        for word in mine:
            if word not in DISCRIMINATING:
                continue
            partner = max(theirs, key=lambda t: fuzz.ratio(word, t), default=None)
            is_typo = (
                partner is not None and partner not in DISCRIMINATING and _misspelt(word, partner)
            )
            if not is_typo:
                contrasts += 1
    # Each contradicting pair was counted from both sides.
    return float(CONTRAST_PENALTY ** min(2, (contrasts + 1) // 2))


def similarity(a: str, b: str) -> float:
    """Score two *normalised* names, 0–1."""
    if not a or not b:
        return 0.0
    text = max(fuzz.token_sort_ratio(a, b), fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")))
    return text / 100.0 * contrast_penalty(a, b)


def _without_compounds(mine: set[str], theirs: set[str]) -> None:
    """Drop "pullup" ↔ {"pull", "up"} pairs (in place): one word written as two."""
    for word in sorted(mine):
        for first in sorted(theirs):
            for second in sorted(theirs - {first}):
                if fuzz.ratio(word, first + second) >= 90:
                    mine.discard(word)
                    theirs.difference_update({first, second})
                    break
            if word not in mine:
                break


def _without_typos(mine: set[str], theirs: set[str], vocabulary: Set[str]) -> None:
    """Drop a word and its partner when the word is a misspelling of it: not a known word
    itself (incline/decline are both words, and different exercises) and ≥ 80 % alike."""
    for word in sorted(mine):
        if word in vocabulary or word in DISCRIMINATING or len(word) < 3:
            continue
        partner = max(sorted(theirs), key=lambda t: _likeness(word, t), default=None)
        if partner is not None and _misspelt(word, partner):
            mine.discard(word)
            theirs.discard(partner)


def _misspelt(word: str, partner: str) -> bool:
    """A typo ("deadlfit") or a cut-short word ("pres", "ext") of the partner."""
    return _likeness(word, partner) >= TYPO_RATIO


def _likeness(word: str, partner: str) -> float:
    short, long = sorted((word, partner), key=len)
    if len(short) >= 3 and long.startswith(short):
        return 100.0
    return float(fuzz.ratio(word, partner))


@functools.lru_cache(maxsize=65536)
def differing_words(
    name: str,
    candidate: str,
    *,
    implied: frozenset[str] = frozenset(),
    vocabulary: frozenset[str] = frozenset(),
) -> tuple[str, ...]:
    """The words (of two *normalised* names) that make them different exercises; empty when
    `name` may be mapped onto `candidate`. `implied`: the candidate's equipment words."""
    left, right = set(name.split()), set(candidate.split())
    mine, theirs = left - right, right - left
    _without_compounds(mine, theirs)
    _without_compounds(theirs, mine)
    _without_typos(mine, theirs, vocabulary)
    _without_typos(theirs, mine, vocabulary)
    # Only the name's own extra words may be implied: "Barbell Hip Thrust" is the Hip Thrust
    # done with a barbell, but a bare "Row" is not the Band Row.
    return tuple(sorted((mine - implied) | theirs))


def equipment_key(name: str) -> str:
    """One spelling per piece of equipment: 'Power Rack' and 'Squat Rack' → 'squat rack'."""
    norm = normalise(name)
    return normalise(EQUIPMENT_SYNONYMS[norm]) if norm in EQUIPMENT_SYNONYMS else norm


def equipment_words(names: Iterable[str]) -> frozenset[str]:
    """The words an exercise's equipment lets its name leave out ("Barbell" Hip Thrust)."""
    words: set[str] = set()
    for name in names:
        words.update(normalise(name).split())
        words.update(normalise(equipment_key(name)).split())
    if not {equipment_key(name) for name in names} & LOADING_EQUIPMENT:
        words.add("bodyweight")  # "Pull Up (Bodyweight)", as Strong and Hevy name it
    return frozenset(words)


@dataclass(frozen=True)
class Candidate:
    ref: str  # "db:<id>" or "file:<key>"
    name: str
    score: float
    via: str = "name"  # "name" | "alias"
    differs: tuple[str, ...] = ()  # the words that make it another exercise (never automatic)

    @property
    def in_file(self) -> bool:
        return self.ref.startswith("file:")

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def same_exercise(self) -> bool:
        return not self.differs


@dataclass
class NameIndex:
    """Candidate names of one kind, normalised once. An index from `shared_index` is shared by
    every caller in the process: only build one with `add`, never add to a shared one."""

    exact: dict[str, tuple[str, str]] = field(default_factory=dict)
    alias_exact: dict[str, tuple[str, str]] = field(default_factory=dict)
    normal_exact: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)
    equipment: dict[str, frozenset[str]] = field(default_factory=dict)
    implied: dict[str, frozenset[str]] = field(default_factory=dict)
    vocabulary: frozenset[str] = frozenset()
    _strings: list[str] = field(default_factory=list)
    _compact: list[str] = field(default_factory=list)
    _owners: list[tuple[str, str]] = field(default_factory=list)  # (ref, via) per string
    _tokens: list[frozenset[str]] = field(default_factory=list)

    def add(
        self,
        ref: str,
        name: str,
        aliases: Sequence[Any] = (),
        equipment: Sequence[str] = (),
    ) -> None:
        self.display[ref] = name
        self.equipment[ref] = frozenset(equipment_key(e) for e in equipment)
        self.implied[ref] = equipment_words(equipment)
        self.exact.setdefault(name.casefold(), (ref, name))
        self._add_string(ref, name, "name")
        for alias in aliases:
            if isinstance(alias, str) and alias.strip():
                self.alias_exact.setdefault(alias.casefold().strip(), (ref, name))
                self._add_string(ref, alias, "alias")

    def _add_string(self, ref: str, text: str, via: str) -> None:
        norm = normalise(text)
        self.normal_exact.setdefault(_word_key(norm), (ref, self.display[ref], via))
        self.vocabulary = self.vocabulary | set(norm.split())
        self._strings.append(norm)
        self._compact.append(norm.replace(" ", ""))
        self._owners.append((ref, via))
        self._tokens.append(frozenset(norm.split()))

    def __contains__(self, ref: str) -> bool:
        return ref in self.display

    def same_words(self, name: str) -> Candidate | None:
        """The entry whose name or alias has exactly these words, in any order and spelling."""
        hit = self.normal_exact.get(_word_key(normalise(name)))
        return Candidate(hit[0], hit[1], 1.0, hit[2]) if hit else None

    def containing(self, name: str, *, limit: int = 12) -> list[tuple[str, str]]:
        """Entries whose name (or an alias) holds every word of `name`: for a bare "Squat" the
        coach sees Back Squat, Front Squat, … even though none is close enough to propose."""
        words = frozenset(normalise(name).split())
        if not words:
            return []
        refs: dict[str, str] = {}
        for tokens, (ref, _via) in zip(self._tokens, self._owners, strict=True):
            if words < tokens and ref not in refs:
                refs[ref] = self.display[ref]
        return sorted(refs.items(), key=lambda kv: (len(kv[1]), kv[1].casefold()))[:limit]

    def ranked(self, name: str, *, exclude: str | None = None, limit: int = 10) -> list[Candidate]:
        norm = normalise(name)
        if not norm or not self._strings:
            return []
        hits = process.extract(
            norm, self._strings, scorer=fuzz.token_sort_ratio, processor=None, limit=limit * 3
        )
        hits += process.extract(
            norm.replace(" ", ""), self._compact, scorer=fuzz.ratio, processor=None, limit=limit * 3
        )
        best: dict[str, Candidate] = {}
        for _text, score, index in hits:
            ref, via = self._owners[index]
            if ref == exclude:
                continue
            found = self._candidate(norm, index, score / 100.0, ref, via)
            if ref not in best or _rank(found) < _rank(best[ref]):
                best[ref] = found
        ordered = sorted(best.values(), key=lambda c: (*_rank(c), c.name))
        return ordered[:limit]

    def _candidate(self, norm: str, index: int, text: float, ref: str, via: str) -> Candidate:
        other = self._strings[index]
        differs = differing_words(
            norm,
            other,
            implied=self.implied.get(ref, frozenset()),
            vocabulary=self.vocabulary,
        )
        score = text * contrast_penalty(norm, other)
        if not differs and set(norm.split()) != set(other.split()):
            score = max(score, IMPLIED_SCORE) if _only_implied(norm, other) else score
        return Candidate(ref, self.display[ref], round(score, 4), via, differs)


def _word_key(norm: str) -> str:
    return " ".join(sorted(set(norm.split())))


def _only_implied(name: str, candidate: str) -> bool:
    """True when the name has every word of the candidate, and equipment words besides."""
    return set(candidate.split()) < set(name.split())


def _rank(candidate: Candidate) -> tuple[float, int]:
    return (-candidate.score, len(candidate.differs))


IndexEntry = tuple[str, str, tuple[str, ...], tuple[str, ...]]  # (ref, name, aliases, equipment)


def shared_index(entries: Iterable[Sequence[Any]]) -> NameIndex:
    """The index of these entries — (ref, name, aliases[, equipment names]) — built once per
    process for the same entries. The entries are read from the database by the caller every
    time (cheap queries), so a renamed, added or deleted exercise is never missed: only the
    costly normalising is reused while the catalog is unchanged, as across a batch of drafts."""
    key = tuple(
        (
            entry[0],
            entry[1],
            tuple(a for a in entry[2] if isinstance(a, str)),
            tuple(entry[3]) if len(entry) > 3 else (),
        )
        for entry in entries
    )
    return _built_index(key)


@functools.lru_cache(maxsize=8)
def _built_index(entries: tuple[IndexEntry, ...]) -> NameIndex:
    index = NameIndex()
    for ref, name, aliases, equipment in entries:
        index.add(ref, name, aliases, equipment)
    return index
