"""A new athlete from an intake, and their first program's generation run.

The athlete and their intake are saved first, in one transaction; the generation comes after
and may fail (no LLM, rate limit, a draft the constraints refuse) without losing either: the
intake page then shows why, with a retry that drafts from the saved snapshot."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower

from athletes.intake import EQUIPMENT_PRESETS, IntakeData, intake_record, latest_intake
from athletes.intake_models import IntakeSnapshot
from athletes.models import Athlete, User
from athletes.services import athlete_create, athlete_set_equipment
from generation.engines.base import GenerationRequest
from generation.intake import templates as tpl
from generation.models import GenerationRun
from generation.runs.services import generation_request
from generation.runs.states import GenerationError
from programs.models import (
    Equipment,
    ExerciseEquipment,
    PrescribedSet,
    ProgramTemplate,
    global_programs,
)

FIRST_PROGRAM_WEEKS = 4


@dataclass(frozen=True)
class Outcome:
    run: GenerationRun | None
    error: str = ""


def equipment_for(data: IntakeData) -> list[Equipment]:
    """The intake's equipment list, else its preset's, as the catalog's equipment rows."""
    names = data.equipment or list(EQUIPMENT_PRESETS[data.equipment_preset])
    wanted = {n.strip().lower() for n in names if n.strip()}
    return list(Equipment.objects.annotate(key=Lower("name")).filter(key__in=wanted))


def intake_new_athlete(
    *, name: str, coach: User | None, data: IntakeData, by: User | None
) -> tuple[Athlete, IntakeSnapshot]:
    """The athlete, their equipment and their first intake snapshot: all or nothing."""
    with transaction.atomic():
        athlete = athlete_create(
            name=name, coach=coach, by=by, sport=data.sport, date_of_birth=data.date_of_birth
        )
        athlete_set_equipment(athlete=athlete, equipment=equipment_for(data), by=by)
        snapshot = intake_record(athlete=athlete, data=data, by=by)
    return athlete, snapshot


def candidates() -> list[tpl.TemplateFacts]:
    """The global templates with their exercises and the equipment those need: 3 queries."""
    needs: dict[int, set[str]] = defaultdict(set)
    for exercise_id, equipment in ExerciseEquipment.objects.values_list(
        "exercise_id", "equipment__name"
    ):
        needs[exercise_id].add(equipment.lower())
    exercises: dict[int, dict[int, tpl.ExerciseFacts]] = defaultdict(dict)
    for template_id, ex_id, ex_name, ex_tier in PrescribedSet.objects.filter(
        global_programs(prefix="template__")
    ).values_list("template_id", "exercise_id", "exercise__name", "exercise__tier"):
        facts = tpl.ExerciseFacts(ex_name, ex_tier or "", frozenset(needs[ex_id]))
        exercises[template_id][ex_id] = facts
    return [
        tpl.TemplateFacts(
            t.pk, t.name, t.description, t.audience, t.num_days,
            tuple(exercises[t.pk].values()),
        )
        for t in ProgramTemplate.objects.filter(global_programs()).order_by("name")
    ]  # fmt: skip


def intake_choice(athlete: Athlete, data: IntakeData) -> tuple[tpl.Choice | None, int]:
    equipment = frozenset(e.name.lower() for e in athlete.equipment.all())
    facts = tpl.Athlete(
        tier=tpl.tier_for(data.experience_years),
        audience=athlete.audience,
        goals=tuple(data.goals),
        days_per_week=data.days_per_week,
        equipment=equipment,
        body_parts=tpl.body_parts_in(data.limitations),
        dislikes=tuple(d.casefold() for d in data.dislikes),
    )
    found = candidates()
    return tpl.choose(found, facts), len(found)


def directions(data: IntakeData) -> str:
    """What the intake tells the engines beyond the template: the coach's directions field."""
    parts = [f"Sessions of about {data.session_minutes} minutes."]
    if data.dislikes:
        parts.append(f"Avoid: {', '.join(data.dislikes)}.")
    if data.likes:
        parts.append(f"Prefers: {', '.join(data.likes)}.")
    if data.limitations:
        parts.append(f"Limitations: {data.limitations}")
    return " ".join(parts)[:2000]


def intake_first_program(
    *, athlete: Athlete, by: User | None, snapshot: IntakeSnapshot | None = None
) -> Outcome:
    """Request the first program from the (latest) intake. Never raises for a refused
    request: the athlete stays saved and the outcome says why, for the retry button."""
    snapshot = snapshot or latest_intake(athlete)
    if snapshot is None:
        return Outcome(None, f"{athlete.name} has no intake yet.")
    data = IntakeData.model_validate(snapshot.data)
    choice, of = intake_choice(athlete, data)
    first = athlete.name.split()[0] if athlete.name.split() else athlete.name
    request = GenerationRequest(
        program_name=f"{first} — first program",
        days_per_week=data.days_per_week,
        weeks=FIRST_PROGRAM_WEEKS,
        reference_program_ids=(choice.template.pk,) if choice else (),
        coach_directions=directions(data),
    )
    try:
        run = generation_request(athlete=athlete, request=request, by=by)
    except GenerationError as exc:
        return Outcome(None, exc.message)
    reason = choice.text(of) if choice else "No global template to start from."
    GenerationRun.objects.filter(pk=run.pk).update(
        intake_snapshot=snapshot, intake_template_reason=reason
    )
    run.refresh_from_db()
    return Outcome(run, run.error_message)
