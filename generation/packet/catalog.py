"""The exercise catalog as one athlete can use it: what their equipment allows and rules out."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from athletes.models import Athlete, AthleteEquipment
from generation.packet.models import Catalog
from programs.models import Exercise, ExerciseEquipment, usable_for_athlete


@dataclass(frozen=True)
class CatalogData:
    owned: list[str]
    available: list[tuple[str, str, str]]  # name, pattern, tier
    missing: Counter[str]  # equipment name → exercises needing it
    filtered_out: int
    names: list[str]  # every exercise name and alias, to mask them in notes


def load_catalog(athlete: Athlete) -> CatalogData:
    owned = dict(
        AthleteEquipment.objects.filter(athlete=athlete)
        .order_by("equipment__name")
        .values_list("equipment_id", "equipment__name")
    )
    required: dict[int, list[tuple[int, str]]] = defaultdict(list)
    # The global catalog and the athlete's coach's own, never another coach's.
    links = ExerciseEquipment.objects.filter(
        usable_for_athlete(athlete.pk, prefix="exercise__"), optional=False
    )
    for ex_id, eq_id, eq_name in links.values_list(
        "exercise_id", "equipment_id", "equipment__name"
    ):
        required[ex_id].append((eq_id, eq_name))
    available: list[tuple[str, str, str]] = []
    missing: Counter[str] = Counter()
    filtered_out = 0
    names: list[str] = []
    visible = Exercise.objects.filter(usable_for_athlete(athlete.pk))
    for ex_id, name, pattern, tier, aliases in visible.order_by("name").values_list(
        "id", "name", "movement_pattern", "tier", "aliases"
    ):
        names.append(name)
        names.extend(a for a in aliases or [] if isinstance(a, str))
        lacking = sorted(
            {eq_name for eq_id, eq_name in required.get(ex_id, []) if eq_id not in owned}
        )
        if lacking:
            filtered_out += 1
            missing.update(lacking)
        else:
            available.append((name, pattern, tier))
    return CatalogData(list(owned.values()), available, missing, filtered_out, names)


def catalog_section(data: CatalogData, first_name: str) -> Catalog:
    grouped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, pattern, tier in data.available:
        grouped[pattern or "other"][tier or "general"].append(name)
    reason = ""
    if data.filtered_out:
        top = ", ".join(f"{eq} ({n})" for eq, n in data.missing.most_common(6))
        more = " …" if len(data.missing) > 6 else ""
        reason = (
            f"{data.filtered_out} exercises need equipment {first_name} does not have: {top}{more}"
        )
    return Catalog(
        available={p: dict(t) for p, t in sorted(grouped.items())},
        available_count=len(data.available),
        filtered_out_count=data.filtered_out,
        filtered_out_reason=reason,
        missing_equipment=dict(data.missing.most_common()),
    )
