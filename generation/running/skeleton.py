"""The plan as plain data: weeks of sessions, each with its structural fields (set by the
engine only) and its text fields (the engine's own, or the coach layer's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    LONG = "long"
    QUALITY = "quality"
    EASY = "easy"
    RACE = "race"


HARD_ROLES = frozenset({Role.LONG, Role.QUALITY, Role.RACE})
EXERCISE_NAMES: dict[Role, str] = {
    Role.EASY: "Easy Run",
    Role.LONG: "Long Run",
    Role.QUALITY: "Quality Run",
    Role.RACE: "Race",
}
TEXT_FIELDS = ("title", "description", "intensity", "target", "warm_up", "main_set", "cool_down")


@dataclass
class Session:
    weekday: int  # 0 = Monday
    role: Role
    metres: int = 0
    date: dt.date | None = None
    title: str = ""
    description: str = ""
    intensity: str = ""
    target: str = ""  # a pace or a heart-rate zone
    warm_up: str = ""
    main_set: str = ""
    cool_down: str = ""

    @property
    def km(self) -> float:
        return self.metres / 1000

    @property
    def hard(self) -> bool:
        return self.role in HARD_ROLES

    def text(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in TEXT_FIELDS}


@dataclass
class Week:
    number: int
    week_type: str  # a CatalogJSON week type
    target_m: int
    sessions: list[Session] = field(default_factory=list)
    total_m: int = 0
    coach_notes: str = ""
    rest_days: tuple[int, ...] = ()

    def by_role(self, role: Role) -> list[Session]:
        return [s for s in self.sessions if s.role == role]

    @property
    def long(self) -> Session | None:
        found = self.by_role(Role.RACE) or self.by_role(Role.LONG)
        return found[0] if found else None

    @property
    def eases_off(self) -> bool:
        """Cutback, taper and race weeks may drop by more than the weekly caps allow."""
        return self.week_type in ("recovery", "taper", "race")


@dataclass
class Plan:
    weeks: list[Week]
    warnings: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    text_source: str = "engine"  # "engine" or "llm"

    def as_dict(self) -> dict[str, Any]:
        return {
            "weeks": [
                {
                    "week": w.number,
                    "week_type": w.week_type,
                    "total_km": round(w.total_m / 1000, 1),
                    "sessions": [
                        {"weekday": s.weekday, "role": str(s.role), "km": round(s.km, 1)}
                        for s in w.sessions
                    ],
                }
                for w in self.weeks
            ]
        }
