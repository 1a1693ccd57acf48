"""The formula strategy, rule by rule, on plain snapshots (no database, no LLM)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generation.session.formula import formula_session
from generation.session.plan import Readiness
from tests.generation.session.helpers import PLANK, ROW, SQUAT, lift, snap, weights


def test_a_neutral_day_changes_nothing() -> None:
    session = formula_session(snap())
    assert [len(a.sets) for a in session.lifts] == [3, 3, 3]
    assert weights(session.lifts[0]) == [Decimal("200")] * 3
    assert session.rationale == ()


def test_poor_sleep_and_energy_cost_a_set_and_five_percent() -> None:
    session = formula_session(snap(readiness=Readiness(sleep=2, energy=1)))
    squat = session.lifts[0]
    assert len(squat.sets) == 2
    assert weights(squat) == [Decimal("190")] * 2
    assert "Back Squat −1 set, ×0.95: sleep 2/5, energy 1/5" in session.rationale


def test_one_poor_answer_trims_load_only() -> None:
    squat = formula_session(snap(readiness=Readiness(sleep=2, energy=3))).lifts[0]
    assert len(squat.sets) == 3
    assert weights(squat) == [Decimal("195")] * 3  # 200 × 0.975 = 195


def test_a_good_day_adds_two_and_a_half_percent_rounded_half_up() -> None:
    squat = formula_session(snap(readiness=Readiness(sleep=5, energy=4))).lifts[0]
    assert weights(squat) == [Decimal("205")] * 3  # 205 exactly


def test_unknown_readiness_counts_as_three() -> None:
    assert formula_session(snap(readiness=Readiness(sleep=5))).rationale == ()


@pytest.mark.parametrize(
    ("deviation", "expected"),
    [(1.3, "190"), (0.8, "195"), (0.5, "200"), (-0.8, "205"), (-1.3, "210")],
)
def test_rpe_deviation_scales_the_load(deviation: float, expected: str) -> None:
    squat = formula_session(snap(rpe_deviation={1: deviation})).lifts[0]
    assert weights(squat)[0] == Decimal(expected)


@pytest.mark.parametrize(
    ("level", "sets", "weight"), [(4, 3, "200"), (5, 2, "200"), (7, 1, "190"), (8, 1, "190")]
)
def test_soreness_tiers(level: int, sets: int, weight: str) -> None:
    session = formula_session(snap(readiness=Readiness(soreness={"quads": level})))
    squat = session.lifts[0]
    assert (len(squat.sets), squat.sets[0].weight) == (sets, Decimal(weight))
    if level >= 5:
        assert any(f"quads soreness {level}/10" in line for line in session.rationale)


def test_soreness_nine_is_recovery_mode_and_skips_accessories_of_that_group() -> None:
    leg_ext = lift("Leg Extension", ex_id=4, main=False, weight="80")
    session = formula_session(snap(SQUAT, leg_ext, ROW, readiness=Readiness(soreness={"quads": 9})))
    squat, ext, row = session.lifts
    assert [(s.reps, s.weight, s.rpe) for s in squat.sets] == [(5, Decimal("80"), Decimal("5"))] * 3
    assert ext.skipped
    assert not row.skipped


def test_deload_week_ignores_readiness_and_soreness_but_says_so() -> None:
    session = formula_session(
        snap(deload=True, readiness=Readiness(sleep=1, energy=1, soreness={"quads": 8}))
    )
    assert [len(a.sets) for a in session.lifts] == [3, 3, 3]
    assert session.rationale == ()
    assert any("Deload week" in w for w in session.warnings)


@pytest.mark.parametrize(
    ("severity", "sets", "weight", "skipped"),
    [("minor", 3, "160", False), ("moderate", 2, "120", False), ("major", 0, None, True)],
)
def test_injury_severity(severity: str, sets: int, weight: str | None, skipped: bool) -> None:
    readiness = Readiness(pain=severity, pain_note="left knee (quads) hurts")
    session = formula_session(snap(readiness=readiness))
    squat, row, _ = session.lifts
    assert squat.skipped is skipped
    assert len(squat.sets) == sets
    if weight:
        assert squat.sets[0].weight == Decimal(weight)
    assert not row.skipped
    assert len(row.sets) == 3


def test_a_vague_pain_note_affects_every_lift() -> None:
    session = formula_session(snap(readiness=Readiness(pain="minor", pain_note="feel beaten up")))
    assert [a.sets[0].weight for a in session.lifts[:2]] == [Decimal("160"), Decimal("40")]


def test_illness_moderate_cuts_load_and_reps_everywhere() -> None:
    session = formula_session(snap(readiness=Readiness(illness="moderate", illness_note="cold")))
    squat = session.lifts[0]
    assert (squat.sets[0].reps, squat.sets[0].weight) == (3, Decimal("150"))
    assert "Back Squat −2 reps, ×0.75: moderate illness (cold)" in session.rationale


def test_disruption_and_soreness_take_the_more_conservative_not_both() -> None:
    readiness = Readiness(soreness={"quads": 5}, pain="moderate", pain_note="quads strain")
    squat = formula_session(snap(readiness=readiness)).lifts[0]
    # soreness 5 → 2 sets at 200; moderate injury → 2 sets at 120: the injury wins alone.
    assert [s.weight for s in squat.sets] == [Decimal("120")] * 2


def test_time_available_drops_accessory_sets_last_in_first_out() -> None:
    # squat 3×(120+40) s = 8 min; row 3×130 s = 6.5 min; plank 3×100 s = 5 min.
    session = formula_session(snap(readiness=Readiness(minutes=15)))
    squat, row, plank = session.lifts
    assert len(squat.sets) == 3
    assert plank.skipped
    assert len(row.sets) == 2
    assert "Plank skipped: 15 min available" in session.rationale
    assert "Dumbbell Row −1 set: 15 min available" in session.rationale


def test_no_training_max_adjusts_sets_and_leaves_weights_alone() -> None:
    no_tm = lift(weight=None)
    session = formula_session(
        snap(no_tm, missing_tms=("Back Squat",), readiness=Readiness(soreness={"quads": 7}))
    )
    assert [s.weight for s in session.lifts[0].sets] == [None]
    assert any("no training max" in w for w in session.warnings)


def test_rationale_names_lift_effect_and_datum() -> None:
    session = formula_session(snap(readiness=Readiness(soreness={"quads": 7})))
    assert "Back Squat −2 sets, ×0.95: quads soreness 7/10" in session.rationale


def test_plank_without_weight_keeps_none_weights() -> None:
    assert weights(formula_session(snap(PLANK)).lifts[0]) == [None] * 3


def test_a_load_change_on_an_unweighted_lift_writes_no_rationale_line() -> None:
    session = formula_session(snap(SQUAT, PLANK, readiness=Readiness(sleep=2, energy=3)))
    assert session.rationale == ("Back Squat ×0.975: sleep 2/5, energy 3/5",)
