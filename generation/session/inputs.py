"""The snapshot: today's prescription and the logbook signals, read with a constant number of
queries however long the athlete's history is."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Max

from athletes import stats
from athletes.models import Athlete, AthleteNote, ReadinessCheckIn, RehabCap, WorkoutSet
from athletes.selectors import PrescribedExercise, Prescription, prescription_for
from generation.session import rules
from generation.session.plan import Lift, Readiness, SetPlan, Snapshot
from programs.loads import plate_increment
from programs.models import PrescribedSet
from settings_app.registry import parse_volume_landmarks
from settings_app.resolution import setting_str

RPE_WINDOW_DAYS = 56
HEALTH_NOTE_DAYS = 7
DELOAD_WEEK_TYPES = ("recovery", "taper")


def readiness_of(check_in: ReadinessCheckIn | None) -> Readiness:
    if check_in is None:
        return Readiness()
    return Readiness(
        sleep=check_in.sleep,
        energy=check_in.energy,
        soreness={str(k): int(v) for k, v in (check_in.soreness or {}).items()},
        minutes=check_in.minutes_available,
        pain=check_in.pain,
        pain_note=check_in.pain_note,
        illness=check_in.illness,
        illness_note=check_in.illness_note,
    )


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _lifts(prescription: Prescription | None) -> tuple[Lift, ...]:
    if prescription is None or prescription.position.block_complete:
        return ()
    groups = prescription.exercises
    main_ids = (
        {g.exercise.pk for g in groups if any(r.prescribed.percentage is not None for r in g.rows)}
        or {groups[0].exercise.pk}
        if groups
        else set()
    )
    return tuple(_lift(g, g.exercise.pk in main_ids) for g in groups)


def _lift(group: PrescribedExercise, is_main: bool) -> Lift:
    ex = group.exercise
    return Lift(
        exercise_id=ex.pk,
        name=ex.name,
        is_main=is_main,
        primary=tuple(ex.primary_muscles or ()),
        secondary=tuple(ex.secondary_muscles or ()),
        sets=tuple(
            SetPlan(
                reps=r.prescribed.reps,
                weight=r.target_weight,
                rpe=r.prescribed.target_rpe,
                rep_type=r.prescribed.rep_type,
            )
            for r in group.rows
        ),
        rest_seconds=ex.rest_seconds or rules.DEFAULT_REST_SECONDS,
    )


def _is_deload(prescription: Prescription | None) -> bool:
    if prescription is None:
        return False
    week = prescription.position.week
    for entry in prescription.assignment.template.weeks or []:
        if isinstance(entry, dict) and entry.get("week") == week:
            notes = str(entry.get("coach_notes") or "").casefold()
            return entry.get("week_type") in DELOAD_WEEK_TYPES or "deload" in notes
    return False


def rpe_deviation(athlete: Athlete, exercise_ids: set[int], today: dt.date) -> dict[int, float]:
    """exercise id → mean(actual − target RPE) over its two latest sessions with both
    (2 queries)."""
    rows = list(
        WorkoutSet.objects.filter(
            workout__athlete=athlete,
            exercise_id__in=exercise_ids,
            rpe__isnull=False,
            workout__date__lt=today,
            workout__date__gte=today - dt.timedelta(days=RPE_WINDOW_DAYS),
            workout__week__isnull=False,
        ).values_list(
            "exercise_id",
            "workout_id",
            "workout__date",
            "workout__assignment__template_id",
            "workout__week",
            "workout__day",
            "set_number",
            "rpe",
        )
    )
    targets = _targets({r[3] for r in rows if r[3]}, exercise_ids)
    sessions: dict[int, dict[tuple[dt.date, int], list[float]]] = defaultdict(dict)
    for ex, workout, date, template, week, day, number, rpe in rows:
        target = targets.get((template, week or 0, day or 0, ex, number))
        if target is not None and rpe is not None:
            sessions[ex].setdefault((date, workout), []).append(float(rpe) - target)
    out: dict[int, float] = {}
    for ex, by_session in sessions.items():
        latest = sorted(by_session, reverse=True)[: rules.RPE_SESSIONS]
        if len(latest) == rules.RPE_SESSIONS:
            means = [sum(by_session[k]) / len(by_session[k]) for k in latest]
            out[ex] = sum(means) / len(means)
    return out


def _targets(
    template_ids: set[int], exercise_ids: set[int]
) -> dict[tuple[int, int, int, int, int], float]:
    if not template_ids:
        return {}
    rows = PrescribedSet.objects.filter(
        template_id__in=template_ids, exercise_id__in=exercise_ids, target_rpe__isnull=False
    ).values_list("template_id", "week", "day", "exercise_id", "set_number", "target_rpe")
    return {(t, w, d, e, n): float(rpe) for t, w, d, e, n, rpe in rows if rpe is not None}


def weekly_sets(athlete: Athlete, today: dt.date) -> dict[str, float]:
    """Effective sets per muscle group logged this week (Monday on), before today (1 query)."""
    totals: dict[str, float] = defaultdict(float)
    rows = WorkoutSet.objects.filter(
        workout__athlete=athlete, workout__date__gte=week_start(today), workout__date__lt=today
    ).values_list("rpe", "exercise__primary_muscles", "exercise__secondary_muscles")
    for rpe, primary, secondary in rows:
        effort = rules.effort_factor(None if rpe is None else float(rpe))
        for group in primary or ():
            totals[group] += effort
        for group in secondary or ():
            totals[group] += effort * rules.SECONDARY_SHARE
    return dict(totals)


def days_since_last(athlete: Athlete, today: dt.date) -> int | None:
    last = athlete.workouts.filter(date__lt=today).aggregate(last=Max("date"))["last"]
    return None if last is None else (today - last).days


def health_notes(athlete: Athlete, today: dt.date, names: list[str]) -> tuple[str, ...]:
    """Recent coach notes that read as a health matter (the packet's detector), for the coach to
    weigh: they warn, they do not change loads on their own — a person decides."""
    since = today - dt.timedelta(days=HEALTH_NOTE_DAYS)
    notes = AthleteNote.objects.filter(athlete=athlete, date__gte=since, date__lte=today)
    mask = stats.exercise_name_mask(names)
    return tuple(
        f"{n.date:%d %b}: {n.content[:120]}"
        for n in notes.only("date", "content")
        if stats.health_mention(n.content, mask=mask) is not None
    )


def build_snapshot(*, athlete: Athlete, today: dt.date, readiness: Readiness) -> Snapshot:
    prescription = prescription_for(athlete)
    lifts = _lifts(prescription)
    ids = {lift.exercise_id for lift in lifts}
    caps = RehabCap.objects.filter(athlete=athlete).values_list("exercise_id", "max_weight")
    return Snapshot(
        date=today,
        athlete_id=athlete.pk,
        position=prescription.position.label if prescription else "",
        deload=_is_deload(prescription),
        lifts=lifts,
        readiness=readiness,
        rpe_deviation=rpe_deviation(athlete, ids, today) if ids else {},
        weekly_sets=weekly_sets(athlete, today),
        landmarks=parse_volume_landmarks(setting_str("session.volume_landmarks")),
        increment=plate_increment(),
        days_since_last=days_since_last(athlete, today),
        rehab_caps={ex: Decimal(w) for ex, w in caps},
        health_notes=health_notes(athlete, today, [lift.name for lift in lifts]),
        missing_tms=tuple(e.name for e in prescription.missing_training_maxes)
        if prescription
        else (),
    )
