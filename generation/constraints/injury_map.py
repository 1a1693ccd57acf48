"""Health flags: the one body part → exercise map behind the injury rule, and the keyword
matching that finds which exercises load a flagged body part."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class JointLoad:
    """Exercises that load a body part: by movement pattern (warned), and by name keyword — the
    riskiest ones, swapped for a same-pattern exercise without that risk when one exists."""

    patterns: frozenset[str]
    high_risk: tuple[str, ...]


# The one body part → exercise map (body parts as athletes.stats.BODY_PARTS names them).
INJURY_MAP: dict[str, JointLoad] = {
    "knee": JointLoad(
        frozenset({"squat", "lunge", "olympic", "run"}),
        ("jump", "hop", "bound", "depth", "pistol", "deep squat", "lunge", "split squat",
         "skater", "sissy", "cossack", "sprint"),
    ),
    "hip": JointLoad(
        frozenset({"squat", "hinge", "lunge", "olympic"}),
        ("deep squat", "sumo", "cossack", "lateral lunge", "split squat", "sprint"),
    ),
    "back": JointLoad(
        frozenset({"squat", "hinge", "olympic", "carry"}),
        ("deadlift", "good morning", "back squat", "front squat", "zercher", "barbell row",
         "pendlay", "sit-up", "russian twist", "clean", "snatch", "jerk"),
    ),
    "shoulder": JointLoad(
        frozenset({"vertical_push", "horizontal_push", "vertical_pull", "olympic"}),
        ("overhead", "snatch", "jerk", "dip", "handstand", "behind the neck", "kipping",
         "push press", "pullover", "upright row", "plyometric push-up"),
    ),
    "elbow": JointLoad(
        frozenset({"horizontal_push", "vertical_push", "horizontal_pull", "vertical_pull"}),
        ("skull", "dip", "close-grip", "close grip", "chin-up", "triceps"),
    ),
    "wrist": JointLoad(
        frozenset({"horizontal_push", "vertical_push", "olympic"}),
        ("front squat", "clean", "snatch", "push-up", "handstand", "front rack", "wall ball"),
    ),
    "ankle": JointLoad(
        frozenset({"plyometric", "run", "lunge", "olympic"}),
        ("jump", "hop", "bound", "sprint", "depth", "skip", "jump rope", "shuttle",
         "agility", "cone", "carioca", "ladder"),
    ),
    "hamstring": JointLoad(
        frozenset({"hinge", "run"}),
        ("sprint", "nordic", "romanian", "stiff", "glute-ham", "good morning", "hamstring curl"),
    ),
    "groin": JointLoad(
        frozenset({"lunge"}),
        ("lateral lunge", "cossack", "sumo", "copenhagen", "adductor", "sprint"),
    ),
    "calf": JointLoad(
        frozenset({"run", "plyometric"}), ("jump", "hop", "bound", "sprint", "calf raise")
    ),
    "foot": JointLoad(
        frozenset({"run", "plyometric"}), ("jump", "hop", "bound", "sprint", "skip")
    ),
    "shin": JointLoad(
        frozenset({"run", "plyometric"}), ("jump", "hop", "bound", "sprint", "tibialis")
    ),
    "neck": JointLoad(frozenset({"olympic"}), ("shrug", "behind the neck", "neck", "zercher")),
    "head": JointLoad(frozenset(), ("depth", "tuck jump")),
}  # fmt: skip

# For a name nobody knows: its movement pattern guessed from its words (first hit wins).
PATTERN_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("clean", "olympic"),
    ("snatch", "olympic"),
    ("jerk", "olympic"),
    ("jump", "plyometric"),
    ("hop", "plyometric"),
    ("bound", "plyometric"),
    ("throw", "plyometric"),
    ("lunge", "lunge"),
    ("split squat", "lunge"),
    ("step-up", "lunge"),
    ("step up", "lunge"),
    ("squat", "squat"),
    ("deadlift", "hinge"),
    ("rdl", "hinge"),
    ("hinge", "hinge"),
    ("swing", "hinge"),
    ("bridge", "hinge"),
    ("thrust", "hinge"),
    ("good morning", "hinge"),
    ("bench", "horizontal_push"),
    ("push-up", "horizontal_push"),
    ("push up", "horizontal_push"),
    ("pushup", "horizontal_push"),
    ("chest press", "horizontal_push"),
    ("floor press", "horizontal_push"),
    ("overhead", "vertical_push"),
    ("shoulder press", "vertical_push"),
    ("military", "vertical_push"),
    ("dip", "vertical_push"),
    ("pull-up", "vertical_pull"),
    ("pull up", "vertical_pull"),
    ("pullup", "vertical_pull"),
    ("chin", "vertical_pull"),
    ("pulldown", "vertical_pull"),
    ("row", "horizontal_pull"),
    ("face pull", "horizontal_pull"),
    ("carry", "carry"),
    ("walk", "carry"),
    ("plank", "core"),
    ("crunch", "core"),
    ("sit-up", "core"),
    ("twist", "core"),
    ("rollout", "core"),
    ("raise", "core"),
    ("sprint", "run"),
    ("run", "run"),
    ("shuttle", "run"),
    ("bike", "conditioning"),
    ("burpee", "conditioning"),
    ("sled", "conditioning"),
    ("stretch", "mobility"),
    ("mobility", "mobility"),
)


def _words(phrase: str) -> re.Pattern[str]:
    escaped = re.escape(phrase.casefold()).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
    return re.compile(rf"(?<![a-z]){escaped}(?:e?s)?(?![a-z])")  # plurals: "Box Jumps"


_KEYWORD_RES: dict[str, re.Pattern[str]] = {
    phrase: _words(phrase)
    for phrase in {k for load in INJURY_MAP.values() for k in load.high_risk}
    | {k for k, _ in PATTERN_KEYWORDS}
}


def _has(name: str, phrase: str) -> bool:
    return bool(_KEYWORD_RES[phrase].search(name.casefold()))


def high_risk_for(name: str, part: str) -> str | None:
    """The keyword that makes `name` high-risk for a body part, if any."""
    load = INJURY_MAP.get(part)
    if load is None:
        return None
    return next((k for k in load.high_risk if _has(name, k)), None)


def loads_part(name: str, pattern: str, part: str) -> bool:
    load = INJURY_MAP.get(part)
    if load is None:
        return False
    return pattern in load.patterns or high_risk_for(name, part) is not None


def guess_pattern(name: str) -> str:
    return next((p for k, p in PATTERN_KEYWORDS if _has(name, k)), "")
