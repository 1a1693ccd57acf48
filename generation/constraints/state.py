"""The state one enforcement works on: the athlete's catalog and equipment, training maxes and
health flags, read once, and the warnings, errors and replacements found so far."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from generation.constraints.common import _FOUNDATIONAL, _YOUTH, Limits, _Exercise
from generation.constraints.injury_map import INJURY_MAP
from generation.packet.training_maxes import training_maxes_of
from programs.catalog.matching import Thresholds, shared_index

if TYPE_CHECKING:
    from generation.engines.base import GenerationRequest
    from generation.packet import HealthFlag, Packet


class Enforcement:
    """One draft being enforced: the athlete's packet and request, what they can do (the
    catalog, the equipment-filtered exercises, training maxes, health flags), and what was
    changed or found so far. The rule modules read and add to it, in the order of apply.run."""

    def __init__(self, packet: Packet, request: GenerationRequest | None, limits: Limits) -> None:
        self.packet = packet
        self.request = request
        self.t = limits
        self.warnings: list[str] = []
        # Exercises left out whole, with their sets, so the coach can add one back.
        self.dropped: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.replaced: dict[str, str] = {}
        self.neighbours: defaultdict[str, set[str]] = defaultdict(set)
        self.by_percentage: set[str] = set()
        self.unit = packet.profile.weight_unit or "lbs"
        self.first_name = (packet.profile.name.split() or ["The athlete"])[0]
        self.youth = packet.profile.audience == _YOUTH
        self.foundational = packet.profile.tier == _FOUNDATIONAL
        # What the athlete can do, from the packet (equipment-filtered at packet time).
        self.available: dict[str, _Exercise] = {}
        for pattern, tiers in packet.catalog.available.items():
            for tier, names in tiers.items():
                for name in names:
                    self.available[name.casefold()] = _Exercise(
                        name, "" if pattern == "other" else pattern,
                        "" if tier == "general" else tier, (),
                    )  # fmt: skip
        self._load_catalog()
        self._load_training_maxes()
        self._load_heaviest()
        latest = packet.body_weight.latest if packet.body_weight is not None else None
        self.body_weight = Decimal(str(latest[1])) if latest is not None else None
        self.flags: dict[str, list[HealthFlag]] = defaultdict(list)
        for flag in packet.notes.health_flags:
            for part in flag.body_parts:
                if part in INJURY_MAP:
                    self.flags[part].append(flag)

    def _load_catalog(self) -> None:
        from programs.models import Exercise, ExerciseEquipment, usable_for_athlete

        # The global catalog and the athlete's coach's own, never another coach's.
        athlete_id = self.packet.meta.athlete_id
        links = ExerciseEquipment.objects.filter(
            usable_for_athlete(athlete_id, prefix="exercise__"), optional=False
        )
        required: dict[int, list[str]] = defaultdict(list)
        for ex_id, eq_name in links.values_list("exercise_id", "equipment__name"):
            required[ex_id].append(eq_name)
        self.catalog: dict[str, _Exercise] = {}
        self.exact: dict[str, str] = {}  # name or alias (casefold) → catalog name (casefold)
        aliases_of: list[tuple[str, list[str]]] = []
        entries: list[tuple[str, str, list[str]]] = []
        visible = Exercise.objects.filter(usable_for_athlete(athlete_id))
        for ex_id, name, pattern, tier, aliases in visible.order_by("name").values_list(
            "id", "name", "movement_pattern", "tier", "aliases"
        ):
            key = name.casefold()
            self.catalog[key] = _Exercise(name, pattern, tier, tuple(sorted(required[ex_id])))
            self.exact[key] = key
            clean = [a for a in aliases or [] if isinstance(a, str) and a.strip()]
            aliases_of.append((key, clean))
            entries.append((key, name, clean))
        self.index = shared_index(entries)
        for key, aliases in aliases_of:
            for alias in aliases:
                self.exact.setdefault(alias.strip().casefold(), key)
        for key in list(self.available):
            # The packet is the authority on what the athlete can do; the catalog on the rest.
            known = self.catalog.get(key)
            if known is not None:
                self.available[key] = known
        self.thresholds = Thresholds.from_settings()

    def _load_training_maxes(self) -> None:
        self.tms: dict[str, Decimal] = training_maxes_of(self.packet)

    def _load_heaviest(self) -> None:
        """The heaviest weight logged on a working set, per exercise and per movement pattern:
        what an absolute load without a training max is bounded by."""
        from django.db.models import Max

        from athletes.models import SetKind, WorkoutSet

        rows = (
            WorkoutSet.objects.filter(
                workout__athlete_id=self.packet.meta.athlete_id,
                workout__date__lte=self.packet.meta.generated_on,
                weight__gt=0,
            )
            .exclude(kind=SetKind.WARMUP)
            .values_list("exercise__name", "exercise__movement_pattern")
            .annotate(heaviest=Max("weight"))
            .order_by()
        )
        self.heaviest: dict[str, Decimal] = {}
        self.heaviest_pattern: dict[str, Decimal] = {}
        for name, pattern, weight in rows:
            self.heaviest[name.casefold()] = Decimal(weight)
            if pattern:
                best = self.heaviest_pattern.get(pattern, Decimal(0))
                self.heaviest_pattern[pattern] = max(best, Decimal(weight))

    def _replace(self, old: str, new: str) -> None:
        # Kept flat: a name mapped to an alias' exercise and then swapped for an injury points
        # straight at the exercise that is in the program now.
        for source, target in self.replaced.items():
            if target == old:
                self.replaced[source] = new
        self.replaced[old] = new

    def meta(self, key: str) -> _Exercise | None:
        return self.catalog.get(key) or self.available.get(key)
