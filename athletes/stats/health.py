"""Health and injury mentions in free text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Plain words for a body part: a health matter with a health word or a side ("left knee"); alone
# they are usually technique cues ("fast elbows", "knees out").
BODY_PARTS: dict[str, tuple[str, ...]] = {
    "knee": (r"knees?",),
    "shoulder": (r"shoulders?",),
    "hip": (r"hips?", r"hip flexors?"),
    "ankle": (r"ankles?",),
    "wrist": (r"wrists?",),
    "elbow": (r"elbows?",),
    "neck": (r"neck",),
    "hamstring": (r"hamstrings?", r"hammys?", r"hammies"),
    "groin": (r"groin", r"adductors?"),
    "calf": (r"calf", r"calves"),
    "foot": (r"foot", r"feet"),
    "shin": (r"shins?",),
}
# Words that name a body part only when something is wrong with it: they count on their own.
# "back" alone is mostly "back squat", "back off", "came back", so it needs a qualifier.
SPECIFIC_PARTS: dict[str, tuple[str, ...]] = {
    "knee": (r"acl", r"mcl", r"meniscus", r"patell(?:a|ar)"),
    "shoulder": (r"rotator cuff", r"labrum", r"ac joint"),
    "back": (
        r"(?:lower|upper|low|mid)[- ]back",
        r"back (?:pain|spasms?|tight(?:ness)?|stiff(?:ness)?|sore(?:ness)?|injur(?:y|ed)|strain"
        r"|tweak(?:ed)?|issues?|problems?)",
        r"(?:his|her|my|their) back",
        r"lumbar",
        r"spine",
        r"spinal",
    ),
    "ankle": (r"achilles",),
    "foot": (r"plantar",),
    "shin": (r"shin splints",),
    "head": (r"concussions?", r"concussed", r"head injury"),
}
HEALTH_TERMS = (
    r"pain(?:ful)?",
    r"hurts?",
    r"hurting",
    r"injur(?:y|ies|ed)",
    r"sore(?:ness)?",
    r"strain(?:ed)?",
    r"sprain(?:ed)?",
    r"tendons?",
    r"tendin(?:itis|opathy)",
    r"tendonitis",
    r"surgery",
    r"concussion",
    r"concussed",
    r"tweak(?:ed)?",
    r"aches?",
    r"aching",
    r"swelling",
    r"swollen",
    r"fractured?",
    r"torn",
    r"dislocat(?:ed|ion)",
    r"inflamed",
    r"inflammation",
    r"physio",
    r"rehab",
    r"limping",
)


def _words(alts: tuple[str, ...]) -> str:
    return r"\b(?:" + "|".join(alts) + r")\b"


_PART_RES = [(part, re.compile(_words(alts), re.IGNORECASE)) for part, alts in BODY_PARTS.items()]
_SIDED_RES = [
    (part, re.compile(r"\b(?:left|right|both)\s+" + _words(alts), re.IGNORECASE))
    for part, alts in BODY_PARTS.items()
]
_SPECIFIC_RES = [
    (part, re.compile(_words(alts), re.IGNORECASE)) for part, alts in SPECIFIC_PARTS.items()
]
_TERM_RE = re.compile(r"\b(" + "|".join(HEALTH_TERMS) + r")\b", re.IGNORECASE)


def exercise_name_mask(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching exercise names (and their plurals), so that "Hip Thrust" or
    "Nordic Hamstring Curls" in a note do not read as a hip or hamstring complaint."""
    cleaned = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alts = "|".join(re.escape(n).replace(r"\ ", r"[\s-]+") for n in cleaned)
    return re.compile(r"\b(?:" + alts + r")(?:e?s)?\b", re.IGNORECASE)


@dataclass(frozen=True)
class HealthMention:
    body_parts: tuple[str, ...]
    terms: tuple[str, ...]


def health_mention(text: str, *, mask: re.Pattern[str] | None = None) -> HealthMention | None:
    """The body parts and health words of a note that reads as a health matter, or None.

    Whole words only ("backed off", "feedback" are not a back). A note counts when it has a
    health word (pain, sore, strain, …), names a side ("left knee") or a part only named when
    hurt ("lower back", "ACL", "concussion"); a plain body part alone is usually a technique cue
    ("fast elbows", "knees out") and does not.
    """
    if not text:
        return None
    scanned = mask.sub(" ", text) if mask else text
    terms = tuple(dict.fromkeys(m.group(1).lower() for m in _TERM_RE.finditer(scanned)))
    specific = {part for part, pattern in _SPECIFIC_RES if pattern.search(scanned)}
    sided = {part for part, pattern in _SIDED_RES if pattern.search(scanned)}
    plain = {part for part, pattern in _PART_RES if pattern.search(scanned)} if terms else set()
    found = specific | sided | plain
    if not terms and not found:
        return None
    parts = tuple(p for p in dict.fromkeys([*BODY_PARTS, *SPECIFIC_PARTS]) if p in found)
    return HealthMention(parts, terms)
