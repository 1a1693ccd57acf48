"""How logbook numbers read on a page: reps by type, loads with the unit, RPE, changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import template
from django.utils import timezone

from programs.models import RepType
from settings_app.resolution import get_setting

if TYPE_CHECKING:
    from athletes.stats.adherence import Adherence

register = template.Library()


def _unit() -> str:
    return str(get_setting("defaults.weight_unit"))


def format_number(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = f"{number.normalize():f}"
    return text


def format_reps(reps: int | None, rep_type: str = RepType.REPS) -> str:
    """5 · AMRAP · 10 each side · 30 s · 400 m."""
    if reps is None:
        return "AMRAP"
    if rep_type == RepType.EACH_SIDE:
        return f"{reps} each side"
    if rep_type == RepType.SECONDS:
        return f"{reps} s"
    if rep_type == RepType.DISTANCE:
        return f"{reps} m"
    return str(reps)


def format_weight(value: Decimal | None, *, zero: str = "bodyweight") -> str:
    if value is None:
        return ""
    if value == 0:
        return zero
    return f"{format_number(value)} {_unit()}"


@register.filter
def reps(value: int | None, rep_type: str = RepType.REPS) -> str:
    return format_reps(value, rep_type)


@register.filter
def weight(value: Decimal | None) -> str:
    return format_weight(value)


@register.filter
def num(value: Decimal | int | float | None) -> str:
    return format_number(value)


@register.filter
def signed(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    text = format_number(-value if value < 0 else value)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else "±0"


@register.filter
def ago(day: dt.date | None) -> str:
    """today · yesterday · 3 days ago · 5 weeks ago (calendar days, in the site's time zone)."""
    if day is None:
        return ""
    days = (timezone.localdate() - day).days
    if days < 0:
        return "upcoming"
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 70:
        return f"{days // 7} weeks ago"
    return f"{days // 30} months ago"


def _reps_part(count: int, reps: int | None, rep_type: str, amrap: bool) -> str:
    if amrap or reps is None:
        done = f" {format_reps(reps, rep_type)}" if reps is not None else ""
        text = f"AMRAP{done}"
        return f"{count}×{text}" if count > 1 else text
    text = format_reps(reps, rep_type)
    return f"{count}×{text}" if count > 1 else text


def _rpe_part(values: list[Decimal]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    if low == high:
        return f"RPE {format_number(low)}"
    return f"RPE {format_number(low)}–{format_number(high)}"


@register.simple_tag
def sets_summary(sets: Iterable[Any]) -> str:
    """One exercise's logged sets the way a coach writes them: "3×5 @ 150, 4 @ 160 lbs · RPE
    7–8". Identical consecutive sets are grouped; the unit is written once."""
    groups: list[list[Any]] = []
    for item in sets:
        key = (item.reps, item.rep_type, item.weight or 0, item.is_amrap)
        last = groups[-1][0] if groups else None
        if last is not None and (last.reps, last.rep_type, last.weight or 0, last.is_amrap) == key:
            groups[-1].append(item)
        else:
            groups.append([item])
    parts = []
    loaded = False
    for group in groups:
        first = group[0]
        text = _reps_part(len(group), first.reps, first.rep_type, first.is_amrap)
        if first.weight:
            text += f" @ {format_number(first.weight)}"
            loaded = True
        parts.append(text)
    summary = ", ".join(parts) + (f" {_unit()}" if loaded else "")
    rpe = _rpe_part([s.rpe for g in groups for s in g if s.rpe is not None])
    return f"{summary} · {rpe}" if rpe else summary


@register.filter
def by_exercise(sets: Iterable[Any]) -> list[tuple[Any, list[Any]]]:
    """Sets grouped by exercise, in the order the exercises first appear."""
    groups: dict[int, tuple[Any, list[Any]]] = {}
    for item in sets:
        groups.setdefault(item.exercise_id, (item.exercise, []))[1].append(item)
    return list(groups.values())


@register.filter
def distance(metres: float | None) -> str:
    """5000 → "5.0 km" (or "3.1 mi" with the distance unit set to miles)."""
    from athletes.units import format_distance

    return format_distance(metres)


@register.simple_tag
def pace(metres: float | None, seconds: int | None) -> str:
    """The pace of a run: "5:30 /km"; empty without a time."""
    from athletes.units import format_pace

    return format_pace(metres, seconds)


@register.filter
def duration(seconds: int | None) -> str:
    """2300 → "38:20"; 3900 → "1:05:00"."""
    from athletes.units import format_duration

    return format_duration(seconds)


@register.filter
def adherence_title(figures: Adherence) -> str:
    """The adherence figure's tooltip, the same on the athlete list and the athlete page."""
    return (
        f"{figures.counted} of {figures.prescribed} prescribed sessions logged over the last "
        f"{len(figures.weeks)} complete weeks (extra sessions do not make up for a missed week)"
    )
