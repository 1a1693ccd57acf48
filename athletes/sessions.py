"""The next session of each supplemental program (a running plan beside the strength program):
their prescribed sets in one query, and the one-line label the athlete page shows."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db.models import Q

from athletes.runs import is_run
from athletes.units import format_distance
from programs.models import PrescribedSet, RepType

SessionKey = tuple[int, int, int]  # template id, week, day

# A running plan's weekday and title lead each run's notes ("Sat · Long Run — …"): the plan's
# format (generation/running/to_catalog.py), which athletes may not import.
_RUN_HEAD = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) · ([^—]{1,60}?)\s*(?:—|$)")


def sets_for_sessions(keys: Sequence[SessionKey]) -> dict[SessionKey, list[PrescribedSet]]:
    """The prescribed sets of several sessions in one query (none without keys)."""
    found: dict[SessionKey, list[PrescribedSet]] = {key: [] for key in keys}
    if not keys:
        return found
    match = Q()
    for template_id, week, day in keys:
        match |= Q(template_id=template_id, week=week, day=day)
    rows = (
        PrescribedSet.objects.filter(match)
        .select_related("exercise")
        .order_by("sort_order", "exercise__name", "exercise_id", "set_number")
    )
    for row in rows:
        found[(row.template_id, row.week, row.day)].append(row)
    return found


def is_run_session(sets: Sequence[PrescribedSet]) -> bool:
    return bool(sets) and all(
        is_run(s.exercise.name, s.exercise.movement_pattern, s.rep_type) for s in sets
    )


def session_label(*, week: int, day: int, sets: Sequence[PrescribedSet]) -> str:
    """ "Week 2 · Sat · Long Run · 12.0 km"; "Week 2 · Day 3" when the notes name no weekday."""
    head = _RUN_HEAD.match(sets[0].notes) if sets else None
    parts = [f"Week {week}", f"{head[1]} · {head[2]}" if head else f"Day {day}"]
    metres = sum(s.reps or 0 for s in sets if s.rep_type == RepType.DISTANCE)
    if metres:
        parts.append(format_distance(metres))
    return " · ".join(parts)
