"""The training maxes in force on the packet's day, by exercise name: the packet's own, then
every other lift's latest (the packet summarises only some exercises). Read by the hard
constraints and the rules engine alike."""

from __future__ import annotations

from decimal import Decimal

from athletes.models import TrainingMax
from generation.packet.models import Packet


def training_maxes_of(packet: Packet) -> dict[str, Decimal]:
    tms = {
        e.name.casefold(): Decimal(str(e.current_tm))
        for e in packet.exercises
        if e.current_tm is not None
    }
    rows = (
        TrainingMax.objects.filter(
            athlete_id=packet.meta.athlete_id, effective_date__lte=packet.meta.generated_on
        )
        .order_by("exercise_id", "-effective_date")
        .values_list("exercise_id", "exercise__name", "weight")
    )
    seen: set[int] = set()
    for ex_id, name, weight in rows:
        if ex_id not in seen:
            seen.add(ex_id)
            tms.setdefault(name.casefold(), Decimal(weight))
    return tms
