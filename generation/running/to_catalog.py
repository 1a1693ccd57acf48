"""A plan as CatalogJSON 1.1: one program, a day per run in weekday order, each run one
`distance` set in metres (the exercise names the workout type), the week types and the week's
coach notes in `weeks`. The weekday of each run leads its notes ("Sat · …") so the calendar
survives an export and import."""

from __future__ import annotations

from typing import Any

from generation.running.plan import RACE_LABELS, WEEKDAY_LABELS, PlanSettings
from generation.running.skeleton import EXERCISE_NAMES, Plan, Session
from generation.running.text import ENGINE_LABEL, LLM_LABEL
from programs.catalog.schema import COACH_NOTES_MAX, SET_NOTES_MAX

RUN_EXERCISES: list[dict[str, Any]] = [
    {
        "name": name,
        "tier": None,
        "form_notes": None,
        "demo_url": None,
        "rest_seconds": None,
        "featured": False,
        "equipment": [],
        "aliases": [],
        "movement_pattern": "run",
    }
    for name in EXERCISE_NAMES.values()
]


def session_notes(session: Session) -> str:
    parts = [f"{WEEKDAY_LABELS[session.weekday]} · {session.title}", session.description]
    if session.target:
        parts.append(f"Target: {session.target}")
    structure = [
        f"{label}: {text}"
        for label, text in (
            ("Warm-up", session.warm_up),
            ("Main", session.main_set),
            ("Cool-down", session.cool_down),
        )
        if text
    ]
    if structure:
        parts.append("; ".join(structure))
    text = " — ".join(p for p in parts if p)
    return text if len(text) <= SET_NOTES_MAX else text[: SET_NOTES_MAX - 1] + "…"


def weekday_of_notes(notes: str) -> int | None:
    head = notes.split(" · ", 1)[0]
    return WEEKDAY_LABELS.index(head) if head in WEEKDAY_LABELS else None


def plan_catalog(plan: Plan, settings: PlanSettings, *, name: str) -> dict[str, Any]:
    weekdays = sorted({s.weekday for w in plan.weeks for s in w.sessions})
    sets = [
        {
            "exercise": EXERCISE_NAMES[session.role],
            "week": week.number,
            "day": index,
            "set_number": 1,
            "reps": session.metres,
            "rep_type": "distance",
            "percentage": None,
            "absolute_weight": None,
            "sort_order": 1,
            "notes": session_notes(session),
        }
        for week in plan.weeks
        for index, session in enumerate(sorted(week.sessions, key=lambda s: s.weekday), start=1)
    ]
    return {
        "type": "catalog",
        "version": "1.1",
        "exercises": RUN_EXERCISES,
        "programs": [
            {
                "name": name,
                "description": _description(plan, settings, weekdays),
                "num_weeks": len(plan.weeks),
                "num_days": max(len(w.sessions) for w in plan.weeks),
                "is_loop": False,
                "audience": None,
                "prescribed_sets": sets,
                "progression_rules": [],
                "weeks": [
                    {
                        "week": w.number,
                        "week_type": w.week_type,
                        "coach_notes": w.coach_notes[:COACH_NOTES_MAX],
                    }
                    for w in plan.weeks
                ],
            }
        ],
    }


def _description(plan: Plan, settings: PlanSettings, weekdays: list[int]) -> str:
    goal = RACE_LABELS[settings.race]
    when = f" on {settings.race_date:%a %d %b %Y}" if settings.race_date else ""
    days = ", ".join(WEEKDAY_LABELS[d] for d in weekdays)
    label = LLM_LABEL if plan.text_source == "llm" else ENGINE_LABEL
    return (
        f"Running plan: {goal}{when}. Starts {settings.first_monday:%a %d %b %Y}; "
        f"runs on {days}. {label}"
    )
