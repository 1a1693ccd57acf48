from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from pydantic import ValidationError
from rapidfuzz import fuzz, utils

from athletes.access import athletes_managed_by
from athletes.models import Athlete, AthleteEquipment, TrainingMax
from athletes.selectors import current_training_maxes
from generation.constraints.injury_map import high_risk_for
from generation.engines.rules import swap_order
from generation.models import WORKING_STATUSES, GenerationRun, RunStatus
from generation.packet import Packet
from programs.models import (
    Exercise,
    ExerciseEquipment,
    ProgramTemplate,
    programs_for_athlete,
    usable_for_athlete,
)

# The history and review lists never need the large audit fields; loading them would make a
# long history page slow for no reason.
HEAVY_FIELDS: tuple[str, ...] = ("packet", "prompt", "raw_response", "draft", "edited")


def working_run_for(athlete: Athlete) -> GenerationRun | None:
    return (
        GenerationRun.objects.filter(athlete=athlete, status__in=WORKING_STATUSES)
        .defer(*HEAVY_FIELDS)
        .first()
    )


def run_for_athlete(athlete: Athlete, run_pk: int) -> GenerationRun:
    return get_object_or_404(
        GenerationRun.objects.select_related("athlete", "requested_by", "approved_template"),
        athlete=athlete,
        pk=run_pk,
    )


def runs_for_athlete(athlete: Athlete) -> QuerySet[GenerationRun]:
    return (
        GenerationRun.objects.filter(athlete=athlete)
        .select_related("requested_by", "approved_template", "decided_by")
        .defer(*HEAVY_FIELDS)
        .order_by("-created_at", "-pk")
    )


def drafts_awaiting_review(user: Any) -> QuerySet[GenerationRun]:
    """Every ready draft of the athletes this user coaches (admins: all), oldest first."""
    return (
        GenerationRun.objects.filter(
            status=RunStatus.READY, athlete__in=athletes_managed_by(user).values("pk")
        )
        .select_related("athlete", "requested_by")
        .defer(*HEAVY_FIELDS)
        .order_by("created_at", "pk")
    )


def reference_program_choices(athlete: Athlete) -> QuerySet[ProgramTemplate]:
    """Programs a coach may point the generator at: the global ones, this athlete's own and
    their coach's library."""
    return ProgramTemplate.objects.filter(programs_for_athlete(athlete.pk)).order_by(
        "owner_id", "coach_id", "name"
    )


def exercises_available_to(athlete: Athlete) -> QuerySet[Exercise]:
    """Catalog exercises whose every required equipment item the athlete owns."""
    owned = AthleteEquipment.objects.filter(athlete=athlete).values("equipment_id")
    missing = ExerciseEquipment.objects.filter(exercise=OuterRef("pk"), optional=False).exclude(
        equipment_id__in=owned
    )
    usable = usable_for_athlete(athlete.pk)
    return Exercise.objects.filter(usable, ~Exists(missing)).order_by("name")


def swap_choices(
    athlete: Athlete, exercise_name: str, *, limit: int = 60, packet: Packet | None = None
) -> list[Exercise]:
    """Exercises the athlete can do, best replacements first: with the run's packet, the list
    the rules engine chooses a substitute from, in its order (same pattern and body region, a
    flagged body part spared); then the same movement pattern, then the closest names (the
    same fuzzy scorer the catalog's name matching uses)."""
    engine = swap_order(packet, exercise_name) if packet is not None else []
    first = {name.casefold(): i for i, name in enumerate(engine)}
    available = list(exercises_available_to(athlete).only("pk", "name", "movement_pattern"))
    key = exercise_name.strip().casefold()
    current = next((e for e in available if e.name.casefold() == key), None)
    if current is None:
        current = (
            Exercise.objects.filter(
                usable_for_athlete(athlete.pk), name__iexact=exercise_name.strip()
            )
            .only("pk", "name", "movement_pattern")
            .first()
        )
    pattern = current.movement_pattern if current is not None else ""

    def rank(exercise: Exercise) -> tuple[int, int, float, str]:
        same = bool(pattern) and exercise.movement_pattern == pattern
        score = fuzz.WRatio(exercise_name, exercise.name, processor=utils.default_process)
        order = first.get(exercise.name.casefold(), len(first))
        return (order, 0 if same else 1, -score, exercise.name.casefold())

    ranked = sorted((e for e in available if e.name.casefold() != key), key=rank)
    return ranked[:limit]


def run_packet(run: GenerationRun) -> Packet | None:
    """The packet the run was drafted from, when it still reads as one."""
    try:
        return Packet.model_validate(run.packet) if run.packet else None
    except ValidationError:
        return None  # stored by an older version


def training_maxes_by_name(athlete: Athlete) -> dict[str, Decimal]:
    """casefolded exercise name → the training max in force today: the preview turns every
    percentage into the load it means for this athlete."""
    rows = list(TrainingMax.objects.filter(athlete=athlete).select_related("exercise"))
    return {tm.exercise.name.casefold(): tm.weight for tm in current_training_maxes(rows).values()}


@dataclass(frozen=True)
class SwapOption:
    pk: int
    name: str
    same_pattern: bool
    warning: str  # why a health rule flags it; empty when none does


@dataclass(frozen=True)
class SwapOptions:
    options: list[SwapOption]
    not_offered: int  # catalog exercises left out: equipment the athlete does not have


def flagged_parts(run: GenerationRun) -> dict[str, str]:
    """Body part → the note that flagged it, from the packet the draft was made from."""
    notes = (run.packet or {}).get("notes") or {}
    parts: dict[str, str] = {}
    for flag in notes.get("health_flags") or []:
        for part in flag.get("body_parts") or []:
            parts.setdefault(str(part), f"{flag.get('source', 'note')} of {flag.get('date', '')}")
    return parts


def swap_options(athlete: Athlete, run: GenerationRun, exercise_name: str) -> SwapOptions:
    """The swap picker's list: exercises the athlete can do, the same movement pattern and no
    health flag first, flagged ones last with the reason; how many are not offered and why."""
    ranked = swap_choices(athlete, exercise_name, limit=10_000, packet=run_packet(run))
    parts = flagged_parts(run)
    current = Exercise.objects.filter(name__iexact=exercise_name.strip()).first()
    pattern = current.movement_pattern if current is not None else ""
    options = [
        SwapOption(e.pk, e.name, bool(pattern) and e.movement_pattern == pattern, _risk(e, parts))
        for e in ranked
    ]
    options.sort(key=lambda o: (bool(o.warning), not o.same_pattern))
    not_offered = Exercise.objects.count() - len(ranked) - (1 if current is not None else 0)
    return SwapOptions(options=options, not_offered=max(0, not_offered))


def _risk(exercise: Exercise, parts: dict[str, str]) -> str:
    for part, source in sorted(parts.items()):
        keyword = high_risk_for(exercise.name, part)
        if keyword:
            return f"{exercise.name} is high-risk for the flagged {part} ({keyword}; {source})."
    return ""
