"""The packet's runs section, from the sets the history already loaded (no query of its own);
the same profile the running-plan engine starts from (generation.running.profile)."""

from __future__ import annotations

import datetime as dt

from athletes.runs import is_run
from athletes.stats import AthleteStats
from generation.packet.models import Runs
from generation.running.profile import LoggedRun, build_profile, is_easy


def logged_runs_of(s: AthleteStats) -> list[LoggedRun]:
    history = s.history
    dates = {w.id: w.date for w in history.workouts}
    refs = history.exercises
    runs = []
    for row in history.sets:
        ref = refs.get(row.exercise_id)
        if ref is None or not row.reps or not is_run(ref.name, ref.pattern, row.rep_type):
            continue
        easy = is_easy(f"{ref.name} {row.notes}")
        runs.append(LoggedRun(dates[row.workout_id], int(row.reps), row.seconds, easy))
    return runs


MIN_RUN_METRES = 1000


def runs_section(s: AthleteStats) -> Runs | None:
    runs = logged_runs_of(s)
    # Sprints and shuttles are logged as distance too; they are no running history.
    if not runs or max(run.metres for run in runs) < MIN_RUN_METRES:
        return None
    today = s.history.today
    profile = build_profile(runs, today=today)
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=profile.weeks_counted)
    weekly = [0.0] * profile.weeks_counted
    for run in runs:
        index = (run.date - first).days // 7
        if 0 <= index < len(weekly):
            weekly[index] += run.metres / 1000
    return Runs(
        weeks_from=first,
        weekly_km=[round(km, 1) for km in weekly],
        avg_weekly_km=profile.weekly_km,
        runs_per_week=profile.runs_per_week,
        longest_km=profile.longest_km,
        easy_pace_s_per_km=profile.easy_pace_s_per_km,
        consistency_pct=round(profile.consistency * 100),
    )
