"""The packet in words, for the coach ("What data will the generator see?")."""

from __future__ import annotations

from dataclasses import dataclass

from athletes import stats
from athletes.stats import fmt_num
from generation.packet.models import ExerciseSummary, Note, Notes, Packet, Profile


@dataclass(frozen=True)
class Line:
    text: str
    label: str = ""
    flag: bool = False  # worth the coach's attention


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[Line]
    collapsed: bool = False


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe_exercise(e: ExerciseSummary) -> Line:
    """ "Power Clean: RPE rising (+0.13/session over 8 sessions), completion 92 %, TM 135→155"."""
    parts: list[str] = []
    t = e.rpe_trend
    if t.slope is not None:
        parts.append(f"RPE {t.direction} ({t.slope:+.2f}/session over {t.points} sessions)")
    elif e.sessions:
        parts.append(f"RPE trend: insufficient data ({_plural(t.points, 'session')} with RPE)")
    if e.avg_rpe is not None:
        parts.append(f"avg RPE {fmt_num(e.avg_rpe)}")
    c = e.completion
    if c is not None and c.rate_pct is not None:
        text = f"completion {c.rate_pct:.0f} % ({c.logged_sets}/{c.prescribed_sets} sets"
        if c.sessions_skipped:
            text += f", skipped in {c.sessions_skipped} of {_plural(c.sessions, 'session')}"
        parts.append(text + ")")
    if e.tm_history:
        first, last = e.tm_history[0][1], e.tm_history[-1][1]
        parts.append(
            f"TM {fmt_num(first)}→{fmt_num(last)}" if first != last else f"TM {fmt_num(last)}"
        )
    v = e.volume_trend
    if v.slope is not None:
        parts.append(f"volume {v.direction} ({v.slope:+.0f} %/week)")
    if e.best_amrap is not None:
        b = e.best_amrap
        parts.append(f"best AMRAP {fmt_num(b.weight)}×{b.reps} (e1RM {fmt_num(b.e1rm)})")
    if e.last_amrap is not None and e.last_amrap != e.best_amrap:
        a = e.last_amrap
        parts.append(f"last AMRAP {fmt_num(a.weight)}×{a.reps} (e1RM {fmt_num(a.e1rm)})")
    if e.plateau.flagged:
        parts.append(f"plateau: {e.plateau.reason}")
    if e.replaces:
        parts.insert(0, f"in place of {', '.join(e.replaces)}")
    if not e.sessions:
        parts.insert(0, "in the current program, not trained yet")
    else:
        parts.append(f"{_plural(e.sessions, 'session')}, last {e.last_date}")
    return Line(
        label=e.name,
        text=", ".join(parts),
        flag=e.plateau.flagged or t.direction == stats.Direction.RISING,
    )


def _profile_lines(p: Profile) -> list[Line]:
    who = [p.name]
    if p.age is not None:
        who.append(f"{p.age} ({p.audience})")
    if p.sport:
        who.append(p.sport)
    who.append(f"tier {p.tier.replace('_', ' ')}")
    lines = [Line(" · ".join(who))]
    if p.goal:
        lines.append(Line(p.goal, label="Goal"))
    if p.cycle_goal:
        lines.append(Line(p.cycle_goal, label="Cycle goal"))
    if p.total_workouts:
        lines.append(
            Line(
                f"{_plural(p.total_workouts, 'workout')} over {fmt_num(p.training_months or 0)} "
                f"months (first {p.first_workout}, last {p.last_workout})",
                label="Training",
            )
        )
    else:
        lines.append(Line("no workouts logged yet", label="Training"))
    lines.append(Line(p.weight_unit, label="Weight unit"))
    if p.tier_history:
        lines.append(
            Line(
                "; ".join(f"{c.date}: {c.previous or '—'} → {c.tier}" for c in p.tier_history),
                label="Tier history",
            )
        )
    if p.goal_history:
        lines.append(
            Line(
                "; ".join(
                    f"{c.date}: {c.previous or '—'} → {c.goal or 'the current goal'}"
                    for c in p.goal_history
                ),
                label="Goal history",
            )
        )
    if p.notes:
        lines.append(Line(p.notes, label="Profile notes"))
    return lines


def _program_lines(packet: Packet) -> list[Line]:
    c = packet.current_program
    lines = []
    if c is None:
        lines.append(Line("no active program", label="Current"))
    else:
        shape = f"{c.num_weeks} weeks × {c.num_days} days, {'loop' if c.is_loop else 'fixed block'}"
        lines.append(
            Line(
                f"{c.name} — {shape}; started {c.start_date}; now {c.position} "
                f"({_plural(c.sessions_logged, 'session')} logged)",
                label="Current",
                flag=c.block_complete,
            )
        )
        lines += [Line(d.exercises, label=f"Day {d.day}") for d in c.days]
    for o in packet.supplemental_programs:
        lines.append(Line(f"{o.name}, since {o.start_date}", label="Supplemental"))
    for o in packet.prior_programs:
        lines.append(
            Line(
                f"{o.name}: {o.start_date} → {o.end_date or '?'}, {o.ended or 'ended'}, "
                f"{_plural(o.sessions_logged, 'session')}",
                label="Before",
            )
        )
    return lines


def _equipment_lines(packet: Packet) -> list[Line]:
    cat = packet.catalog
    owned = ", ".join(packet.equipment) if packet.equipment else "nothing recorded"
    lines = [
        Line(owned, label="Owns"),
        Line(
            f"{cat.available_count} exercises possible across "
            f"{_plural(len(cat.available), 'movement pattern')}",
            label="Catalog",
        ),
    ]
    if cat.filtered_out_reason:
        lines.append(Line(cat.filtered_out_reason, label="Filtered out"))
    return lines


def _adherence_lines(packet: Packet) -> list[Line]:
    a = packet.adherence
    lines = []
    if a.rate_pct is None:
        lines.append(Line("no program in the last 12 weeks: not measured", label="Adherence"))
    else:
        prescribed = sum(a.prescribed)
        logged = sum(min(done, asked) for done, asked in zip(a.logged, a.prescribed, strict=True))
        lines.append(
            Line(
                f"{a.rate_pct:.0f} % over the last {len(a.prescribed)} weeks ({logged} of "
                f"{prescribed} sessions); current streak {_plural(a.current_streak_weeks, 'week')}",
                label="Adherence",
                flag=a.rate_pct < 80,
            )
        )
    if a.completion_pct is not None:
        extra = f"; {_plural(a.sessions_skipped, 'exercise')} skipped within sessions"
        lines.append(
            Line(
                f"{a.completion_pct:.0f} % of prescribed sets logged{extra}",
                label="Completion",
                flag=a.completion_pct < 70,
            )
        )
    if a.extra_sessions:
        lines.append(
            Line(f"{_plural(a.extra_sessions, 'workout')} not logged against a program session",
                 label="Extra")
        )  # fmt: skip
    if a.this_week_prescribed:
        lines.append(
            Line(f"{a.this_week_logged} of {a.this_week_prescribed} so far", label="This week")
        )
    for w in a.missed_weeks:
        why = " — " + " / ".join(f"“{r}”" for r in w.reasons) if w.reasons else ""
        lines.append(
            Line(f"{w.logged} of {w.prescribed}{why}", label=f"Missed: week of {w.week}", flag=True)
        )
    return lines


def _runs_lines(packet: Packet) -> list[Line]:
    runs = packet.runs
    if runs is None:
        return [Line("no runs logged")]
    return [
        Line(
            f"{fmt_num(runs.avg_weekly_km)} km a week, {fmt_num(runs.runs_per_week)} runs",
            "Average",
        ),
        Line(
            ", ".join(fmt_num(km) for km in runs.weekly_km) + f" (from {runs.weeks_from})",
            "Weekly km",
        ),
        Line(f"{fmt_num(runs.longest_km)} km", "Longest"),
        Line(f"{fmt_num(runs.consistency_pct)} % of weeks with a run", "Consistency"),
    ]


def _body_weight_lines(packet: Packet) -> list[Line]:
    bw = packet.body_weight
    if bw is None:
        return [Line("not tracked, or no measurements in the window")]
    lines = []
    if bw.latest is not None:
        day, value = bw.latest
        lines.append(Line(f"{fmt_num(value)} {bw.unit} on {day}", "Latest"))
    if bw.trend_per_month is not None and bw.pct_per_month is not None:
        lines.append(
            Line(
                f"{bw.direction}: {bw.trend_per_month:+.1f} {bw.unit}/month "
                f"({bw.pct_per_month:+.1f} %/month)",
                label="Trend",
            )
        )
    else:
        lines.append(Line(bw.direction, label="Trend"))
    if bw.flag:
        lines.append(Line(bw.flag, label="Flag", flag=True))
    if len(bw.series) > 1:
        lines.append(
            Line(
                f"{len(bw.series)} {bw.series_step}ly points from "
                f"{fmt_num(bw.series[0][1])} to {fmt_num(bw.series[-1][1])}",
                label="Series",
            )
        )
    return lines


def _notes_lines(n: Notes) -> list[Line]:
    def who(note: Note) -> str:
        return f"{note.date}{' · private' if note.private else ''}"

    lines = [Line(x.text, label=f"Pinned · {who(x)}") for x in n.pinned]
    lines += [Line(x.text, label=who(x)) for x in n.recent]
    if n.older_notes_count:
        lines.append(Line(f"{_plural(n.older_notes_count, 'older note')} counted, not shown"))
    lines += [
        Line(r.text, label=f"Review {r.date} ({r.status.replace('_', ' ')})") for r in n.reviews
    ]
    lines += [Line(w.text, label=f"Workout {w.date}") for w in n.workout_notes]
    return lines or [Line("no notes")]


def describe_packet(packet: Packet) -> list[Section]:
    m = packet.meta
    flags = [
        Line(
            f.text,
            label=f"{', '.join(f.body_parts) or ', '.join(f.terms)} · {f.date} · {f.source}",
            flag=True,
        )
        for f in packet.notes.health_flags
    ]
    about = [
        Line(
            f"≈{m.token_estimate:,} tokens as sent, budget {m.token_budget:,}, of which "
            f"≈{m.catalog_tokens:,} the exercise list ({m.token_counter}); data since "
            f"{m.data_since}",
            label="Size",
            flag=m.over_budget,
        )
    ]
    if m.trimmed:
        about.append(Line("; ".join(m.trimmed), label="Summarised to fit"))
    exercises = [describe_exercise(e) for e in packet.exercises]
    if packet.other_exercises_count:
        names = ", ".join(
            o.name if o.sessions else f"{o.name} (in the program, not trained)"
            for o in packet.other_exercises
        )
        more = packet.other_exercises_count - len(packet.other_exercises)
        exercises.append(
            Line(names + (f" and {more} more" if more > 0 else ""), label="Also in the log")
        )
    definitions = [
        Line(text, label=name.replace("_", " "))
        for name, text in m.definitions.model_dump().items()
    ]
    return [
        Section("Athlete", _profile_lines(packet.profile)),
        Section("Program", _program_lines(packet)),
        Section("Equipment and exercises", _equipment_lines(packet)),
        Section("Lifts", exercises or [Line("no exercises logged yet")]),
        Section("Adherence", _adherence_lines(packet)),
        Section("Body weight", _body_weight_lines(packet)),
        Section("Runs", _runs_lines(packet)),
        Section("Health and injury mentions", flags or [Line("none found in the notes")]),
        Section("Notes", _notes_lines(packet.notes)),
        Section("About this packet", about),
        Section("How the numbers are computed", definitions, collapsed=True),
    ]
