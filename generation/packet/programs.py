"""The athlete's programs in the packet: the current one day by day, supplemental and prior ones."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from athletes import stats
from athletes.position import position_after
from athletes.stats import AthleteStats, PrescriptionRow, fmt_num
from generation.packet.models import CurrentProgram, OtherProgram, ProgramDay


def _same_scheme(a: PrescriptionRow, b: PrescriptionRow) -> bool:
    if (a.reps, a.rep_type) != (b.reps, b.rep_type):
        return False
    if a.percentage is not None and b.percentage is not None:
        return True  # a ramp: 70/75/80 %
    return a.percentage is None and b.percentage is None and a.absolute_weight == b.absolute_weight


def format_prescription(rows: Sequence[PrescriptionRow]) -> str:
    """One exercise's sets in a session, compact: "3×5@75%, 1×AMRAP@85%", a ramp as
    "3×2@70/75/80% RPE7", "3×30s@BW", "2×10/side@25"."""
    runs: list[list[PrescriptionRow]] = []
    for p in rows:
        if runs and _same_scheme(runs[-1][-1], p):
            runs[-1].append(p)
        else:
            runs.append([p])
    parts = []
    for run in runs:
        first = run[0]
        suffix = {"seconds": "s", "distance": "m", "each_side": "/side"}.get(first.rep_type, "")
        text = f"{len(run)}×{first.reps}{suffix}" if first.reps is not None else f"{len(run)}×AMRAP"
        if first.percentage is not None:
            pcts = [fmt_num(p.percentage) for p in run if p.percentage is not None]
            text += "@" + (pcts[0] if len(set(pcts)) == 1 else "/".join(pcts)) + "%"
        elif first.absolute_weight:
            text += f"@{fmt_num(first.absolute_weight)}"
        elif first.absolute_weight == 0:
            text += "@BW"
        rpes = sorted({p.target_rpe for p in run if p.target_rpe is not None})
        if rpes:
            low, high = fmt_num(rpes[0]), fmt_num(rpes[-1])
            text += f" RPE{low}" if low == high else f" RPE{low}-{high}"
        parts.append(text)
    return ", ".join(parts)


def _week_label(weeks: Sequence[int]) -> str:
    return str(weeks[0]) if len(weeks) == 1 else f"{weeks[0]}-{weeks[-1]}"


def program_days(
    rows: Sequence[PrescriptionRow], names: dict[int, str], num_weeks: int
) -> list[ProgramDay]:
    """Each training day with each exercise's scheme, week by week only where weeks differ:
    "Power Clean W1 3×2@70/75/80% RPE7, W2 …; Romanian Deadlift 3×5"."""
    by_day: dict[int, dict[int, dict[int, list[PrescriptionRow]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for p in sorted(rows, key=lambda r: (r.day, r.sort_order, r.week, r.exercise_id, r.set_number)):
        by_day[p.day][p.exercise_id][p.week].append(p)
    days = []
    for day in sorted(by_day):
        parts = []
        for ex_id, weeks in by_day[day].items():
            runs: list[tuple[list[int], str]] = []
            for week in sorted(weeks):
                scheme = format_prescription(weeks[week])
                if runs and runs[-1][1] == scheme and runs[-1][0][-1] == week - 1:
                    runs[-1][0].append(week)
                else:
                    runs.append(([week], scheme))
            if len(runs) == 1 and runs[0][0] == list(range(1, num_weeks + 1)):
                parts.append(f"{names[ex_id]} {runs[0][1]}")
            else:
                parts.append(
                    f"{names[ex_id]} "
                    + ", ".join(f"W{_week_label(wks)} {scheme}" for wks, scheme in runs)
                )
        days.append(ProgramDay(day=day, exercises="; ".join(parts)))
    return days


def program_sections(
    s: AthleteStats,
) -> tuple[CurrentProgram | None, list[OtherProgram], list[OtherProgram]]:
    h = s.history
    current = h.current_assignment
    names = {ex_id: ref.name for ex_id, ref in h.exercises.items()}
    current_out = None
    if current is not None:
        pos = position_after(
            logged_sessions=current.sessions_logged,
            num_weeks=current.num_weeks,
            num_days=current.num_days,
            is_loop=current.is_loop,
        )
        current_out = CurrentProgram(
            name=current.name,
            template_id=current.template_id,
            assignment_id=current.id,
            num_weeks=current.num_weeks,
            num_days=current.num_days,
            is_loop=current.is_loop,
            audience=current.audience,
            start_date=current.start_date,
            cycle_goal=current.cycle_goal,
            position=pos.label,
            cycle=pos.cycle,
            week=pos.week,
            day=pos.day,
            sessions_logged=current.sessions_logged,
            block_complete=pos.block_complete,
            days=program_days(
                [p for p in h.prescriptions if p.template_id == current.template_id],
                names,
                current.num_weeks,
            ),
        )

    def other(a: stats.AssignmentRow) -> OtherProgram:
        return OtherProgram(
            name=a.name,
            role=a.role,
            start_date=a.start_date,
            end_date=None if a.is_active else stats.assignment_end(a, h.assignments, h.today),
            ended=a.end_reason or ("" if a.is_active else "ended (reason not recorded)"),
            sessions_logged=a.sessions_logged,
        )

    supplemental = [other(a) for a in h.assignments if a.is_active and a is not current]
    prior = [other(a) for a in reversed(h.assignments) if not a.is_active]
    return current_out, supplemental, prior
