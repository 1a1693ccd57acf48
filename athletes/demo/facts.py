"""The demo story's facts, read from story.toml and checked on load: a typo in the story is a
clear error naming the athlete and the field, not a half-built demo."""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from athletes.demo.catalog import DemoDataError
from athletes.models import AthleteTier

STORY_FILE = Path(__file__).with_name("story.toml")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
Number = int | float  # ints stay ints: a load of 185 is written as Decimal("185")


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OnDay(_Facts):
    """Something on a day of the story: week 1 is the story's first week."""

    week: int = Field(ge=1)
    day: Weekday
    text: str
    private: bool = False
    pinned: bool = False


class Age(_Facts):
    years: int
    days: int  # before the birthday


class Program(_Facts):
    name: str
    days: tuple[Weekday, ...]
    goal: str


class BodyWeightPlan(_Facts):
    kind: Literal["ramp", "steady", "weekly_change"]
    weeks: int
    start: Number = Field(0, alias="from")
    to: Number = 0
    lb: Number = 0
    every: int = 1
    per_week: Number = 0


class AthleteFacts(_Facts):
    name: str
    coach: Literal["dana", "sam"]
    login: str | None = None
    sport: str = ""
    tier: AthleteTier = AthleteTier.NONE
    goal: str
    notes: str
    age: Age
    gym: str | None = None
    equipment: tuple[str, ...] = ()  # after the gym's, if any
    start_weeks_ago: int
    created_days_before: int = 3
    story: Literal["series", "home", "adult"] = "adult"
    program: Program | None = None  # the series stories run [series] instead
    held_lift: str = ""
    held_lift_rpe: tuple[float, ...] = ()
    base_rpe: float = 7.5
    amrap_extra_reps: tuple[int, int] = (2, 4)
    body_weight: BodyWeightPlan | None = None
    review_texts: tuple[str, ...] = ()  # none: the coach reviews nothing
    missed: tuple[OnDay, ...] = ()
    workout_notes: tuple[OnDay, ...] = ()
    needs_work: tuple[OnDay, ...] = ()
    notes_log: tuple[OnDay, ...] = ()
    training_maxes: dict[int, dict[str, Number]] = {}  # from week → lift → lb
    loads: dict[int, dict[str, Number]] = {}  # block → exercise → lb
    swaps: dict[str, str] = {}


class Series(_Facts):
    programs: tuple[str, ...]
    goals: tuple[str, ...]
    days: tuple[Weekday, ...]


class StoryFacts(_Facts):
    series: Series
    gyms: dict[str, tuple[str, ...]]
    athlete: tuple[AthleteFacts, ...]


class StoryFileError(DemoDataError):
    pass


@cache
def story() -> StoryFacts:
    try:
        return StoryFacts.model_validate(tomllib.loads(STORY_FILE.read_text()))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise StoryFileError(f"{STORY_FILE.name} is not a valid demo story: {exc}") from exc


def athlete_facts(name: str) -> AthleteFacts:
    return next(a for a in story().athlete if a.name == name)


def weekdays(days: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(WEEKDAYS.index(d) for d in days)


def equipment(facts: AthleteFacts) -> tuple[str, ...]:
    gym = story().gyms[facts.gym] if facts.gym else ()
    return (*gym, *facts.equipment)


def story_start(facts: AthleteFacts, today: dt.date) -> dt.date:
    this_monday = today - dt.timedelta(days=today.weekday())
    return this_monday - dt.timedelta(weeks=facts.start_weeks_ago)


def on(start: dt.date, entry: OnDay | tuple[int, str]) -> dt.date:
    week, day = (entry.week, entry.day) if isinstance(entry, OnDay) else entry
    return start + dt.timedelta(weeks=week - 1, days=WEEKDAYS.index(day))


SERIES = story().series.programs
SARAH_SUBSTITUTES = athlete_facts("Sarah Carter").swaps
