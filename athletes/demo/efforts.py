"""How an athlete of the story logs one prescribed set: the load from the training max or the
story's loads, the reps, and an RPE with a little seeded noise."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from athletes.demo.catalog import PLATE, Catalog, DemoDataError, lb, rpe
from athletes.demo.facts import AthleteFacts, Number
from athletes.demo.writer import LoggedSet, SessionCtx, SetStory
from programs.loads import target_load
from programs.models import Exercise, MovementPattern, PrescribedSet, RepType

# Patterns where RPE is not a useful number (jumps, sprints, drills): logged without one.
NO_RPE_PATTERNS = {
    MovementPattern.PLYOMETRIC,
    MovementPattern.RUN,
    MovementPattern.MOBILITY,
}
NOISE = (-0.5, 0.0, 0.0, 0.5)


class TMs:
    """Training maxes in effect on a day, per exercise name."""

    def __init__(self, rows: Iterable[tuple[str, dt.date, Number]]) -> None:
        self.rows = sorted(rows, key=lambda r: r[1])

    def on(self, name: str, day: dt.date) -> Decimal | None:
        value: Number | None = None
        for n, start, weight in self.rows:
            if n == name and start <= day:
                value = weight
        return None if value is None else lb(value)


def ramp_rank(s: PrescribedSet, session: list[PrescribedSet]) -> int:
    """How many percentage steps below the session's top set of this exercise a set is."""
    pcts = sorted(
        {x.percentage for x in session if x.exercise_id == s.exercise_id and x.percentage},
        reverse=True,
    )
    return pcts.index(s.percentage) if s.percentage in pcts else 0


def wants_rpe(exercise: Exercise, rep_type: str) -> bool:
    return rep_type in (RepType.REPS, RepType.EACH_SIDE) and (
        exercise.movement_pattern not in NO_RPE_PATTERNS
    )


def load_for(
    s: PrescribedSet, day: dt.date, tms: TMs, accessory: Callable[[str], Number | None]
) -> Decimal | None:
    name = s.exercise.name
    if s.percentage is not None:
        tm = tms.on(name, day)
        if tm is None:
            raise DemoDataError(f"No training max for {name} on {day}.")
        return target_load(training_max=tm, percentage=s.percentage, increment=PLATE)
    if s.absolute_weight is not None:
        return s.absolute_weight
    chosen = accessory(name)
    return None if chosen is None else lb(chosen)


def amrap_reps(
    s: PrescribedSet, session: list[PrescribedSet], rng: random.Random, extra: tuple[int, int]
) -> int:
    if s.percentage is not None:
        # Reps a lifter has at this % of a TM that is 90 % of their 1RM (Epley, inverted),
        # minus what was left in the tank.
        fraction = float(s.percentage) * 0.9 / 100
        return max(1, int(30 * (1 / fraction - 1)) - rng.randint(0, 2))
    before = [x.reps for x in session if x.exercise_id == s.exercise_id and x.reps]
    return (before[-1] if before else 8) + rng.randint(*extra)


def _target_rpe(ex: Exercise, session: list[PrescribedSet]) -> float:
    return max(
        (
            float(x.target_rpe)
            for x in session
            if x.exercise_id == ex.pk and x.target_rpe is not None
        ),
        default=7.0,
    )


class SeriesSets:
    """Tommy: TM-based loads; one lift's TM is held in Month 3 while its RPE creeps up."""

    def __init__(self, facts: AthleteFacts, tms: TMs, rng: random.Random) -> None:
        self.facts, self.tms, self.rng = facts, tms, rng
        self.held_sessions: dict[int, list[dt.date]] = defaultdict(list)
        self.noise: dict[tuple[dt.date, int], float] = {}

    def __call__(
        self, s: PrescribedSet, ctx: SessionCtx, session: list[PrescribedSet]
    ) -> LoggedSet:
        ex = s.exercise
        loads = self.facts.loads[ctx.block]
        weight = load_for(s, ctx.date, self.tms, loads.get)
        effort: Decimal | None = None
        if wants_rpe(ex, s.rep_type):
            effort = rpe(self._top_rpe(s, ctx, session) - 0.5 * min(ramp_rank(s, session), 2))
        return LoggedSet(ex.name, s.reps, s.rep_type, weight, effort)

    def _top_rpe(self, s: PrescribedSet, ctx: SessionCtx, session: list[PrescribedSet]) -> float:
        ex = s.exercise
        if ex.name == self.facts.held_lift:
            return self._held_rpe(ctx)
        if s.percentage is not None:
            key = (ctx.date, ex.pk)
            if key not in self.noise:
                self.noise[key] = self.rng.choice(NOISE)
            return _target_rpe(ex, session) + self.noise[key]
        top = 6.0 if ctx.week == 4 else (7.0 if ctx.block == 1 else 7.5)
        return top + self.rng.choice(NOISE)

    def _held_rpe(self, ctx: SessionCtx) -> float:
        dates = self.held_sessions[ctx.block]
        if ctx.date not in dates:
            dates.append(ctx.date)
        n = dates.index(ctx.date)
        if ctx.block == 3:
            series = self.facts.held_lift_rpe
            return series[min(n, len(series) - 1)]
        return 6.5 if ctx.block == 1 and n < 4 else 7.0


def home_sets(facts: AthleteFacts, cat: Catalog, rng: random.Random) -> SetStory:
    """Sarah: each lift she cannot do at home swapped like for like, light loads, easy RPE."""

    def story(s: PrescribedSet, ctx: SessionCtx, session: list[PrescribedSet]) -> LoggedSet:
        name = facts.swaps.get(s.exercise.name, s.exercise.name)
        ex = cat.exercise(name)
        if s.exercise.name in facts.swaps and ex.movement_pattern != s.exercise.movement_pattern:
            raise DemoDataError(f"{name} is not a like-for-like swap for {s.exercise.name}.")
        weight = _home_load(s, ex, facts.loads[ctx.block].get(name), cat)
        effort = None
        if wants_rpe(ex, s.rep_type):
            effort = rpe(facts.base_rpe + rng.choice((-0.5, 0.0, 0.0, 0.0, 0.0, 0.5)))
        swapped = name != s.exercise.name
        note = f"Home swap for {s.exercise.name}" if swapped and s.set_number == 1 else ""
        return LoggedSet(name, s.reps, s.rep_type, weight, effort, notes=note)

    return story


def _home_load(
    s: PrescribedSet, ex: Exercise, chosen: Number | None, cat: Catalog
) -> Decimal | None:
    if chosen is not None:
        return lb(chosen)
    if s.absolute_weight is not None:
        return s.absolute_weight
    if cat.is_bodyweight(ex) and s.rep_type in (RepType.REPS, RepType.EACH_SIDE):
        return Decimal(0)
    return None  # bands, sprints: no load to record


def adult_sets(facts: AthleteFacts, tms: TMs, rng: random.Random) -> SetStory:
    """An adult lifter: TM-based loads, AMRAP sets at RPE 9, the program's target RPE."""
    loads = facts.loads.get(1, {})

    def story(s: PrescribedSet, ctx: SessionCtx, session: list[PrescribedSet]) -> LoggedSet:
        ex = s.exercise
        weight = load_for(s, ctx.date, tms, loads.get)
        reps = s.reps
        amrap = reps is None
        if amrap:
            reps = amrap_reps(s, session, rng, facts.amrap_extra_reps)
        effort: Decimal | None = None
        if wants_rpe(ex, s.rep_type):
            effort = _adult_rpe(s, session, rng, amrap, facts.base_rpe)
        return LoggedSet(ex.name, reps, s.rep_type, weight, effort, is_amrap=amrap)

    return story


def _adult_rpe(
    s: PrescribedSet, session: list[PrescribedSet], rng: random.Random, amrap: bool, base: float
) -> Decimal:
    if amrap:
        return rpe(9.0)
    if s.target_rpe is not None:
        return rpe(float(s.target_rpe) + rng.choice(NOISE))
    rank = min(ramp_rank(s, session), 2)
    return rpe(base - 0.5 * rank + rng.choice((-0.5, 0.0, 0.5)))
