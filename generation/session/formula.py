"""The formula strategy: deterministic, no LLM, and the fallback of every other strategy.

Each rule that fires on a lift becomes a `Step` with a rationale line naming its datum
("Back Squat −1 set: quads soreness 7/10"); the steps are then applied to the prescribed sets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from generation.session import rules
from generation.session.plan import AdjustedLift, Lift, Readiness, Session, SetPlan, Snapshot
from programs.loads import round_load
from settings_app.registry import MUSCLE_GROUPS

ONE = Decimal("1")


@dataclass(frozen=True)
class Step:
    reason: str
    sets: int = 0
    load: Decimal = ONE
    reps: int = 0
    skip: bool = False
    recovery: bool = False
    strong: bool = False  # a disruption or soreness ≥ 7: allows a deep cut

    def effect(self) -> str:
        if self.skip:
            return "skipped"
        if self.recovery:
            return (
                f"recovery {rules.RECOVERY_SETS}×{rules.RECOVERY_REPS} at RPE "
                f"{rules.RECOVERY_RPE} and {rules.RECOVERY_LOAD * 100:.0f} % of the working weight"
            )
        parts = []
        if self.sets:
            parts.append(rules.sets_word(self.sets))
        if self.reps:
            parts.append(f"{rules.signed(self.reps)} reps")
        if self.load != ONE:
            parts.append(f"×{self.load.normalize():f}")
        return ", ".join(parts)


# -- the rules ---------------------------------------------------------------------------------


def rpe_step(deviation: float | None) -> Step | None:
    if deviation is None:
        return None
    for threshold, load in rules.RPE_STEPS:
        hit = deviation >= threshold if threshold > 0 else deviation <= threshold
        if hit:
            return Step(reason=f"recent RPE {deviation:+.2f} vs target", load=load)
    return None


def readiness_step(r: Readiness) -> Step | None:
    sleep = r.sleep if r.sleep is not None else rules.UNKNOWN_READINESS
    energy = r.energy if r.energy is not None else rules.UNKNOWN_READINESS
    datum = f"sleep {sleep}/5, energy {energy}/5"
    if sleep <= rules.POOR and energy <= rules.POOR:
        return Step(reason=datum, sets=-1, load=rules.BOTH_POOR)
    if sleep <= rules.POOR or energy <= rules.POOR:
        return Step(reason=datum, load=rules.ONE_POOR)
    if sleep >= rules.GOOD and energy >= rules.GOOD:
        return Step(reason=datum, load=rules.BOTH_GOOD)
    return None


def worst_soreness(lift: Lift, soreness: dict[str, int]) -> tuple[str, int]:
    scored = [(soreness.get(g, rules.UNKNOWN_SORENESS), g) for g in lift.primary]
    level, group = max(scored, default=(rules.UNKNOWN_SORENESS, ""))
    return group, level


def soreness_step(lift: Lift, soreness: dict[str, int]) -> Step | None:
    group, level = worst_soreness(lift, soreness)
    datum = f"{group.replace('_', ' ')} soreness {level}/10"
    if level >= rules.SORE_RECOVERY:
        return Step(reason=datum, recovery=True, skip=not lift.is_main, strong=True)
    if level >= rules.SORE_TWO_SETS:
        return Step(reason=datum, sets=-2, load=rules.SORE_TWO_SETS_LOAD, strong=True)
    if level >= rules.SORE_ONE_SET:
        return Step(reason=datum, sets=-1)
    return None


def _affected_by_pain(lift: Lift, note: str, lift_names: tuple[str, ...]) -> bool:
    """A pain note that names lifts or muscle groups affects those; a vague one affects all."""
    text = note.casefold()
    groups = [g.replace("_", " ") for g in (*lift.primary, *lift.secondary)]
    if lift.name.casefold() in text or any(g in text for g in groups):
        return True
    named_group = any(g.replace("_", " ") in text for g in MUSCLE_GROUPS)
    return not named_group and not any(name in text for name in lift_names)


def disruption_step(
    lift: Lift, r: Readiness, sets: int, lift_names: tuple[str, ...] = ()
) -> Step | None:
    steps = []
    if r.pain in rules.INJURY and _affected_by_pain(lift, r.pain_note, lift_names):
        steps.append(_severity_step(rules.INJURY[r.pain], f"{r.pain} pain", r.pain_note, sets))
    if r.illness in rules.ILLNESS:
        steps.append(
            _severity_step(rules.ILLNESS[r.illness], f"{r.illness} illness", r.illness_note, sets)
        )
    return min(steps, key=lambda s: conservativeness(s, sets), default=None)


def _severity_step(
    spec: tuple[Decimal, Decimal, int, bool], label: str, note: str, sets: int
) -> Step:
    load, fraction, reps, skip = spec
    kept = max(1, math.ceil(sets * fraction))
    datum = f"{label} ({note[:60]})" if note else label
    return Step(reason=datum, sets=kept - sets, load=load, reps=reps, skip=skip, strong=True)


def conservativeness(step: Step, sets: int) -> float:
    """Share of the planned work a step leaves (lower = more conservative)."""
    if step.skip:
        return 0.0
    if step.recovery:
        return float(rules.RECOVERY_LOAD) * rules.RECOVERY_SETS / max(1, sets)
    return float(step.load) * max(1, sets + step.sets) / max(1, sets) - 0.01 * abs(step.reps)


# -- applying steps ----------------------------------------------------------------------------


def lift_steps(lift: Lift, snap: Snapshot) -> list[Step]:
    steps = [s for s in [rpe_step(snap.rpe_deviation.get(lift.exercise_id))] if s]
    if not snap.deload:
        steps += [s for s in [readiness_step(snap.readiness)] if s]
    sore = None if snap.deload else soreness_step(lift, snap.readiness.soreness)
    names = tuple(other.name.casefold() for other in snap.lifts)
    hurt = disruption_step(lift, snap.readiness, len(lift.sets), names)
    candidates = [s for s in (sore, hurt) if s]
    if candidates:  # disruption and soreness together: the more conservative, not both
        steps.append(min(candidates, key=lambda s: conservativeness(s, len(lift.sets))))
    return steps


def scale(weight: Decimal | None, load: Decimal, increment: Decimal) -> Decimal | None:
    if weight is None or load == ONE:
        return weight
    return round_load(weight * load, increment)


def recovery_sets(lift: Lift, increment: Decimal) -> tuple[SetPlan, ...]:
    weights = [s.weight for s in lift.sets if s.weight is not None]
    weight = round_load(max(weights) * rules.RECOVERY_LOAD, increment) if weights else None
    rep_type = lift.sets[0].rep_type if lift.sets else "reps"
    one = SetPlan(rules.RECOVERY_REPS, weight, rules.RECOVERY_RPE, rep_type)
    return (one,) * rules.RECOVERY_SETS


def resize(sets: tuple[SetPlan, ...], count: int) -> tuple[SetPlan, ...]:
    """The first `count` sets; more than planned repeats the last one."""
    if count <= len(sets):
        return sets[:count]
    return sets + (sets[-1],) * (count - len(sets))


def apply_steps(lift: Lift, steps: Iterable[Step], increment: Decimal) -> AdjustedLift:
    steps = list(steps)
    strong = any(s.strong for s in steps)
    if any(s.skip for s in steps) or not lift.sets:
        return AdjustedLift(lift=lift, sets=(), skipped=bool(steps), strong_signal=strong)
    if any(s.recovery for s in steps):
        return AdjustedLift(lift=lift, sets=recovery_sets(lift, increment), strong_signal=True)
    count = max(1, len(lift.sets) + sum(s.sets for s in steps))
    load = math.prod((s.load for s in steps), start=ONE)
    reps = sum(s.reps for s in steps)
    adjusted = tuple(
        SetPlan(
            reps=None if p.reps is None else max(1, p.reps + reps),
            weight=scale(p.weight, load, increment),
            rpe=p.rpe,
            rep_type=p.rep_type,
        )
        for p in resize(lift.sets, count)
    )
    return AdjustedLift(lift=lift, sets=adjusted, strong_signal=strong)


# -- time available ----------------------------------------------------------------------------


def minutes_of(lifts: Iterable[AdjustedLift]) -> float:
    seconds = sum(
        len(a.sets) * (a.lift.rest_seconds + rules.SET_WORK_SECONDS) for a in lifts if not a.skipped
    )
    return seconds / 60


def fit_time(
    lifts: list[AdjustedLift], minutes: int | None
) -> tuple[list[AdjustedLift], list[str]]:
    """Drop accessory sets last-in-first-out until the session fits the time available."""
    if minutes is None:
        return lifts, []
    lines: list[str] = []
    for index in reversed(range(len(lifts))):
        adjusted = lifts[index]
        if minutes_of(lifts) <= minutes:
            break
        if adjusted.lift.is_main or adjusted.skipped:
            continue
        sets = adjusted.sets
        while sets and minutes_of([*lifts[:index], adjusted.with_sets(sets)]) > minutes:
            sets = sets[:-1]
        dropped = len(adjusted.sets) - len(sets)
        lifts[index] = adjusted.with_sets(sets, skip_if_empty=True)
        what = "skipped" if not sets else rules.sets_word(-dropped)
        lines.append(f"{adjusted.lift.name} {what}: {minutes} min available")
    return lifts, lines


# -- the strategy ------------------------------------------------------------------------------


def formula_session(snap: Snapshot) -> Session:
    lifts: list[AdjustedLift] = []
    rationale: list[str] = []
    for lift in snap.lifts:
        steps = lift_steps(lift, snap)
        lifts.append(apply_steps(lift, steps, snap.increment))
        rationale += [f"{lift.name} {s.effect()}: {s.reason}" for s in steps if _shows(s, lift)]
    lifts, time_lines = fit_time(lifts, snap.readiness.minutes)
    warnings = list(_warnings(snap, lifts))
    rationale += time_lines
    return Session(lifts=tuple(lifts), rationale=tuple(rationale), warnings=tuple(warnings))


def _shows(step: Step, lift: Lift) -> bool:
    """A load-only change to a lift with no weights (a plank, no TM) changes nothing: no line."""
    load_only = not (step.sets or step.reps or step.skip or step.recovery)
    weighed = any(s.weight for s in lift.sets)
    return bool(step.effect()) and (weighed or not load_only)


def _warnings(snap: Snapshot, lifts: list[AdjustedLift]) -> Iterable[str]:
    if snap.deload:
        yield "Deload week: readiness and soreness do not change the session."
    for name in snap.missing_tms:
        yield f"{name} has no training max: sets adjusted, weights left to the coach."
    yield from (f"Health note: {note}" for note in snap.health_notes)
    if snap.readiness.minutes is not None and minutes_of(lifts) > snap.readiness.minutes:
        yield (
            f"The main lifts alone take about {minutes_of(lifts):.0f} min, more than the "
            f"{snap.readiness.minutes} min available."
        )
