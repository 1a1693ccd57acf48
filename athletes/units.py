"""Distances and paces in the installation's distance unit (km or miles); stored in metres
and seconds whatever the unit, so changing the setting changes only how they read."""

from __future__ import annotations

from settings_app.resolution import setting_str

METRES_PER_UNIT = {"km": 1000.0, "mi": 1609.344}


def distance_unit() -> str:
    unit = setting_str("defaults.distance_unit")
    return unit if unit in METRES_PER_UNIT else "km"


def to_unit(metres: float, unit: str | None = None) -> float:
    return metres / METRES_PER_UNIT[unit or distance_unit()]


def to_metres(distance: float, unit: str | None = None) -> int:
    return round(distance * METRES_PER_UNIT[unit or distance_unit()])


def format_distance(metres: float | None, unit: str | None = None) -> str:
    """5,000 m → "5.0 km" ("3.1 mi"); under a kilometre in metres, as a track distance is said:
    a 20 m sprint read "0.0 km"."""
    if metres is None:
        return ""
    if round(metres) < 1000:
        return f"{round(metres)} m"
    unit = unit or distance_unit()
    return f"{to_unit(metres, unit):.1f} {unit}"


def format_duration(seconds: int | None) -> str:
    if not seconds:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def pace_seconds(
    metres: float | None, seconds: int | None, unit: str | None = None
) -> float | None:
    """Seconds per km (or mile); None without both a distance and a time."""
    if not metres or not seconds:
        return None
    return seconds / to_unit(metres, unit)


def format_pace(metres: float | None, seconds: int | None, unit: str | None = None) -> str:
    if not metres or not seconds:
        return ""
    return format_pace_per_km(seconds / (metres / 1000), unit)


def format_pace_per_km(seconds_per_km: float | None, unit: str | None = None) -> str:
    """360 s/km → "6:00 /km" ("9:39 /mi" in miles); "—" when unknown."""
    if not seconds_per_km:
        return "—"
    unit = unit or distance_unit()
    return f"{format_duration(round(seconds_per_km * METRES_PER_UNIT[unit] / 1000))} /{unit}"
