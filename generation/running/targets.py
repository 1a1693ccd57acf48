"""Weekly distance targets and week types: start at the current weekly distance, build by
5–10 % (never past +15 %), cut back every 3rd or 4th week, taper by race distance."""

from __future__ import annotations

from dataclasses import dataclass

from generation.running.plan import RACE_LABELS, PlanSettings
from generation.running.profile import RunProfile

BUILD_RATE = 0.08
BASE_RATE = 0.05
MAX_RATE = 0.15
CUTBACK = 0.78  # −22 %
INCONSISTENT_START = 0.9
# Below this a plan starts from a floor: a few short runs a week.
FLOOR_KM_PER_DAY = 3.0
TAPER_WEEKS = {"marathon": (2, 3), "half": (1, 2), "10k": (1, 1), "5k": (1, 1), "none": (0, 0)}
TAPER_SHARES = (0.75, 0.6, 0.5)  # of the peak, the first taper week first
# What a race asks of a plan's peak: weekly km and long run km, for the realism warnings.
RACE_NEEDS = {"5k": (15, 6), "10k": (25, 10), "half": (35, 16), "marathon": (50, 28)}
MIN_RACE_WEEKS = {"5k": 4, "10k": 6, "half": 8, "marathon": 12}


@dataclass(frozen=True)
class WeekTarget:
    number: int
    week_type: str
    km: float


def baseline_km(profile: RunProfile, settings: PlanSettings) -> tuple[float, list[str]]:
    floor = FLOOR_KM_PER_DAY * settings.days_per_week
    start = profile.weekly_km * (1.0 if profile.consistent else INCONSISTENT_START)
    if start >= floor:
        return round(start, 1), []
    return floor, [
        f"Only {profile.weekly_km:g} km a week logged recently: the plan starts from "
        f"{floor:g} km ({settings.days_per_week} short runs)."
    ]


def taper_weeks(settings: PlanSettings) -> int:
    low, high = TAPER_WEEKS[settings.race]
    return high if settings.num_weeks >= 12 else low


def week_types(settings: PlanSettings, *, cutback_every: int) -> list[str]:
    """base/build/peak/recovery/taper/race for each week, in order."""
    n = settings.num_weeks
    racing = settings.race != "none"
    tail = (taper_weeks(settings) + 1) if racing else 0
    tail = min(tail, n)
    training = n - tail
    types = []
    for i in range(1, training + 1):
        if i % cutback_every == 0 and i < training:
            types.append("recovery")
        elif not racing or i <= max(1, training // 3):
            types.append("base")
        else:
            types.append("build")
    if racing and training:
        types[-1] = "peak"
    types += ["taper"] * (tail - 1) + (["race"] if tail else [])
    return types


def weekly_targets(
    profile: RunProfile, settings: PlanSettings
) -> tuple[list[WeekTarget], list[str]]:
    start, warnings = baseline_km(profile, settings)
    types = week_types(settings, cutback_every=4 if profile.consistent else 3)
    targets: list[WeekTarget] = []
    level = start  # the last non-cutback week's distance
    peak = start
    taper_index = 0
    for number, week_type in enumerate(types, start=1):
        if week_type in ("taper", "race"):
            km = peak * TAPER_SHARES[min(taper_index, len(TAPER_SHARES) - 1)]
            taper_index += 1
        elif week_type == "recovery":
            km = level * CUTBACK
        else:
            if number > 1:
                level *= 1 + (BASE_RATE if week_type == "base" else BUILD_RATE)
            km = peak = level
        targets.append(WeekTarget(number=number, week_type=week_type, km=round(km, 1)))
    return targets, warnings + realism_warnings(profile, settings, peak)


def realism_warnings(profile: RunProfile, settings: PlanSettings, peak_km: float) -> list[str]:
    if settings.race == "none":
        return []
    need_km = RACE_NEEDS[settings.race][0]
    race = RACE_LABELS[settings.race]
    warnings = []
    if settings.num_weeks < MIN_RACE_WEEKS[settings.race]:
        warnings.append(
            f"A {race} in {settings.num_weeks} weeks is short: "
            f"{MIN_RACE_WEEKS[settings.race]} weeks or more are usual."
        )
    if peak_km < need_km * 0.8:
        warnings.append(
            f"Unrealistic: a {race} in {settings.num_weeks} weeks from "
            f"{profile.weekly_km:g} km/week. Within safe increases the plan peaks at "
            f"{peak_km:.0f} km a week (about {need_km} km is usual); it is clamped, not forced "
            "— consider a later race or a shorter distance."
        )
    if profile.injury_flags:
        warnings.append(
            "Recent notes mention an injury ("
            + "; ".join(profile.injury_flags[:3])
            + "): check before building volume."
        )
    return warnings
