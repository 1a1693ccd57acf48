"""The LLM coach layer: it receives the profile, the settings and the skeleton, and may fill
only text — titles, descriptions, intensities, targets, workout structure, week notes. Its
answer is untrusted: validated by a strict schema, text cut to length, and every structural
field it sends back (dates, weekdays, workout types, distances, totals, week types) is
overwritten with the engine's own before the invariants run again."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from generation.llm import LLMConfig, complete
from generation.llm_parse import extract_json
from generation.llm_types import LLMError, LLMResult
from generation.running import invariants
from generation.running.plan import WEEKDAY_LABELS, PlanSettings
from generation.running.profile import RunProfile
from generation.running.skeleton import TEXT_FIELDS, Plan, Session

LIMITS = {"title": 80, "intensity": 40, "target": 80, "description": 400, "coach_notes": 600}
STRUCTURE_LIMIT = 300


def _cut(limit: int) -> BeforeValidator:
    def cut(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        return text if len(text) <= limit else text[: limit - 1] + "…"

    return BeforeValidator(cut)


Short = Annotated[str, _cut(LIMITS["title"])]
Intensity = Annotated[str, _cut(LIMITS["intensity"])]
Long = Annotated[str, _cut(LIMITS["description"])]
Structure = Annotated[str, _cut(STRUCTURE_LIMIT)]
Notes = Annotated[str, _cut(LIMITS["coach_notes"])]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CoachSession(_Strict):
    week: int
    day: int
    # Structural echoes: accepted so that an answer repeating the skeleton validates, then
    # overwritten — never read.
    date: str | None = None
    weekday: str | None = None
    workout_type: str | None = None
    distance_km: float | None = None
    title: Short = ""
    description: Long = ""
    intensity: Intensity = ""
    target: Short = ""
    warm_up: Structure = ""
    main_set: Structure = ""
    cool_down: Structure = ""


class CoachWeek(_Strict):
    week: int
    week_type: str | None = None
    total_km: float | None = None
    coach_notes: Notes = ""


class CoachAnswer(_Strict):
    weeks: list[CoachWeek] = []
    sessions: list[CoachSession] = []


SYSTEM = """You are an experienced running coach writing the words of a training plan.
The plan's structure is fixed: dates, weekdays, workout types, distances, weekly totals and week
types are decided and will not change whatever you answer. For every session write a short
title, a description, an intensity (easy, moderate, hard, race), a target pace or heart-rate
zone, and the workout structure (warm_up, main_set, cool_down; the warm-up and cool-down are
inside the given distance). For every week write coach_notes (two sentences at most).
Answer with one JSON object: {"weeks": [{"week", "coach_notes"}], "sessions": [{"week", "day",
"title", "description", "intensity", "target", "warm_up", "main_set", "cool_down"}]}."""


@dataclass
class CoachOutcome:
    prompt: list[dict[str, Any]] = field(default_factory=list)
    raw_response: str = ""
    result: LLMResult | None = None
    failure: str = ""  # why the engine's own text is shown
    structural_changes: int = 0


def _keyed(plan: Plan) -> dict[tuple[int, int], Session]:
    return {
        (week.number, index): session
        for week in plan.weeks
        for index, session in enumerate(sorted(week.sessions, key=lambda s: s.weekday), start=1)
    }


def skeleton(plan: Plan) -> dict[str, Any]:
    return {
        "weeks": [
            {"week": w.number, "week_type": w.week_type, "total_km": w.total_m / 1000}
            for w in plan.weeks
        ],
        "sessions": [
            {
                "week": week,
                "day": day,
                "date": s.date.isoformat() if s.date else None,
                "weekday": WEEKDAY_LABELS[s.weekday],
                "workout_type": str(s.role),
                "distance_km": s.km,
            }
            for (week, day), s in _keyed(plan).items()
        ],
    }


def messages(plan: Plan, profile: RunProfile, settings: PlanSettings) -> list[dict[str, Any]]:
    brief = {"profile": profile.as_dict(), "settings": settings.as_dict(), "plan": skeleton(plan)}
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": json.dumps(brief, default=str)},
    ]


def coach_text(plan: Plan, profile: RunProfile, settings: PlanSettings) -> CoachOutcome:
    """Fill the plan's text from the LLM; on any failure the plan keeps the engine's text and
    the outcome says why. The plan's structure is the same afterwards either way."""
    outcome = CoachOutcome(prompt=messages(plan, profile, settings))
    try:
        outcome.result = complete(
            LLMConfig.from_settings(), outcome.prompt, response_format=CoachAnswer
        )
    except LLMError as exc:
        outcome.failure = exc.user_message
        outcome.result = exc.result
        return outcome
    outcome.raw_response = outcome.result.text
    data, problem = extract_json(outcome.result.text)
    if data is None:
        outcome.failure = f"its answer was not JSON ({problem or 'no JSON object'})"
        return outcome
    try:
        answer = CoachAnswer.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        outcome.failure = f"its answer did not fit the plan format ({where}: {first['msg']})"
        return outcome
    outcome.structural_changes = apply(plan, answer)
    plan.text_source = "llm"
    invariants.enforce(plan, step="the coach layer")
    return outcome


def apply(plan: Plan, answer: CoachAnswer) -> int:
    """Copy the text fields onto the plan; returns how many structural values the answer tried
    to change (all ignored)."""
    sessions = _keyed(plan)
    changed = 0
    for item in answer.sessions:
        session = sessions.get((item.week, item.day))
        if session is None:
            changed += 1
            continue
        changed += _structural_diff(item, session)
        for name in TEXT_FIELDS:
            value = getattr(item, name)
            if value:
                setattr(session, name, value)
    weeks = {w.number: w for w in plan.weeks}
    for note in answer.weeks:
        week = weeks.get(note.week)
        if week is None:
            changed += 1
            continue
        changed += int(note.week_type not in (None, week.week_type))
        if note.total_km is not None and abs(note.total_km - week.total_m / 1000) > 0.05:
            changed += 1
        if note.coach_notes:
            week.coach_notes = note.coach_notes
    return changed


def _structural_diff(item: CoachSession, session: Session) -> int:
    ours = {
        "date": session.date.isoformat() if session.date else None,
        "weekday": WEEKDAY_LABELS[session.weekday],
        "workout_type": str(session.role),
    }
    changed = sum(1 for k, v in ours.items() if getattr(item, k) not in (None, v))
    if item.distance_km is not None and abs(item.distance_km - session.km) > 0.05:
        changed += 1
    return changed
