"""What the coach asks of a running plan, validated as untrusted input (form, command, batch)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

RaceValue = Literal["5k", "10k", "half", "marathon", "none"]
RACE_METRES: dict[str, int] = {"5k": 5_000, "10k": 10_000, "half": 21_097, "marathon": 42_195}
RACE_LABELS: dict[str, str] = {
    "5k": "5 k",
    "10k": "10 k",
    "half": "half marathon",
    "marathon": "marathon",
    "none": "base building",
}
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_WEEKS = 52
MIN_WEEKS = 1


class PlanError(ValueError):
    """A plan request the coach must correct; the message names the field in their words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def weekday_index(text: str, *, field: str) -> int:
    key = text.strip().lower()[:3]
    if key not in WEEKDAYS:
        raise PlanError(f"{field}: “{text}” is not a weekday (use mon, tue, … sun).")
    return WEEKDAYS.index(key)


def parse_weekdays(text: str, *, field: str = "Preferred days") -> tuple[int, ...]:
    days = [weekday_index(part, field=field) for part in text.split(",") if part.strip()]
    if len(set(days)) != len(days):
        raise PlanError(f"{field}: a weekday is listed twice.")
    return tuple(sorted(days))


class PlanSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    race: RaceValue = "none"
    race_date: dt.date | None = None
    weeks: int | None = Field(default=None, ge=MIN_WEEKS, le=MAX_WEEKS)
    days_per_week: int = Field(default=3, ge=1, le=7)
    preferred: tuple[int, ...] = ()
    long_run_day: int | None = Field(default=None, ge=0, le=6)
    speedwork: bool = True
    cross_training: bool = False
    start_date: dt.date

    @field_validator("preferred")
    @classmethod
    def _weekdays(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 0 <= d <= 6 for d in value) or len(set(value)) != len(value):
            raise ValueError("preferred weekdays must be distinct weekdays")
        return tuple(sorted(value))

    @property
    def race_metres(self) -> int:
        return RACE_METRES.get(self.race, 0)

    @property
    def first_monday(self) -> dt.date:
        """Weeks run Monday to Sunday; a plan starts on the Monday on or after its start date."""
        return self.start_date + dt.timedelta(days=(7 - self.start_date.weekday()) % 7)

    @property
    def num_weeks(self) -> int:
        if self.race_date is not None:
            return (self.race_date - self.first_monday).days // 7 + 1
        return self.weeks or 8

    def date_of(self, week: int, weekday: int) -> dt.date:
        return self.first_monday + dt.timedelta(weeks=week - 1, days=weekday)

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


_FIELD_NAMES = {
    "race": "Race",
    "race_date": "Race date",
    "weeks": "Weeks",
    "days_per_week": "Days per week",
    "preferred": "Preferred days",
    "long_run_day": "Long-run day",
    "start_date": "Start date",
}


def plan_settings(data: dict[str, Any]) -> PlanSettings:
    """Validated settings, or PlanError naming the field and what is wrong with it."""
    try:
        settings = PlanSettings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "plan"
        raise PlanError(f"{_FIELD_NAMES.get(name, name)}: {first['msg']}.") from None
    _check_consistency(settings)
    return settings


def _check_consistency(s: PlanSettings) -> None:
    if s.race_date is not None and s.weeks is not None:
        raise PlanError("Give either a race date or a number of weeks, not both.")
    if s.race_date is not None and s.race == "none":
        raise PlanError("Race date: a base-building plan (race none) has no race date.")
    if s.race_date is not None and s.race_date < s.first_monday:
        raise PlanError(
            f"Race date: {s.race_date:%d %b %Y} is before the plan's first Monday "
            f"({s.first_monday:%d %b %Y})."
        )
    if not MIN_WEEKS <= s.num_weeks <= MAX_WEEKS:
        raise PlanError(f"Race date: the plan would last {s.num_weeks} weeks; at most {MAX_WEEKS}.")
    if s.preferred and len(s.preferred) != s.days_per_week:
        raise PlanError(
            f"Preferred days: {len(s.preferred)} weekdays given for {s.days_per_week} days a week."
        )
    if s.preferred and s.long_run_day is not None and s.long_run_day not in s.preferred:
        raise PlanError(
            f"Long-run day: {WEEKDAY_LABELS[s.long_run_day]} is not one of the preferred days."
        )


def settings_from_options(options: dict[str, Any], *, today: dt.date) -> PlanSettings:
    """PlanSettings from command-line options (running_plan, generate_programs --running)."""
    data: dict[str, Any] = {
        "race": options.get("race") or "none",
        "days_per_week": options.get("days") or 3,
        "speedwork": not options.get("no_speedwork", False),
        "cross_training": bool(options.get("cross_training", False)),
        "start_date": options.get("start") or today,
    }
    if options.get("date"):
        data["race_date"] = options["date"]
    if options.get("weeks"):
        data["weeks"] = options["weeks"]
    if options.get("preferred"):
        data["preferred"] = parse_weekdays(options["preferred"], field="--preferred")
    if options.get("long_run"):
        data["long_run_day"] = weekday_index(options["long_run"], field="--long-run")
    if "race_date" not in data and "weeks" not in data:
        raise PlanError("Give --date YYYY-MM-DD (the race) or --weeks N.")
    return plan_settings(data)
