"""`demo_seed`: the logins, the two coaches and the cast of story.toml, created once."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from athletes.demo.catalog import Catalog, DemoDataError, at, years_before
from athletes.demo.facts import AthleteFacts, equipment, story, story_start
from athletes.demo.stories import tell
from athletes.demo.writer import Profile, StoryWriter
from athletes.models import (
    Athlete,
    AthleteNote,
    BodyWeight,
    Role,
    TrainingMax,
    User,
    Workout,
    WorkoutReview,
    WorkoutSet,
)
from programs.models import Exercise, ProgramTemplate, global_programs

DEMO_PASSWORD = "replog-demo"  # noqa: S105 — published in the README on purpose


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    who: str


LOGINS = (
    DemoLogin("admin", "admin", "Django admin and every athlete"),
    DemoLogin("coach", "coach", "Coach Dana Reyes — Tommy, Sarah and five more"),
    DemoLogin("coach2", "coach", "Coach Sam Patel — one athlete, cannot see Dana's"),
    DemoLogin("tommy", "athlete", "Tommy Carter's own athlete view"),
)


@dataclass
class DemoSummary:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    catalog_loaded: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    logins: tuple[DemoLogin, ...] = LOGINS
    password: str = DEMO_PASSWORD


class _PasswordHash:
    """The demo password, hashed once and only if a user is created (hashing is slow)."""

    def __init__(self) -> None:
        self._value: str | None = None

    def __str__(self) -> str:
        if self._value is None:
            self._value = make_password(DEMO_PASSWORD)
        return self._value


def _user(
    username: str, *, first: str, last: str, role: str, staff: bool, password: _PasswordHash
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@replog.example",
            role=role,
            is_staff=staff,
            is_superuser=staff,
            password=str(password),
        )
    return user


def demo_seed(*, today: dt.date | None = None) -> DemoSummary:
    """Create (or complete) the demo: logins, coaches, athletes and their histories."""
    from programs.catalog.seed import seed_catalog_load

    today = today or timezone.localdate()
    summary = DemoSummary()
    summary.catalog_loaded = seed_catalog_load() is not None
    cat = Catalog()
    password = _PasswordHash()
    coaches = _coaches(password)
    for facts in story().athlete:
        coach = coaches[facts.coach]
        with transaction.atomic():
            athlete = Athlete.objects.filter(name=facts.name, coach=coach).first()
            if athlete is None:
                athlete = _create_athlete(cat, facts, coach, today)
                summary.created.append(facts.name)
            else:
                summary.kept.append(facts.name)
            if facts.login:
                _link_login(athlete, facts.login, password)
    summary.counts = _counts()
    return summary


def _coaches(password: _PasswordHash) -> dict[str, User]:
    with transaction.atomic():
        _user("admin", first="Ada", last="Admin", role=Role.COACH, staff=True, password=password)
        dana = _user(
            "coach", first="Dana", last="Reyes", role=Role.COACH, staff=False, password=password
        )
        sam = _user(
            "coach2", first="Sam", last="Patel", role=Role.COACH, staff=False, password=password
        )
    for user in (dana, sam):
        if not (user.is_coach or user.is_admin):
            raise DemoDataError(
                f"User “{user.username}” already exists and is not an active coach; the demo "
                "athletes cannot be given to it. Rename that user or use a fresh database."
            )
    return {"dana": dana, "sam": sam}


def _counts() -> dict[str, int]:
    return {
        "athletes": Athlete.objects.count(),
        "workouts": Workout.objects.count(),
        "sets": WorkoutSet.objects.count(),
        "reviews": WorkoutReview.objects.count(),
        "notes": AthleteNote.objects.count(),
        "training maxes": TrainingMax.objects.count(),
        "body weights": BodyWeight.objects.count(),
        "exercises": Exercise.objects.count(),
        "programs": ProgramTemplate.objects.filter(global_programs()).count(),
    }


def _profile(facts: AthleteFacts, today: dt.date) -> Profile:
    return Profile(
        name=facts.name,
        sport=facts.sport,
        tier=facts.tier,
        goal=facts.goal,
        notes=facts.notes,
        date_of_birth=years_before(today, facts.age.years) - dt.timedelta(days=facts.age.days),
        equipment=equipment(facts),
        created=story_start(facts, today) - dt.timedelta(days=facts.created_days_before),
    )


def _create_athlete(cat: Catalog, facts: AthleteFacts, coach: User, today: dt.date) -> Athlete:
    p = _profile(facts, today)
    athlete = Athlete.objects.create(
        name=p.name,
        tier=p.tier,
        goal=p.goal,
        sport=p.sport,
        notes=p.notes,
        date_of_birth=p.date_of_birth,
        coach=coach,
        created_at=at(p.created, 10),
    )
    writer = StoryWriter(cat, athlete, coach, today)
    writer.equipment(p.equipment)
    writer.history(p)
    # Seeded per athlete: the same story on every run, whatever the order.
    tell(writer, facts, story_start(facts, today), random.Random(p.name))  # noqa: S311
    return athlete


def _link_login(athlete: Athlete, username: str, password: _PasswordHash) -> None:
    first, _, last = athlete.name.partition(" ")
    user = _user(
        username,
        first=first,
        last=last,
        role=Role.ATHLETE,
        staff=False,
        password=password,
    )
    if athlete.user_id is None and not Athlete.objects.filter(user=user).exists():
        athlete.user = user
        athlete.save(update_fields=["user"])
