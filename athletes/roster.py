"""The athlete list: each visible athlete with their current program, where they are in it, and
the adherence figure of their page and packet, in three queries whatever the number of athletes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from athletes.access import athletes_visible_to
from athletes.models import Athlete, AthleteProgram, ProgramRole, User, Workout
from athletes.position import Position, assignment_position
from athletes.stats.adherence import Adherence, adherence, adherence_since
from athletes.stats.history import assignment_row
from athletes.stats.rows import WorkoutRow

# The meter's colour on the list: at or above GOOD green, at or above FAIR amber, else red.
GOOD_ADHERENCE = 85
FAIR_ADHERENCE = 60


@dataclass(frozen=True)
class AthleteRow:
    athlete: Athlete
    assignment: AthleteProgram | None  # the current primary program
    position: Position | None
    adherence: Adherence | None  # None without a current primary program, as on the page
    last_workout: dt.date | None
    unreviewed: int

    @property
    def adherence_level(self) -> str:
        pct = self.adherence.percent if self.adherence else None
        if pct is None:
            return "muted"
        return "ok" if pct >= GOOD_ADHERENCE else "warn" if pct >= FAIR_ADHERENCE else "danger"


def athlete_list(*, user: User, query: str = "") -> list[AthleteRow]:
    """Three queries: the athletes with their aggregates, all their assignments with session
    counts, and their workouts in the adherence window (dates only: notes give a missed week
    its reasons, which the list does not show)."""
    today = timezone.localdate()
    visible = athletes_visible_to(user)
    term = query.strip()
    if term:
        visible = visible.filter(Q(name__icontains=term) | Q(sport__icontains=term))
    athletes = list(
        visible.select_related("coach")
        .annotate(
            last_workout=Max("workouts__date"),
            unreviewed=Count("workouts", filter=Q(workouts__review__isnull=True)),
        )
        .prefetch_related(
            Prefetch("assignments", queryset=_assignments_with_counts(), to_attr="all_programs")
        )
        .order_by("name", "pk")
    )
    if not athletes:
        return []
    workouts = _recent_workouts(visible, today)
    return [_row(a, workouts.get(a.pk, []), today) for a in athletes]


def _assignments_with_counts() -> QuerySet[AthleteProgram]:
    # All of them, ended ones too: a program ended mid-window still prescribed its weeks.
    return (
        AthleteProgram.objects.select_related("template")
        .annotate(logged_total=Count("workouts"), logged_last=Max("workouts__date"))
        .order_by("start_date", "pk")
    )


def _recent_workouts(athletes: QuerySet[Athlete], today: dt.date) -> dict[int, list[WorkoutRow]]:
    by_athlete: dict[int, list[WorkoutRow]] = defaultdict(list)
    for athlete_id, pk, date, assignment_id in (
        Workout.objects.filter(
            athlete__in=athletes.values("pk"), date__gte=adherence_since(today), date__lte=today
        )
        .order_by("date", "pk")
        .values_list("athlete_id", "pk", "date", "assignment_id")
    ):
        by_athlete[athlete_id].append(WorkoutRow(id=pk, date=date, assignment_id=assignment_id))
    return by_athlete


def _row(athlete: Athlete, workouts: list[WorkoutRow], today: dt.date) -> AthleteRow:
    programs: list[AthleteProgram] = getattr(athlete, "all_programs", [])
    current = next(
        (a for a in reversed(programs) if a.is_active and a.role == ProgramRole.PRIMARY), None
    )
    figures = None
    if current is not None:
        rows = [
            assignment_row(
                a,
                sessions_logged=getattr(a, "logged_total", 0),
                last_logged=getattr(a, "logged_last", None),
            )
            for a in programs
        ]
        figures = adherence(workouts, rows, [], today=today)
    return AthleteRow(
        athlete=athlete,
        assignment=current,
        position=assignment_position(current) if current else None,
        adherence=figures,
        last_workout=getattr(athlete, "last_workout", None),
        unreviewed=getattr(athlete, "unreviewed", 0),
    )
