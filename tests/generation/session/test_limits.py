"""The hard constraints, each on its own and in their order (no database, no LLM)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from generation.session import limits
from generation.session.plan import AdjustedLift, Session, SetPlan
from tests.generation.session.helpers import ROW, SQUAT, lift, snap


def session_of(*lifts: AdjustedLift) -> Session:
    return Session(lifts=lifts)


def at(weight: str, count: int = 3, reps: int = 5) -> tuple[SetPlan, ...]:
    return (SetPlan(reps, Decimal(weight)),) * count


def test_the_order_is_the_documented_one() -> None:
    assert [r.__name__ for r in limits.ORDER] == [
        "mrv_cap",
        "weight_floor",
        "one_working_set",
        "over_reaction_guard",
        "round_loads",
        "rehab_cap",
    ]


def test_mrv_cap_skips_a_lift_whose_group_is_at_its_mrv() -> None:
    s = snap(SQUAT, weekly_sets={"quads": 20.0})
    out = limits.enforce(session_of(AdjustedLift(SQUAT, SQUAT.sets)), s)
    assert out.lifts[0].skipped
    assert out.rationale == ("Back Squat skipped: quads at 20 of 20 weekly sets (MRV)",)


def test_mrv_cap_trims_a_lift_that_would_pass_it() -> None:
    s = snap(SQUAT, weekly_sets={"quads": 18.5})
    out = limits.enforce(session_of(AdjustedLift(SQUAT, SQUAT.sets)), s)
    assert len(out.lifts[0].sets) == 1
    assert "Back Squat −2 sets" in out.rationale[0]


def test_mrv_cap_counts_earlier_lifts_of_the_same_session() -> None:
    front = lift("Front Squat", ex_id=9)
    s = snap(SQUAT, front, weekly_sets={"quads": 16.0})
    out = limits.enforce(
        session_of(AdjustedLift(SQUAT, SQUAT.sets), AdjustedLift(front, front.sets)), s
    )
    assert [len(a.sets) for a in out.lifts] == [3, 1]


def test_mrv_cap_counts_sets_by_their_rpe_effort() -> None:
    easy = lift(rpe="6")  # a set at RPE 6 counts 0.15
    s = snap(easy, weekly_sets={"quads": 19.5})
    out = limits.enforce(session_of(AdjustedLift(easy, easy.sets)), s)
    assert len(out.lifts[0].sets) == 3  # 0.45 effective sets fit in the 0.5 left


def test_weight_floor_is_forty_percent_of_the_prescribed_weight() -> None:
    out = limits.enforce(session_of(AdjustedLift(SQUAT, at("40"))), snap(SQUAT))
    assert out.lifts[0].sets[0].weight == Decimal("80")
    assert any("floor of 40 %" in w for w in out.warnings)


def test_the_floor_stays_above_forty_percent_after_rounding() -> None:
    odd = lift(weight="102.5")  # 41 → rounded half-up to 5 would be 40; the floor is 45
    out = limits.enforce(session_of(AdjustedLift(odd, at("10"))), snap(odd))
    assert out.lifts[0].sets[0].weight == Decimal("45")


def test_a_lift_not_skipped_keeps_one_working_set() -> None:
    out = limits.enforce(session_of(AdjustedLift(SQUAT, ())), snap(SQUAT))
    assert len(out.lifts[0].sets) == 1
    assert not out.lifts[0].skipped


def test_a_skipped_lift_stays_skipped() -> None:
    out = limits.enforce(session_of(AdjustedLift(SQUAT, (), skipped=True)), snap(SQUAT))
    assert out.lifts[0].skipped
    assert out.lifts[0].sets == ()


def test_over_reaction_guard_lifts_a_deep_cut_without_a_strong_signal() -> None:
    out = limits.enforce(session_of(AdjustedLift(SQUAT, at("150", 1))), snap(SQUAT))
    squat = out.lifts[0]
    assert [s.weight for s in squat.sets] == [Decimal("190")] * 2
    assert any("deeper than the check-in justifies" in w for w in out.warnings)


def test_over_reaction_guard_lets_a_strong_signal_cut_deep() -> None:
    cut = AdjustedLift(SQUAT, at("150", 1), strong_signal=True)
    out = limits.enforce(session_of(cut), snap(SQUAT))
    assert [s.weight for s in out.lifts[0].sets] == [Decimal("150")]


def test_over_reaction_guard_leaves_a_moderate_cut_alone() -> None:
    out = limits.enforce(session_of(AdjustedLift(SQUAT, at("190", 1))), snap(SQUAT))
    assert [s.weight for s in out.lifts[0].sets] == [Decimal("190")]


def test_rounding_is_half_up_to_the_plate_increment() -> None:
    kg = lift(weight="56.25")
    out = limits.enforce(
        session_of(AdjustedLift(kg, at("56.25"))), snap(kg, increment=Decimal("2.5"))
    )
    assert out.lifts[0].sets[0].weight == Decimal("57.5")


def test_rehab_cap_comes_last_and_is_not_rounded_above() -> None:
    s = snap(SQUAT, rehab_caps={1: Decimal("152")})
    out = limits.enforce(session_of(AdjustedLift(SQUAT, SQUAT.sets)), s)
    assert [s.weight for s in out.lifts[0].sets] == [Decimal("152")] * 3
    assert "Back Squat: held at the rehab cap of 152." in out.warnings


def test_rehab_cap_wins_over_the_guard_and_the_floor() -> None:
    # The guard would restore 95 % (190) and the floor 40 % (80): the coach's 60 cap wins.
    s = snap(SQUAT, rehab_caps={1: Decimal("60")})
    out = limits.enforce(session_of(AdjustedLift(SQUAT, at("20", 1))), s)
    assert {s.weight for s in out.lifts[0].sets} == {Decimal("60")}


def test_mrv_cap_wins_over_the_one_set_minimum() -> None:
    s = snap(SQUAT, ROW, weekly_sets={"quads": 25.0})
    out = limits.enforce(
        session_of(AdjustedLift(SQUAT, at("200", 5)), AdjustedLift(ROW, ROW.sets)), s
    )
    assert out.lifts[0].skipped
    assert not out.lifts[1].skipped


def test_sets_cut_share() -> None:
    half = replace(AdjustedLift(SQUAT, SQUAT.sets[:1]))
    assert round(limits.sets_cut_share(session_of(half)), 2) == 0.67
