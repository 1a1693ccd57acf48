"""Reads for the logbook pages. Every function starts from `athletes.access` and does its own
select/prefetch, so a page costs the same number of queries however long the history is."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from athletes import substitutions
from athletes.access import athletes_managed_by
from athletes.models import (
    Athlete,
    AthleteNote,
    AthleteProgram,
    BodyWeight,
    GoalHistory,
    ProgramRole,
    TierHistory,
    TrainingMax,
    User,
    Workout,
    WorkoutSet,
)
from athletes.position import Position, assignment_position
from athletes.sessions import is_run_session, session_label, sets_for_sessions
from programs.loads import plate_increment, target_load
from programs.models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    PrescribedSet,
    ProgramTemplate,
    owned_by,
    programs_for_athlete,
)

RECENT_WORKOUTS = 6
RECENT_BODY_WEIGHTS = 12
RECENT_NOTES = 30
HISTORY_ROWS = 5


# --- position ----------------------------------------------------------------------------------


def _assignments_with_counts() -> QuerySet[AthleteProgram]:
    return (
        AthleteProgram.objects.filter(is_active=True)
        .select_related("template")
        .annotate(logged_total=Count("workouts"))
        .order_by("role", "-start_date", "-pk")
    )


# --- today's prescription ----------------------------------------------------------------------


@dataclass(frozen=True)
class PrescribedRow:
    prescribed: PrescribedSet
    training_max: Decimal | None
    target_weight: Decimal | None

    @property
    def exercise(self) -> Exercise:
        return self.prescribed.exercise

    @property
    def needs_tm(self) -> bool:
        return self.prescribed.percentage is not None and self.training_max is None


@dataclass(frozen=True)
class PrescribedChunk:
    """Consecutive identical prescribed sets, shown as one "3×5 · 150 lbs" chip."""

    count: int
    first: PrescribedRow

    @property
    def amrap(self) -> bool:
        return self.first.prescribed.is_amrap


def _chunk_key(row: PrescribedRow) -> tuple[object, ...]:
    p = row.prescribed
    return (p.reps, p.rep_type, p.percentage, p.absolute_weight, row.target_weight, p.target_rpe)


@dataclass(frozen=True)
class PrescribedExercise:
    exercise: Exercise
    rows: list[PrescribedRow]

    @property
    def chunks(self) -> list[PrescribedChunk]:
        chunks: list[PrescribedChunk] = []
        for row in self.rows:
            if chunks and _chunk_key(chunks[-1].first) == _chunk_key(row):
                chunks[-1] = PrescribedChunk(count=chunks[-1].count + 1, first=chunks[-1].first)
            else:
                chunks.append(PrescribedChunk(count=1, first=row))
        return chunks

    @property
    def notes(self) -> str:
        seen: list[str] = []
        for row in self.rows:
            if row.prescribed.notes and row.prescribed.notes not in seen:
                seen.append(row.prescribed.notes)
        return " · ".join(seen)


@dataclass(frozen=True)
class Prescription:
    assignment: AthleteProgram
    position: Position
    exercises: list[PrescribedExercise]

    @property
    def rows(self) -> list[PrescribedRow]:
        return [row for group in self.exercises for row in group.rows]

    @property
    def is_run(self) -> bool:
        return is_run_session([row.prescribed for row in self.rows])

    @property
    def label(self) -> str:
        if self.position.block_complete:
            return "Plan complete"
        prescribed = [row.prescribed for row in self.rows]
        return session_label(week=self.position.week, day=self.position.day, sets=prescribed)

    @property
    def missing_training_maxes(self) -> list[Exercise]:
        missing: dict[int, Exercise] = {}
        for row in self.rows:
            if row.needs_tm:
                missing.setdefault(row.exercise.pk, row.exercise)
        return list(missing.values())


def current_training_maxes(
    tms: list[TrainingMax], today: dt.date | None = None
) -> dict[int, TrainingMax]:
    """exercise id → the TM in force today (latest effective date not after today)."""
    day = today or timezone.localdate()
    current: dict[int, TrainingMax] = {}
    for tm in tms:
        if tm.effective_date > day:
            continue
        held = current.get(tm.exercise_id)
        if held is None or tm.effective_date > held.effective_date:
            current[tm.exercise_id] = tm
    return current


def build_prescription(
    *,
    assignment: AthleteProgram,
    position: Position,
    sets: list[PrescribedSet],
    tms: dict[int, TrainingMax],
    increment: Decimal,
) -> Prescription:
    groups: dict[int, PrescribedExercise] = {}
    for prescribed in sets:
        tm = tms.get(prescribed.exercise_id)
        target: Decimal | None = None
        if prescribed.percentage is not None:
            if tm is not None:
                target = target_load(
                    training_max=tm.weight, percentage=prescribed.percentage, increment=increment
                )
        elif prescribed.absolute_weight is not None:
            target = prescribed.absolute_weight
        group = groups.setdefault(
            prescribed.exercise_id, PrescribedExercise(exercise=prescribed.exercise, rows=[])
        )
        group.rows.append(
            PrescribedRow(
                prescribed=prescribed,
                training_max=tm.weight if tm is not None else None,
                target_weight=target,
            )
        )
    return Prescription(assignment=assignment, position=position, exercises=list(groups.values()))


def _session_sets(template_id: int, position: Position) -> list[PrescribedSet]:
    key = (template_id, position.week, position.day)
    return sets_for_sessions([key])[key]


def prescription_for(athlete: Athlete, *, assignment_pk: int | None = None) -> Prescription | None:
    """The session the athlete trains next in the primary program (or in their active
    assignment `assignment_pk`, a supplemental one), with target loads from today's TMs."""
    today = timezone.localdate()
    chosen = Q(pk=assignment_pk) if assignment_pk is not None else Q(role=ProgramRole.PRIMARY)
    assignment = _assignments_with_counts().filter(chosen, athlete=athlete).first()
    if assignment is None:
        return None
    position = assignment_position(assignment)
    if position.block_complete:
        return Prescription(assignment=assignment, position=position, exercises=[])
    sets = _session_sets(assignment.template_id, position)
    tms = current_training_maxes(
        list(
            TrainingMax.objects.filter(
                athlete=athlete, exercise_id__in={s.exercise_id for s in sets}
            )
        ),
        today,
    )
    return build_prescription(
        assignment=assignment, position=position, sets=sets, tms=tms, increment=plate_increment()
    )


def next_sessions(
    assignments: list[AthleteProgram], *, tms: dict[int, TrainingMax], increment: Decimal
) -> list[Prescription]:
    """The next session of each assignment (annotated by _assignments_with_counts): one query."""
    positions = [(a, assignment_position(a)) for a in assignments]
    keys = [(a.template_id, p.week, p.day) for a, p in positions if not p.block_complete]
    sets = sets_for_sessions(keys)
    return [
        build_prescription(
            assignment=a,
            position=p,
            sets=sets.get((a.template_id, p.week, p.day), []) if not p.block_complete else [],
            tms=tms,
            increment=increment,
        )
        for a, p in positions
    ]


# --- the athlete page --------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingMaxSummary:
    exercise: Exercise
    current: TrainingMax | None
    history: list[TrainingMax]  # newest first

    @property
    def previous(self) -> TrainingMax | None:
        if self.current is None:
            return None
        older = [tm for tm in self.history if tm.effective_date < self.current.effective_date]
        return older[0] if older else None

    @property
    def change(self) -> Decimal | None:
        prev = self.previous
        if self.current is None or prev is None:
            return None
        return self.current.weight - prev.weight

    @property
    def rows(self) -> list[tuple[TrainingMax, Decimal | None]]:
        """Each value with its change from the one before it."""
        return [
            (tm, tm.weight - self.history[i + 1].weight if i + 1 < len(self.history) else None)
            for i, tm in enumerate(self.history)
        ]

    @property
    def upcoming(self) -> list[TrainingMax]:
        if self.current is None:
            return list(self.history)
        return [tm for tm in self.history if tm.effective_date > self.current.effective_date]


def summarize_training_maxes(tms: list[TrainingMax]) -> list[TrainingMaxSummary]:
    by_exercise: dict[int, list[TrainingMax]] = defaultdict(list)
    for tm in tms:
        by_exercise[tm.exercise_id].append(tm)
    current = current_training_maxes(tms)
    summaries = [
        TrainingMaxSummary(
            exercise=history[0].exercise,
            current=current.get(exercise_id),
            history=sorted(history, key=lambda t: t.effective_date, reverse=True),
        )
        for exercise_id, history in by_exercise.items()
    ]
    return sorted(summaries, key=lambda s: s.exercise.name.lower())


@dataclass(frozen=True)
class NextExercise:
    """One exercise of the next session as the athlete will do it: their usual swap when they
    have logged one for it, else the prescribed lift, flagged when their equipment lacks what
    it needs (`missing`: that equipment's names)."""

    group: PrescribedExercise
    swap: Exercise | None
    missing: list[str]

    @property
    def needs_tm(self) -> bool:
        return self.swap is None and any(row.needs_tm for row in self.group.rows)


def _next_exercises(
    rx: Prescription | None, swaps: dict[int, Exercise], missing: dict[int, list[str]]
) -> list[NextExercise]:
    groups = rx.exercises if rx and not rx.position.block_complete else []
    return [
        NextExercise(
            group=g,
            swap=swaps.get(g.exercise.pk),
            missing=[] if g.exercise.pk in swaps else missing.get(g.exercise.pk, []),
        )
        for g in groups
    ]


@dataclass
class AthletePage:
    athlete: Athlete
    can_manage: bool
    can_log: bool
    show_private: bool
    equipment: list[Equipment]
    missing_equipment: list[Equipment]
    primary: AthleteProgram | None
    supplemental: list[AthleteProgram]
    supplemental_sessions: list[Prescription]
    position: Position | None
    prescription: Prescription | None
    recent_workouts: list[Workout]
    workout_count: int
    notes: list[AthleteNote]
    training_maxes: list[TrainingMaxSummary]
    body_weights: list[BodyWeight]
    goal_history: list[GoalHistory]
    tier_history: list[TierHistory]
    next_exercises: list[NextExercise] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def missing_training_maxes(self) -> list[Exercise]:
        """Of the next session's lifts: the ones she will do as prescribed that lack a TM."""
        return [item.group.exercise for item in self.next_exercises if item.needs_tm]

    @property
    def latest_body_weight(self) -> BodyWeight | None:
        return self.body_weights[0] if self.body_weights else None

    @property
    def body_weight_change(self) -> Decimal | None:
        if len(self.body_weights) < 2:
            return None
        return self.body_weights[0].weight - self.body_weights[-1].weight


def can_manage(user: User, athlete: Athlete) -> bool:
    return athletes_managed_by(user).filter(pk=athlete.pk).exists()


def athlete_may_edit(user: User, athlete: Athlete, workout: Workout) -> bool:
    """Coaches edit their athletes' workouts (can_manage); an athlete only the ones they logged
    themselves, until a coach has reviewed them."""
    return (
        athlete.user_id == user.pk
        and workout.logged_by_id == user.pk
        and not hasattr(workout, "review")
    )


def workouts_with_sets(qs: QuerySet[Workout]) -> QuerySet[Workout]:
    return qs.select_related("review", "review__coach", "assignment__template").prefetch_related(
        # Logged order (pk), so a page shows the exercises in the order they were trained.
        Prefetch("sets", queryset=WorkoutSet.objects.select_related("exercise").order_by("pk"))
    )


def notes_for(*, user: User, athlete: Athlete, show_private: bool) -> list[AthleteNote]:
    qs = AthleteNote.objects.filter(athlete=athlete).select_related("author")
    if not show_private:
        qs = qs.filter(is_private=False)
    return list(qs.order_by("-is_pinned", "-date", "-pk")[:RECENT_NOTES])


def athlete_page(*, user: User, athlete: Athlete) -> AthletePage:
    """Everything on the athlete page, in a fixed number of queries (about a dozen)."""
    today = timezone.localdate()
    manage = can_manage(user, athlete)
    # Private notes are for coaches; an athlete (even a staff one looking at their own record
    # without coaching rights) never sees them.
    show_private = manage
    equipment = list(athlete.equipment.order_by("name"))
    assignments = list(_assignments_with_counts().filter(athlete=athlete))
    primary = next((a for a in assignments if a.role == ProgramRole.PRIMARY), None)
    supplemental = [a for a in assignments if a.role != ProgramRole.PRIMARY]

    tms = list(
        TrainingMax.objects.filter(athlete=athlete)
        .select_related("exercise")
        .order_by("exercise__name", "-effective_date")
    )
    position = assignment_position(primary) if primary else None
    prescription = None
    missing_equipment: list[Equipment] = []
    blocked: dict[int, list[str]] = {}
    swaps: dict[int, Exercise] = {}
    if primary is not None and position is not None:
        sets = [] if position.block_complete else _session_sets(primary.template_id, position)
        prescription = build_prescription(
            assignment=primary,
            position=position,
            sets=sets,
            tms=current_training_maxes(tms, today),
            increment=plate_increment(),
        )
        # One query gives both the program's missing equipment and, per exercise, what it
        # lacks; the athlete's usual swaps are the log form's (three queries, constant).
        links = list(
            ExerciseEquipment.objects.filter(
                optional=False, exercise__prescribed_sets__template_id=primary.template_id
            )
            .exclude(equipment_id__in={e.pk for e in equipment})
            .select_related("equipment")
            .order_by("equipment__name")
            .distinct()
        )
        missing_equipment = list({link.equipment_id: link.equipment for link in links}.values())
        for link in links:
            blocked.setdefault(link.exercise_id, []).append(link.equipment.name)
        if not position.block_complete:
            swaps = substitutions.last_swaps(athlete, [g.exercise for g in prescription.exercises])

    recent = list(
        workouts_with_sets(Workout.objects.filter(athlete=athlete)).order_by("-date", "-pk")[
            :RECENT_WORKOUTS
        ]
    )
    return AthletePage(
        athlete=athlete,
        can_manage=manage,
        can_log=manage or athlete.user_id == user.pk,
        show_private=show_private,
        equipment=equipment,
        missing_equipment=missing_equipment,
        primary=primary,
        supplemental=supplemental,
        supplemental_sessions=next_sessions(
            supplemental, tms=current_training_maxes(tms, today), increment=plate_increment()
        )
        if supplemental
        else [],
        position=position,
        prescription=prescription,
        next_exercises=_next_exercises(prescription, swaps, blocked),
        recent_workouts=recent,
        workout_count=Workout.objects.filter(athlete=athlete).count(),
        notes=notes_for(user=user, athlete=athlete, show_private=show_private),
        training_maxes=summarize_training_maxes(tms),
        body_weights=list(
            BodyWeight.objects.filter(athlete=athlete).order_by("-date")[:RECENT_BODY_WEIGHTS]
        ),
        goal_history=list(
            GoalHistory.objects.filter(athlete=athlete)
            .select_related("changed_by")
            .order_by("-changed_at", "-pk")[:HISTORY_ROWS]
        ),
        tier_history=list(
            TierHistory.objects.filter(athlete=athlete)
            .select_related("changed_by")
            .order_by("-changed_at", "-pk")[:HISTORY_ROWS]
        ),
    )


# --- other pages -------------------------------------------------------------------------------


def workout_for(*, athlete: Athlete, pk: int) -> Workout:
    return get_object_or_404(workouts_with_sets(Workout.objects.filter(athlete=athlete)), pk=pk)


def workout_history(*, athlete: Athlete) -> QuerySet[Workout]:
    """All of an athlete's workouts, newest first, ready for pagination (two queries a page)."""
    return workouts_with_sets(Workout.objects.filter(athlete=athlete)).order_by("-date", "-pk")


def exercise_choices(athlete: Athlete) -> list[tuple[int, str]]:
    """The exercises this athlete may log: the global ones and their coach's own."""
    visible = Exercise.objects.filter(owned_by(athlete.coach_id))
    return list(visible.order_by("name").values_list("pk", "name"))


def program_choices(athlete: Athlete) -> list[tuple[str, list[tuple[int, str]]]]:
    """The athlete's own programs, their coach's library and the global templates, grouped
    for a <select>."""
    templates = list(
        ProgramTemplate.objects.filter(programs_for_athlete(athlete.pk)).order_by("name", "pk")
    )

    def label(t: ProgramTemplate) -> str:
        loop = "loops" if t.is_loop else "block"
        return f"{t.name} — {t.num_weeks} wk × {t.num_days} days/wk ({loop})"

    groups = [
        (f"{athlete.name}'s own programs", [(t.pk, label(t)) for t in templates if t.owner_id]),
        ("Coach's library", [(t.pk, label(t)) for t in templates if t.coach_id]),
        ("Global programs", [(t.pk, label(t)) for t in templates if t.is_global]),
    ]
    return [(name, choices) for name, choices in groups if choices]


def equipment_groups(athlete: Athlete) -> list[tuple[str, list[Equipment]]]:
    """All equipment this athlete may own (global and their coach's), the items the athlete's
    active programs need first."""
    everything = list(Equipment.objects.filter(owned_by(athlete.coach_id)).order_by("name"))
    needed_ids = set(
        Equipment.objects.filter(
            exercise_links__optional=False,
            exercise_links__exercise__prescribed_sets__template__assignments__athlete=athlete,
            exercise_links__exercise__prescribed_sets__template__assignments__is_active=True,
        ).values_list("pk", flat=True)
    )
    needed = [e for e in everything if e.pk in needed_ids]
    rest = [e for e in everything if e.pk not in needed_ids]
    groups = []
    if needed:
        groups.append(("Needed by the current program", needed))
    if rest:
        groups.append(("Other equipment" if needed else "Equipment", rest))
    return groups


def tm_exercise_choices(athlete: Athlete) -> list[tuple[str, list[tuple[int, str]]]]:
    """Exercises for a TM: those loaded by percentage in the active programs first."""
    everything = exercise_choices(athlete)
    program_ids = set(
        PrescribedSet.objects.filter(
            template__assignments__athlete=athlete,
            template__assignments__is_active=True,
            percentage__isnull=False,
        ).values_list("exercise_id", flat=True)
    )
    with_tm = set(TrainingMax.objects.filter(athlete=athlete).values_list("exercise_id", flat=True))
    first = program_ids | with_tm
    groups = [
        ("In the program or with a TM", [c for c in everything if c[0] in first]),
        ("All exercises", [c for c in everything if c[0] not in first]),
    ]
    return [(name, choices) for name, choices in groups if choices]


def training_max_history(*, athlete: Athlete) -> list[TrainingMaxSummary]:
    return summarize_training_maxes(
        list(TrainingMax.objects.filter(athlete=athlete).select_related("exercise"))
    )


def body_weight_history(*, athlete: Athlete, limit: int = 100) -> list[BodyWeight]:
    return list(BodyWeight.objects.filter(athlete=athlete).order_by("-date")[:limit])
