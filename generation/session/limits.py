"""Hard constraints, applied after every strategy in this order (each one tested):

1. MRV cap — wins over everything, the LLM included.   2. Weight floor (40 % of prescribed).
3. At least one working set unless skipped.            4. Over-reaction guard.
5. Rounding half-up to the plate increment.            6. Rehab cap set by the coach.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import ROUND_CEILING, Decimal

from generation.session import rules
from generation.session.plan import AdjustedLift, Session, SetPlan, Snapshot
from programs.loads import round_load

Lines = list[str]
Rule = Callable[[list[AdjustedLift], Snapshot], tuple[list[AdjustedLift], Lines]]


def _prescribed(adjusted: AdjustedLift, index: int) -> SetPlan | None:
    planned = adjusted.lift.sets
    return planned[min(index, len(planned) - 1)] if planned else None


def _contribution(s: SetPlan) -> float:
    return rules.effort_factor(None if s.rpe is None else float(s.rpe))


def mrv_cap(lifts: list[AdjustedLift], snap: Snapshot) -> tuple[list[AdjustedLift], Lines]:
    left = {g: mrv - snap.weekly_sets.get(g, 0.0) for g, (_, mrv) in snap.landmarks.items()}
    out, lines = [], []
    for adjusted in lifts:
        groups = [g for g in adjusted.lift.primary if g in left]
        if adjusted.skipped or not groups:
            out.append(adjusted)
            continue
        room = min(left[g] for g in groups)
        kept: list[SetPlan] = []
        for s in adjusted.sets:
            if sum(map(_contribution, [*kept, s])) > room + 1e-9:
                break
            kept.append(s)
        if len(kept) < len(adjusted.sets):
            group = min(groups, key=lambda g: left[g])
            _, mrv = snap.landmarks[group]
            done = snap.weekly_sets.get(group, 0.0)
            what = "skipped" if not kept else rules.sets_word(len(kept) - len(adjusted.sets))
            lines.append(
                f"{adjusted.lift.name} {what}: {group.replace('_', ' ')} at {done:g} of "
                f"{mrv} weekly sets (MRV)"
            )
            adjusted = replace(adjusted, sets=tuple(kept), skipped=not kept)
        out.append(adjusted)
        _spend(left, adjusted)
    return out, lines


def _spend(left: dict[str, float], adjusted: AdjustedLift) -> None:
    volume = sum(map(_contribution, adjusted.sets))
    for g in adjusted.lift.primary:
        if g in left:
            left[g] -= volume
    for g in adjusted.lift.secondary:
        if g in left:
            left[g] -= volume * rules.SECONDARY_SHARE


def _ceil_to(value: Decimal, increment: Decimal) -> Decimal:
    if increment <= 0:
        return value
    return (value / increment).to_integral_value(rounding=ROUND_CEILING) * increment


def weight_floor(lifts: list[AdjustedLift], snap: Snapshot) -> tuple[list[AdjustedLift], Lines]:
    out, lines = [], []
    for adjusted in lifts:
        sets = list(adjusted.sets)
        for i, s in enumerate(sets):
            planned = _prescribed(adjusted, i)
            if s.weight is None or planned is None or planned.weight is None:
                continue
            floor = _ceil_to(planned.weight * rules.WEIGHT_FLOOR, snap.increment)
            if s.weight < floor:
                sets[i] = replace(s, weight=floor)
        if sets != list(adjusted.sets):
            lines.append(
                f"{adjusted.lift.name}: raised to the floor of "
                f"{rules.WEIGHT_FLOOR * 100:.0f} % of the prescribed weight."
            )
        out.append(adjusted.with_sets(tuple(sets)))
    return out, lines


def one_working_set(lifts: list[AdjustedLift], snap: Snapshot) -> tuple[list[AdjustedLift], Lines]:
    out, lines = [], []
    for adjusted in lifts:
        if not adjusted.skipped and not adjusted.sets and adjusted.lift.sets:
            adjusted = adjusted.with_sets(adjusted.lift.sets[:1])
            lines.append(f"{adjusted.lift.name}: kept one working set (it was not skipped).")
        out.append(adjusted)
    return out, lines


def over_reaction_guard(
    lifts: list[AdjustedLift], snap: Snapshot
) -> tuple[list[AdjustedLift], Lines]:
    """Without a strong signal, ≥ 2 sets fewer and < 90 % of the weight is lifted back to one
    set fewer at 95 %: one bad check-in cannot gut the session."""
    out, lines = [], []
    for adjusted in lifts:
        planned = adjusted.lift.sets
        first = adjusted.sets[0].weight if adjusted.sets else None
        base = planned[0].weight if planned else None
        deep = (
            not adjusted.skipped
            and not adjusted.strong_signal
            and len(adjusted.sets) <= len(planned) - rules.GUARD_SETS_CUT
            and first is not None
            and base
            and first < base * rules.GUARD_LOAD_BELOW
        )
        if deep:
            count = max(1, len(planned) - 1)
            sets = tuple(_scaled(p, rules.GUARD_LOAD_RESTORED) for p in planned[:count])
            adjusted = adjusted.with_sets(sets)
            lines.append(
                f"{adjusted.lift.name}: the cut was deeper than the check-in justifies; "
                f"limited to one set fewer at {rules.GUARD_LOAD_RESTORED * 100:.0f} %."
            )
        out.append(adjusted)
    return out, lines


def _scaled(s: SetPlan, load: Decimal) -> SetPlan:
    return s if s.weight is None else replace(s, weight=s.weight * load)


def round_loads(lifts: list[AdjustedLift], snap: Snapshot) -> tuple[list[AdjustedLift], Lines]:
    def rounded(s: SetPlan) -> SetPlan:
        if s.weight is None:
            return s
        return replace(s, weight=round_load(s.weight, snap.increment))

    return [a.with_sets(tuple(map(rounded, a.sets))) for a in lifts], []


def rehab_cap(lifts: list[AdjustedLift], snap: Snapshot) -> tuple[list[AdjustedLift], Lines]:
    out, lines = [], []
    for adjusted in lifts:
        cap = snap.rehab_caps.get(adjusted.lift.exercise_id)
        weights = [s.weight for s in adjusted.sets if s.weight is not None]
        if cap is not None and any(w > cap for w in weights):
            sets = tuple(
                replace(s, weight=min(s.weight, cap)) if s.weight is not None else s
                for s in adjusted.sets
            )
            adjusted = adjusted.with_sets(sets)
            lines.append(f"{adjusted.lift.name}: held at the rehab cap of {cap.normalize():f}.")
        out.append(adjusted)
    return out, lines


ORDER: tuple[Rule, ...] = (
    mrv_cap,
    weight_floor,
    one_working_set,
    over_reaction_guard,
    round_loads,
    rehab_cap,
)


def enforce(session: Session, snap: Snapshot) -> Session:
    lifts = list(session.lifts)
    rationale, warnings = list(session.rationale), list(session.warnings)
    for rule in ORDER:
        lifts, lines = rule(lifts, snap)
        (rationale if rule is mrv_cap else warnings).extend(lines)
    return Session(lifts=tuple(lifts), rationale=tuple(rationale), warnings=tuple(warnings))


def sets_cut_share(session: Session) -> float:
    planned = sum(len(a.lift.sets) for a in session.lifts)
    kept = sum(0 if a.skipped else len(a.sets) for a in session.lifts)
    return 0.0 if not planned else max(0.0, 1 - kept / planned)
