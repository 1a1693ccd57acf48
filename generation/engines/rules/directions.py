"""Stage 0: what the coach asked for in words — the request's directions and pinned notes — read
before drafting. The cases the engine can act on become a `Wish`; anything else is said up front
as a direction it cannot follow, never after the draft is built.

Read: the volume of a movement pattern up or down ("more pulling", "keep jump volume moderate"),
an exercise or pattern to avoid ("no depth jumps", "avoid overhead pressing") or to keep ("keep
the power clean"), an event date ("tryouts in six weeks", "meet on 2026-05-02") → a taper week.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# Words a coach uses for a movement pattern.
PATTERN_WORDS: dict[str, frozenset[str]] = {
    "jump": frozenset({"plyometric"}),
    "plyo": frozenset({"plyometric"}),
    "plyometric": frozenset({"plyometric"}),
    "sprint": frozenset({"run"}),
    "running": frozenset({"run"}),
    "squat": frozenset({"squat"}),
    "hinge": frozenset({"hinge"}),
    "deadlift": frozenset({"hinge"}),
    "pressing": frozenset({"horizontal_push", "vertical_push"}),
    "overhead": frozenset({"vertical_push"}),
    "pushing": frozenset({"horizontal_push", "vertical_push"}),
    "pulling": frozenset({"horizontal_pull", "vertical_pull"}),
    "pull": frozenset({"horizontal_pull", "vertical_pull"}),
    "row": frozenset({"horizontal_pull"}),
    "core": frozenset({"core"}),
    "olympic": frozenset({"olympic"}),
    "lunge": frozenset({"lunge"}),
    "single-leg": frozenset({"lunge"}),
    "conditioning": frozenset({"conditioning"}),
    "carry": frozenset({"carry"}),
}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "a": 1}  # fmt: skip
_DOWN = re.compile(r"\b(less|fewer|reduce|lower|cut|moderate|light|limit|go easy)\b")
_UP = re.compile(r"\b(more|increase|extra|add|emphasi[sz]e|bias)\b")
_AVOID = re.compile(r"\b(avoid|no|skip|drop|without|remove)\b")
_KEEP = re.compile(r"\bkeep (?:the |doing |his |her |their )?(?P<what>[a-z][a-z -]+)")
_EVENT = re.compile(
    r"\b(tryouts?|meet|competition|game|match|race|event|test(?:ing)? day|combine|season)\b"
)
_IN_WEEKS = re.compile(
    r"\bin (?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a) weeks?\b"
)
_BODY = re.compile(r"\b(knee|hip|back|shoulder|elbow|wrist|ankle|neck)s?\b")
_ON_DATE = re.compile(r"\b(?P<date>\d{4}-\d{2}-\d{2})\b")


@dataclass
class Wish:
    """One direction or note as the engine reads it."""

    source: str  # "Coach direction “…”" / "Pinned note of 2026-03-04"
    volume: dict[str, int] = field(default_factory=dict)  # pattern → set delta
    avoid_patterns: frozenset[str] = frozenset()
    avoid_names: tuple[str, ...] = ()
    keep_names: tuple[str, ...] = ()
    event_day: dt.date | None = None

    @property
    def actionable(self) -> bool:
        return bool(
            self.volume
            or self.avoid_patterns
            or self.avoid_names
            or self.keep_names
            or self.event_day
        )


def patterns_in(text: str) -> frozenset[str]:
    found: set[str] = set()
    for word, patterns in PATTERN_WORDS.items():
        if re.search(rf"\b{re.escape(word)}(e?s)?\b", text):
            found |= patterns
    return frozenset(found)


def names_in(text: str, exercises: list[str]) -> tuple[str, ...]:
    """Exercise names the text mentions (singular or plural)."""
    return tuple(n for n in exercises if re.search(rf"\b{re.escape(n.casefold())}(e?s)?\b", text))


def read_wish(source: str, text: str, *, today: dt.date, exercises: list[str]) -> Wish:
    low = text.casefold()
    wish = Wish(source)
    event = _EVENT.search(low)
    if event:
        weeks, on = _IN_WEEKS.search(low), _ON_DATE.search(low)
        if weeks:
            count = _NUMBERS.get(weeks.group("n")) or int(weeks.group("n"))
            wish.event_day = today + dt.timedelta(weeks=count)
        elif on:
            wish.event_day = dt.date.fromisoformat(on.group("date"))
    for clause in re.split(r"[:;,]| but | and ", low):
        _read_clause(wish, clause, exercises)
    return wish


def _read_clause(wish: Wish, clause: str, exercises: list[str]) -> None:
    names = names_in(clause, exercises)
    patterns = patterns_in(clause)
    keep = _KEEP.search(clause)
    # "no deep knee-dominant plyos" is a health note: the health rules answer it, more finely
    # than ruling out a whole movement pattern would.
    health = _BODY.search(clause) is not None
    if _AVOID.search(clause) and (names or patterns) and not _DOWN.search(clause) and not health:
        if names:
            wish.avoid_names += names
        else:
            wish.avoid_patterns |= patterns
        return
    if "volume" in clause or _DOWN.search(clause) or _UP.search(clause):
        delta = -1 if _DOWN.search(clause) else 1 if _UP.search(clause) else 0
        for pattern in patterns if delta else ():
            wish.volume[pattern] = delta
        if delta and patterns:
            return
    if keep and names:
        wish.keep_names += names
