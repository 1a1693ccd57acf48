"""Where an athlete is in a program, derived from the workouts logged against the assignment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from athletes.models import AthleteProgram


@dataclass(frozen=True)
class Position:
    session_index: int  # 0-based count of sessions already logged
    cycle: int  # 1-based
    week: int
    day: int
    sessions_per_cycle: int
    block_complete: bool  # a fixed block whose sessions are all logged

    @property
    def label(self) -> str:
        if self.block_complete:
            return "Block complete"
        prefix = f"Cycle {self.cycle} · " if self.cycle > 1 else ""
        return f"{prefix}Week {self.week}, Day {self.day}"


def position_after(
    *, logged_sessions: int, num_weeks: int, num_days: int, is_loop: bool
) -> Position:
    """The next session to train after `logged_sessions` sessions (sessions in order)."""
    per_cycle = max(1, num_weeks * num_days)
    complete = not is_loop and logged_sessions >= per_cycle
    index = min(logged_sessions, per_cycle - 1) if complete else logged_sessions
    within = index % per_cycle
    return Position(
        session_index=logged_sessions,
        cycle=index // per_cycle + 1,
        week=within // num_days + 1,
        day=within % num_days + 1,
        sessions_per_cycle=per_cycle,
        block_complete=complete,
    )


def assignment_position(assignment: AthleteProgram) -> Position:
    """Where the athlete is in this assignment: the sessions logged against it, in order. Lists
    annotate `logged_total` (one query for them all); otherwise they are counted here."""
    template = assignment.template
    logged = getattr(assignment, "logged_total", None)
    return position_after(
        logged_sessions=assignment.workouts.count() if logged is None else logged,
        num_weeks=template.num_weeks,
        num_days=template.num_days,
        is_loop=template.is_loop,
    )
