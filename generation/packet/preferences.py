"""The packet's sections that come from what people said rather than logged: the coach
preferences learned from edits (generation.feedback) and the latest intake (athletes.intake)."""

from __future__ import annotations

import datetime as dt

from athletes.intake import IntakeData, latest_intake
from athletes.models import Athlete
from generation.feedback.models import LearnedPreference
from generation.feedback.selectors import is_stable, packet_preferences, preference_text
from generation.packet.models import CoachPreference, Intake

RUNS_LISTED = 5
LIMITATIONS_CHARS = 500


def preferences_section(athlete: Athlete) -> list[CoachPreference]:
    """At most PACKET_PREFERENCES lines, each naming at most RUNS_LISTED drafts: one query."""
    return [_line(p) for p in packet_preferences(athlete)]


def _line(pref: LearnedPreference) -> CoachPreference:
    runs = [r for r in pref.runs if isinstance(r, dict)][:RUNS_LISTED]
    return CoachPreference(
        kind=pref.kind,
        exercise=pref.subject,
        detail=pref.detail,
        text=preference_text(pref),
        count=pref.count,
        out_of=pref.out_of,
        stable=is_stable(pref),
        typical_change_pct=pref.typical_change_pct,
        first_seen=pref.first_seen.date(),
        last_seen=pref.last_seen.date(),
        runs=[int(r["run"]) for r in runs],
        run_dates=[dt.date.fromisoformat(str(r["date"])) for r in runs],
        recent=pref.recent,
    )


def intake_section(athlete: Athlete) -> Intake | None:
    """The latest intake, clipped like the notes: one query."""
    snapshot = latest_intake(athlete)
    if snapshot is None:
        return None
    data = IntakeData.model_validate(snapshot.data)
    return Intake(
        date=snapshot.created_at.date(),
        experience_years=data.experience_years,
        goals=list(data.goals),
        sport=data.sport,
        season_start=data.season_start,
        season_end=data.season_end,
        days_per_week=data.days_per_week,
        session_minutes=data.session_minutes,
        equipment_preset=data.equipment_preset,
        limitations=data.limitations[:LIMITATIONS_CHARS],
        likes=data.likes,
        dislikes=data.dislikes,
        estimated_maxes=[f"{m.exercise} {m.weight:g} {data.unit}" for m in data.estimated_maxes],
        maxes_confirmed=snapshot.maxes_confirmed_at is not None,
    )
