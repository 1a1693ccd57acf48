"""The packet's sections from the athlete's stats: per-exercise summaries, adherence, body weight,
notes, health flags and profile, each bounded by the ladder step's `Limits`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from athletes import stats
from athletes.models import YOUTH_MAX_AGE, Athlete
from athletes.stats import AthleteStats, ExerciseStats
from generation.packet.limits import Limits
from generation.packet.models import (
    Adherence,
    Amrap,
    BodyWeight,
    Completion,
    ExerciseSummary,
    GoalChange,
    HealthFlag,
    MissedWeek,
    MonthLine,
    Note,
    Notes,
    Plateau,
    Profile,
    ReviewNote,
    SessionLine,
    TierChange,
    Trend,
    WeeklyVolume,
    WorkoutNote,
)
from programs.models import Audience
from settings_app.resolution import setting_str

NOTE_CHARS = 300


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _trend(t: stats.Trend) -> Trend:
    return Trend(direction=str(t.direction), slope=_r(t.slope, 2), points=t.points)


def _amrap(a: stats.AmrapResult | None) -> Amrap | None:
    if a is None:
        return None
    return Amrap(date=a.date, weight=a.weight, reps=a.reps, e1rm=round(a.e1rm, 1))


def _weekly(weeks: Sequence[tuple[dt.date, stats.Volume]]) -> WeeklyVolume | None:
    if not weeks:
        return None
    volumes = [v for _, v in weeks]

    loaded = any(v.tonnage for v in volumes)

    def column(values: list[Any], wanted: bool = True) -> list[Any] | None:
        return values if wanted and any(values) else None

    return WeeklyVolume(
        weeks_from=weeks[0][0],
        sets=[v.sets for v in volumes],
        tonnage=column([float(round(v.tonnage)) for v in volumes]),
        reps=column([v.reps for v in volumes], not loaded),
        seconds=column([v.seconds for v in volumes]),
        distance_m=column([v.distance_m for v in volumes]),
    )


def exercise_summary(e: ExerciseStats, limits: Limits) -> ExerciseSummary:
    recent = e.sessions[-limits.recent_sessions :] if limits.recent_sessions else []
    older = e.sessions[: len(e.sessions) - len(recent)]
    months: dict[str, list[stats.Session]] = defaultdict(list)
    for session in older:
        months[f"{session.date.year:04d}-{session.date.month:02d}"].append(session)
    kept = sorted(months)[-limits.older_months :] if limits.older_months else []
    month_lines = []
    for month in kept:
        group = months[month]
        rpes = [x.avg_rpe for x in group if x.avg_rpe is not None]
        tops = [x.top_weight for x in group if x.top_weight is not None]
        month_lines.append(
            MonthLine(
                month=month,
                sessions=len(group),
                sets=sum(len(x.sets) for x in group),
                top_weight=max(tops) if tops else None,
                avg_rpe=_r(sum(rpes) / len(rpes)) if rpes else None,
            )
        )
    tms = e.training_maxes
    if len(tms) > limits.tm_points:
        # The first point keeps the starting value in view.
        tms = [tms[0], *tms[-(limits.tm_points - 1) :]]
    c = e.completion
    return ExerciseSummary(
        name=e.exercise.name,
        pattern=e.exercise.pattern,
        in_current_program=e.in_current_program,
        replaces=e.replaces,
        current_tm=e.current_tm,
        tm_history=[(t.date, t.weight) for t in tms],
        sessions=len(e.sessions),
        last_date=e.last_date,
        recent_sessions=[
            SessionLine(
                date=x.date,
                sets=x.summary,
                rpe=_r(x.avg_rpe),
            )
            for x in reversed(recent)
        ],
        older_months=month_lines,
        older_sessions_not_shown=sum(len(v) for k, v in months.items() if k not in kept),
        avg_rpe=_r(e.avg_rpe),
        rpe_trend=_trend(e.rpe),
        volume=_weekly(e.weekly[-limits.volume_weeks :]),
        volume_trend=_trend(e.volume),
        completion=None
        if c is None
        else Completion(
            rate_pct=_r(c.rate_pct),
            logged_sets=c.logged_sets,
            prescribed_sets=c.prescribed_sets,
            extra_sets=c.extra_sets,
            sessions=c.sessions,
            sessions_skipped=c.sessions_skipped,
        ),
        best_amrap=_amrap(e.best_amrap),
        last_amrap=_amrap(e.last_amrap),
        plateau=Plateau(
            flagged=e.plateau.flagged, reason=e.plateau.reason if e.plateau.flagged else ""
        ),
    )


def adherence_section(s: AthleteStats, limits: Limits) -> Adherence:
    a = s.adherence

    return Adherence(
        rate_pct=_r(a.rate_pct),
        weeks_from=a.weeks[0].start if a.weeks else a.current.start,
        prescribed=[w.prescribed for w in a.weeks],
        logged=[w.logged for w in a.weeks],
        this_week_prescribed=a.current.prescribed,
        this_week_logged=a.current.logged,
        current_streak_weeks=a.streak_weeks,
        missed_weeks=[
            MissedWeek(
                week=w.start, prescribed=w.prescribed, logged=w.logged, reasons=list(w.reasons)
            )
            for w in a.missed
        ],
        completion_pct=_r(s.completion.overall.rate_pct),
        sessions_skipped=s.completion.overall.sessions_skipped,
        extra_sessions=s.completion.sessions_unmatched,
    )


def body_weight_section(s: AthleteStats, profile: Profile, limits: Limits) -> BodyWeight | None:
    h = s.history
    if not h.body_weights:
        return None
    series = s.body_weight_series
    if limits.body_weight_monthly:
        by_month = {p.date.strftime("%Y-%m"): p for p in series}
        series = [by_month[k] for k in sorted(by_month)]
    t = s.body_weight
    flag = ""
    if t.rapid and t.pct_per_month is not None:
        kind = "gain" if t.pct_per_month > 0 else "loss"
        flag = (
            f"rapid {kind}: {t.pct_per_month:+.1f} % of body weight per month (threshold "
            f"{stats.BODY_WEIGHT_RAPID_PCT:g} %)"
        )
        if kind == "gain" and profile.audience == Audience.YOUTH:
            flag += " — possible growth spurt"
    latest = h.body_weights[-1]
    return BodyWeight(
        unit=profile.weight_unit,
        latest=(latest.date, latest.value),
        series=[(p.date, p.value) for p in series],
        series_step="month" if limits.body_weight_monthly else "week",
        trend_per_month=_r(t.per_month),
        pct_per_month=_r(t.pct_per_month),
        direction=str(t.direction),
        rapid_change=t.rapid,
        flag=flag,
    )


def _clip(text: str, limit: int = NOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def health_flags(
    s: AthleteStats, *, exercise_names: Iterable[str], profile_notes: str = ""
) -> list[HealthFlag]:
    """Every note in the loaded window that names a body part or an injury word: pinned coach
    notes first, then newest first."""
    h = s.history
    mask = stats.exercise_name_mask([*exercise_names, *(r.name for r in h.exercises.values())])
    date_of = {w.id: w.date for w in h.workouts}
    sources: list[tuple[bool, dt.date, str, str]] = []
    for n in h.notes:
        label = "pinned coach note" if n.is_pinned else "coach note"
        sources.append((n.is_pinned, n.date, label, n.content))
    for w in h.workouts:
        sources.append((False, w.date, "workout note", w.notes))
        sources.append((False, w.date, "review note", w.review_notes))
    for x in h.sets:
        sources.append((False, date_of[x.workout_id], "set note", x.notes))
    if profile_notes:
        sources.append((False, h.today, "athlete profile", profile_notes))
    flags: list[tuple[bool, dt.date, HealthFlag]] = []
    seen: set[str] = set()
    for pinned, date, label, text in sources:
        mention = stats.health_mention(text, mask=mask)
        if mention is None or text in seen:
            continue
        seen.add(text)
        flags.append(
            (
                pinned,
                date,
                HealthFlag(
                    date=date,
                    source=label,
                    body_parts=list(mention.body_parts),
                    terms=list(mention.terms),
                    text=_clip(text),
                ),
            )
        )
    flags.sort(key=lambda f: (not f[0], -f[1].toordinal()))
    return [f for _, _, f in flags]


def notes_section(s: AthleteStats, flags: list[HealthFlag], limits: Limits) -> Notes:
    h = s.history
    pinned = [n for n in h.notes if n.is_pinned]
    recent = [n for n in h.notes if not n.is_pinned]

    def note(n: stats.NoteRow) -> Note:
        return Note(date=n.date, text=_clip(n.content), pinned=n.is_pinned, private=n.is_private)

    reviews = [w for w in reversed(h.workouts) if w.review_notes.strip()]
    workout_notes = [w for w in reversed(h.workouts) if w.notes.strip()]
    kept_flags = [f for f in flags if f.source == "pinned coach note"][: limits.pinned]
    kept_flags += [f for f in flags if f.source != "pinned coach note"][
        : max(0, limits.health_flags - len(kept_flags))
    ]
    return Notes(
        pinned=[note(n) for n in pinned[: limits.pinned]],
        recent=[note(n) for n in recent[: limits.notes_recent]],
        older_notes_count=max(0, len(recent) - limits.notes_recent)
        + max(0, len(pinned) - limits.pinned),
        reviews=[
            ReviewNote(date=w.date, status=w.review_status, text=_clip(w.review_notes))
            for w in reviews[: limits.reviews]
        ],
        workout_notes=[
            WorkoutNote(date=w.date, text=_clip(w.notes))
            for w in workout_notes[: limits.workout_notes]
        ],
        health_flags=kept_flags,
    )


def profile_section(athlete: Athlete, s: AthleteStats) -> Profile:
    h = s.history
    age = athlete.age_on(h.today)
    current = h.current_assignment
    months = None
    if h.first_workout is not None:
        months = round((h.today - h.first_workout).days / stats.DAYS_PER_MONTH, 1)
    return Profile(
        name=athlete.name,
        age=age,
        audience=Audience.YOUTH if age is not None and age <= YOUTH_MAX_AGE else Audience.ADULT,
        tier=athlete.tier,
        tier_history=[
            TierChange(date=c.date, tier=c.value, previous=c.previous) for c in h.tier_changes[:5]
        ],
        goal=_clip(athlete.goal),
        goal_history=[
            GoalChange(
                date=c.date,
                goal="" if c.value == athlete.goal else _clip(c.value, 160),
                previous=_clip(c.previous, 160),
            )
            for c in h.goal_changes[:5]
        ],
        sport=athlete.sport,
        cycle_goal=_clip(current.cycle_goal) if current else "",
        training_months=months,
        total_workouts=h.total_workouts,
        first_workout=h.first_workout,
        last_workout=h.last_workout,
        weight_unit=setting_str("defaults.weight_unit"),
        notes=_clip(athlete.notes),
    )
