from __future__ import annotations

import pytest

from athletes.position import position_after


@pytest.mark.parametrize(
    ("logged", "expected"),
    [(0, (1, 1, 1)), (1, (1, 1, 2)), (3, (1, 2, 1)), (11, (1, 4, 3)), (12, (2, 1, 1))],
)
def test_loop_program_position_wraps_into_next_cycle(
    logged: int, expected: tuple[int, int, int]
) -> None:
    pos = position_after(logged_sessions=logged, num_weeks=4, num_days=3, is_loop=True)
    assert (pos.cycle, pos.week, pos.day) == expected
    assert not pos.block_complete


def test_fixed_block_is_complete_after_last_session() -> None:
    pos = position_after(logged_sessions=12, num_weeks=4, num_days=3, is_loop=False)
    assert pos.block_complete
    assert pos.label == "Block complete"
