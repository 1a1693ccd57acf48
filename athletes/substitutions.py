"""The athlete's own swaps: which exercise they log in place of a prescribed one, and which
prescribed exercises their equipment does not allow. Used to prefill the log form."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from athletes.models import Athlete, AthleteEquipment, Workout, WorkoutSet
from programs.models import Exercise, ExerciseEquipment, PrescribedSet

# Far enough back to find a habit, small enough to stay a handful of rows per session.
RECENT_SESSIONS = 60


def last_swaps(athlete: Athlete, prescribed: Iterable[Exercise]) -> dict[int, Exercise]:
    """Prescribed exercise id → what the athlete logged instead the most recent time they did
    not log it: a same-pattern exercise the session did not prescribe (the rule the packet's
    completion figures use). Three queries, none when nothing is prescribed."""
    patterns = {exercise.pk: exercise.movement_pattern for exercise in prescribed}
    wanted = set(patterns)
    if not wanted:
        return {}
    workouts = list(
        Workout.objects.filter(athlete=athlete, assignment__isnull=False, week__isnull=False)
        .order_by("-date", "-pk")
        .values_list("pk", "assignment__template_id", "week", "day")[:RECENT_SESSIONS]
    )
    logged: dict[int, set[int]] = defaultdict(set)
    exercises: dict[int, Exercise] = {}
    for logged_set in WorkoutSet.objects.filter(
        workout_id__in=[w[0] for w in workouts]
    ).select_related("exercise"):
        logged[logged_set.workout_id].add(logged_set.exercise_id)
        exercises[logged_set.exercise_id] = logged_set.exercise
    plans: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for template_id, week, day, exercise_id in PrescribedSet.objects.filter(
        template_id__in={w[1] for w in workouts}
    ).values_list("template_id", "week", "day", "exercise_id"):
        plans[(template_id, week, day)].add(exercise_id)
    found: dict[int, Exercise] = {}
    for workout_id, template, session_week, session_day in workouts:  # newest first
        plan = plans.get((template, session_week or 0, session_day or 0), set())
        done = logged.get(workout_id, set())
        spare = sorted(done - plan)
        for ex_id in (wanted & plan) - done - set(found):
            pattern = patterns[ex_id]
            swap = next(
                (x for x in spare if pattern and exercises[x].movement_pattern == pattern), None
            )
            if swap is not None:
                found[ex_id] = exercises[swap]
    return found


def not_allowed(athlete: Athlete, exercise_ids: Iterable[int]) -> set[int]:
    """The exercises among `exercise_ids` needing equipment the athlete does not have."""
    owned = AthleteEquipment.objects.filter(athlete=athlete).values("equipment_id")
    missing = ExerciseEquipment.objects.filter(exercise=OuterRef("pk"), optional=False).exclude(
        equipment_id__in=owned
    )
    return set(
        Exercise.objects.filter(pk__in=set(exercise_ids))
        .filter(Exists(missing))
        .values_list("pk", flat=True)
    )
