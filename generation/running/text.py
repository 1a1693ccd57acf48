"""The engine's own coaching text, used without an LLM or when it fails (and labelled so)."""

from __future__ import annotations

from athletes.units import format_pace_per_km
from generation.running.plan import RACE_LABELS, PlanSettings
from generation.running.profile import RunProfile
from generation.running.skeleton import Plan, Role, Session, Week

ENGINE_LABEL = "Coaching text: written by the built-in plan engine."
LLM_LABEL = "Coaching text: written by the LLM; distances and days by the plan engine."
WEEK_NOTES = {
    "base": "Base week: keep every run conversational.",
    "build": "Build week: a little more than last week; stay easy on the easy days.",
    "peak": "Peak week: the biggest week of the plan. Sleep and eat well.",
    "recovery": "Cutback week: less running so the last weeks' work can sink in.",
    "taper": "Taper week: less distance, same rhythm; arrive at the race fresh.",
    "race": "Race week: short easy runs, then race.",
}


def _paces(profile: RunProfile) -> tuple[str, str]:
    easy = profile.easy_pace_s_per_km
    quicker = easy * 0.88 if easy else None
    return format_pace_per_km(easy), format_pace_per_km(quicker)


def fill_session(session: Session, profile: RunProfile, settings: PlanSettings) -> None:
    easy, quicker = _paces(profile)
    km = f"{session.km:g} km"
    if session.role is Role.LONG:
        session.title, session.intensity = f"Long run {km}", "easy"
        session.description = "Steady and relaxed; the last kilometres may feel harder."
        session.target, session.main_set = f"easy pace ({easy}), zone 2", f"{km} continuous"
    elif session.role is Role.QUALITY:
        session.title, session.intensity = f"Quality run {km}", "hard"
        session.description = "Tempo or intervals; warm-up and cool-down count in the distance."
        session.target = f"comfortably hard ({quicker}), zone 3–4"
        session.warm_up, session.cool_down = "2 km easy, 4 strides", "1–2 km easy"
        session.main_set = "20 min tempo, or 5 × 3 min hard / 2 min jog"
    elif session.role is Role.RACE:
        session.title, session.intensity = f"Race: {RACE_LABELS[settings.race]}", "race"
        session.description = "Start controlled, even effort; finish strong."
        session.warm_up, session.main_set = "10 min jog, strides", f"{km} race"
    else:
        session.title, session.intensity = f"Easy run {km}", "easy"
        session.description = "Conversational pace; walk breaks are fine."
        session.target, session.main_set = f"easy pace ({easy}), zone 2", f"{km} easy"


def fill_week(week: Week, settings: PlanSettings) -> None:
    notes = WEEK_NOTES.get(week.week_type, "")
    if settings.cross_training and week.rest_days:
        notes += " Cross-training (bike, swim, elliptical) 30–45 min easy on a rest day if fresh."
    week.coach_notes = notes.strip()


def fill_plan(plan: Plan, profile: RunProfile, settings: PlanSettings) -> None:
    for week in plan.weeks:
        fill_week(week, settings)
        for session in week.sessions:
            fill_session(session, profile, settings)
    plan.text_source = "engine"
