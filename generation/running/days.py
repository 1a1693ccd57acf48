"""The role pattern, the same every week: exactly one long run, at most one quality day at
four days a week or fewer (two above), never two hard days back to back (the week wraps:
Sunday's long run and Monday's intervals are back to back too), the other days easy."""

from __future__ import annotations

from dataclasses import dataclass

from generation.running.plan import WEEKDAY_LABELS, PlanSettings
from generation.running.skeleton import Role

# Spread-out weekdays for a number of days a week when the coach names none (Sunday long run).
DEFAULT_DAYS: dict[int, tuple[int, ...]] = {
    1: (6,),
    2: (2, 6),
    3: (1, 3, 6),
    4: (1, 3, 4, 6),
    5: (0, 1, 3, 4, 6),
    6: (0, 1, 2, 4, 5, 6),
    7: (0, 1, 2, 3, 4, 5, 6),
}


@dataclass(frozen=True)
class Pattern:
    slots: tuple[tuple[int, Role], ...]  # (weekday, role), in weekday order
    rest_days: tuple[int, ...]

    @property
    def weekdays(self) -> tuple[int, ...]:
        return tuple(day for day, _ in self.slots)


def quality_limit(days_per_week: int) -> int:
    return 1 if days_per_week <= 4 else 2


def adjacent(a: int, b: int) -> bool:
    return (a - b) % 7 in (1, 6)


def role_pattern(settings: PlanSettings) -> tuple[Pattern, list[str]]:
    days = settings.preferred or DEFAULT_DAYS[settings.days_per_week]
    long_day = settings.long_run_day if settings.long_run_day in days else days[-1]
    roles = {day: Role.EASY for day in days}
    roles[long_day] = Role.LONG
    warnings: list[str] = []
    wanted = quality_limit(len(days)) if settings.speedwork and len(days) > 1 else 0
    for _ in range(wanted):
        day = _quality_day(roles)
        if day is None:
            warnings.append(
                "No quality day fits these weekdays without two hard days back to back; "
                "the plan has easy runs instead."
            )
            break
        roles[day] = Role.QUALITY
    rest = tuple(d for d in range(7) if d not in roles)
    return Pattern(slots=tuple(sorted(roles.items())), rest_days=rest), warnings


def _quality_day(roles: dict[int, Role]) -> int | None:
    """The easy day farthest from every hard day, adjacent to none; None when none fits."""
    hard = [d for d, r in roles.items() if r is not Role.EASY]
    candidates = [
        d for d, r in roles.items() if r is Role.EASY and not any(adjacent(d, h) for h in hard)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda d: (min(_gap(d, h) for h in hard), -d))


def _gap(a: int, b: int) -> int:
    return min((a - b) % 7, (b - a) % 7)


def describe(pattern: Pattern) -> str:
    return ", ".join(f"{WEEKDAY_LABELS[d]} {role}" for d, role in pattern.slots)
