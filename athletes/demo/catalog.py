"""Name → row lookups for the demo, and the small date and load helpers its writers share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from programs.models import Equipment, Exercise, PrescribedSet, ProgramTemplate, global_programs

PLATE = Decimal("5")  # the story is told in lb: loads round to 5 lb


class DemoDataError(Exception):
    """The demo cannot be built (e.g. the catalog lacks something the story needs)."""


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def rpe(value: float) -> Decimal:
    clamped = min(10.0, max(1.0, round(value * 2) / 2))
    return Decimal(str(clamped))


def lb(value: float | int) -> Decimal:
    return Decimal(str(value))


class Catalog:
    """Name → row lookups for the demo, loaded once (two queries)."""

    def __init__(self) -> None:
        # The global catalog only: a coach's own "Back Squat" must not stand in for it.
        self.exercises = {
            e.name.lower(): e
            for e in Exercise.objects.filter(owner__isnull=True).prefetch_related(
                "equipment_links__equipment"
            )
        }
        self.equipment = {e.name.lower(): e for e in Equipment.objects.filter(owner__isnull=True)}
        self.templates = {
            t.name.lower(): t for t in ProgramTemplate.objects.filter(global_programs())
        }
        self._sets: dict[int, dict[tuple[int, int], list[PrescribedSet]]] = {}

    def exercise(self, name: str) -> Exercise:
        try:
            return self.exercises[name.lower()]
        except KeyError:
            raise DemoDataError(
                f"The catalog has no exercise “{name}”, which the demo story uses. "
                "Load the seed catalog into an empty database (manage.py migrate does it)."
            ) from None

    def equipment_item(self, name: str) -> Equipment:
        try:
            return self.equipment[name.lower()]
        except KeyError:
            raise DemoDataError(f"The catalog has no equipment “{name}”.") from None

    def template(self, name: str) -> ProgramTemplate:
        try:
            return self.templates[name.lower()]
        except KeyError:
            raise DemoDataError(
                f"The catalog has no global program “{name}”, which the demo story uses."
            ) from None

    def sessions(self, template: ProgramTemplate) -> dict[tuple[int, int], list[PrescribedSet]]:
        if template.pk not in self._sets:
            by_session: dict[tuple[int, int], list[PrescribedSet]] = defaultdict(list)
            for s in PrescribedSet.objects.filter(template=template).select_related("exercise"):
                by_session[(s.week, s.day)].append(s)
            for rows in by_session.values():
                rows.sort(key=lambda s: (s.sort_order, s.exercise.name, s.set_number))
            self._sets[template.pk] = dict(by_session)
        return self._sets[template.pk]

    def can_do(self, exercise: Exercise, owned: set[str]) -> bool:
        return all(
            link.optional or link.equipment.name.lower() in owned
            for link in exercise.equipment_links.all()
        )

    def is_bodyweight(self, exercise: Exercise) -> bool:
        return not any(not link.optional for link in exercise.equipment_links.all())
