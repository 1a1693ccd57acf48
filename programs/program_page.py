"""A program's page: weeks × days, each exercise's sets grouped as a coach writes them
("3×5 @ 75 % · 115 lbs"), with the loads the percentages mean for one athlete (their training
maxes in force today × %, rounded half-up to the plate increment).

The catalog app does not import athlete code: the athlete and training-max models are looked up
by name, and the athletes offered are the ones `replog.access.athlete_scope` lets the user see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from programs.access import programs_visible_to
from programs.loads import plate_increment, set_label
from programs.models import Exercise, PrescribedSet, ProgramTemplate, ProgressionRule
from replog.access import athlete_scope, is_admin, is_coach
from settings_app.resolution import get_setting

ATHLETE_CHOICES_LIMIT = 500


@dataclass(frozen=True)
class SetGroup:
    """Consecutive sets of one exercise that read the same."""

    count: int
    label: str
    needs_tm: bool

    @property
    def text(self) -> str:
        return f"{self.count}×{self.label}" if self.count > 1 else self.label


@dataclass
class ExerciseBlock:
    exercise: Exercise
    groups: list[SetGroup] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return ", ".join(g.text for g in self.groups)


@dataclass(frozen=True)
class ProgramWeek:
    week: int
    week_type: str
    coach_notes: str
    days: list[list[ExerciseBlock]]


@dataclass
class ProgramPage:
    program: ProgramTemplate
    weeks: list[ProgramWeek]
    athlete: Any  # whose loads are shown; None = bare percentages
    athletes: list[Any]  # whom the user may pick
    missing_tms: list[Exercise]  # percentage work with no training max for this athlete
    can_assign: bool
    unit: str


def _program(pk: int, user: Any) -> ProgramTemplate:
    return (
        programs_visible_to(user)
        .select_related("owner", "coach")
        .prefetch_related(
            Prefetch(
                "sets",
                queryset=PrescribedSet.objects.select_related("exercise").order_by(
                    "week", "day", "sort_order", "exercise__name", "set_number"
                ),
            ),
            Prefetch(
                "progression_rules",
                queryset=ProgressionRule.objects.select_related("exercise").order_by(
                    "exercise__name"
                ),
            ),
        )
        .get(pk=pk)
    )


def _athletes(user: Any) -> QuerySet[Any]:
    model = apps.get_model("athletes", "Athlete")
    scope = athlete_scope(user)
    qs = model.objects.all() if scope is None else model.objects.filter(scope)
    return qs.order_by("name", "pk")


def _assignable(program: ProgramTemplate, athlete: Any) -> bool:
    if program.owner_id is not None:
        return bool(program.owner_id == athlete.pk)
    if program.coach_id is not None:
        return bool(program.coach_id == athlete.coach_id)
    return True


def _may_assign(user: Any, athlete: Any) -> bool:
    return is_admin(user) or (is_coach(user) and athlete.coach_id == user.pk)


def _training_maxes(athlete: Any, exercise_ids: set[int], today: dt.date) -> dict[int, Decimal]:
    """exercise id → the training max in force today (the latest effective date not after it)."""
    model = apps.get_model("athletes", "TrainingMax")
    rows = model.objects.filter(
        athlete=athlete, exercise_id__in=exercise_ids, effective_date__lte=today
    ).order_by("effective_date", "pk")
    return {row.exercise_id: row.weight for row in rows}


def _blocks(
    sets: list[PrescribedSet], tms: dict[int, Decimal], unit: str, increment: Decimal
) -> list[ExerciseBlock]:
    blocks: dict[int, ExerciseBlock] = {}
    for ps in sets:
        block = blocks.setdefault(ps.exercise_id, ExerciseBlock(exercise=ps.exercise))
        tm = tms.get(ps.exercise_id)
        label = set_label(
            reps=ps.reps,
            rep_type=ps.rep_type,
            percentage=ps.percentage,
            absolute_weight=ps.absolute_weight,
            target_rpe=ps.target_rpe,
            unit=unit,
            training_max=tm,
            increment=increment,
        )
        needs_tm = ps.percentage is not None and tm is None
        last = block.groups[-1] if block.groups else None
        if last is not None and last.label == label:
            block.groups[-1] = SetGroup(last.count + 1, label, needs_tm)
        else:
            block.groups.append(SetGroup(1, label, needs_tm))
        if ps.notes and ps.notes not in block.notes:
            block.notes.append(ps.notes)
    return list(blocks.values())


def program_page(*, pk: int, user: Any, athlete_id: int | None = None) -> ProgramPage:
    """Raises ProgramTemplate.DoesNotExist when `user` may not see the program. `athlete_id`
    picks whose loads to show among the athletes `user` may see; by default the program's own
    athlete, or the user themself when they are an athlete."""
    program = _program(pk, user)
    athletes = list(_athletes(user)[:ATHLETE_CHOICES_LIMIT])
    wanted = athlete_id or program.owner_id
    athlete = next((a for a in athletes if a.pk == wanted), None)
    if athlete is None and athlete_id is None and len(athletes) == 1 and not is_coach(user):
        athlete = athletes[0]  # an athlete looking at a program: their own loads
    sets = list(program.sets.all())
    unit = str(get_setting("defaults.weight_unit"))
    tms: dict[int, Decimal] = {}
    if athlete is not None:
        tms = _training_maxes(athlete, {s.exercise_id for s in sets}, timezone.localdate())
    increment = plate_increment()
    cells: dict[tuple[int, int], list[PrescribedSet]] = {}
    for ps in sets:
        cells.setdefault((ps.week, ps.day), []).append(ps)
    info = {w.get("week"): w for w in program.weeks or [] if isinstance(w, dict)}
    weeks = [
        ProgramWeek(
            week=w,
            week_type=str(info.get(w, {}).get("week_type") or ""),
            coach_notes=str(info.get(w, {}).get("coach_notes") or ""),
            days=[
                _blocks(cells.get((w, d), []), tms, unit, increment)
                for d in range(1, program.num_days + 1)
            ],
        )
        for w in range(1, program.num_weeks + 1)
    ]
    missing: dict[int, Exercise] = {}
    if athlete is not None:
        for ps in sets:
            if ps.percentage is not None and ps.exercise_id not in tms:
                missing.setdefault(ps.exercise_id, ps.exercise)
    return ProgramPage(
        program=program,
        weeks=weeks,
        athlete=athlete,
        athletes=athletes,
        missing_tms=sorted(missing.values(), key=lambda e: e.name),
        can_assign=athlete is not None
        and _assignable(program, athlete)
        and _may_assign(user, athlete),
        unit=unit,
    )
