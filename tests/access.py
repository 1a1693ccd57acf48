"""The access table: every URL, requested as every persona, answers with the expected status.

The contract (enforced by tests/test_access_coverage.py):

* Each app has one or more modules `tests/<app>/test_access*.py` with a module-level list
  `ACCESS_CASES: list[Case]` and a parametrized test that calls `run_case` on each row:

      from tests.access import Case, Personas, build_personas, case_id, run_case

      ACCESS_CASES = [
          Case("athletes:detail", lambda p: [p.athlete.pk]),
          Case("athletes:note_add", lambda p: [p.athlete.pk], "post",
               expected=coach_post_expected, data={"content": "x"}),
      ]

      @pytest.fixture
      def personas(db: None) -> Personas:
          return build_personas()

      @pytest.mark.parametrize("case", ACCESS_CASES, ids=case_id)
      def test_access(case: Case, personas: Personas) -> None:
          run_case(case, personas)

* Every named URL of the project (except `admin:*`, `login`, `logout`, `home`) must appear in at
  least one Case, so a new URL without an access row fails the suite.
* `expected` maps each persona to the status it must get. Personas: `anon` (not logged in),
  `athlete` (the login linked to the coach's athlete), `other_coach` (a coach who does not coach
  that athlete), `coach` (the athlete's coach) and `admin` (staff). An anonymous 302 must go to the
  login page; a logged-in persona must never be sent to the login page.
* Each persona's request runs in its own transaction that is rolled back afterwards, so a POST by
  one persona never changes what the next one sees: every row is judged against the same world.
* `args_factory(personas)` returns the URL args (a list) or kwargs (a dict); it may create extra
  objects it needs (they are created once, before the personas run). `data` is a dict or a
  callable taking the personas. `htmx=True` sends `HX-Request: true`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from athletes.models import (
    Athlete,
    AthleteNote,
    AthleteProgram,
    BodyWeight,
    Role,
    TrainingMax,
    User,
    Workout,
)
from programs.models import Equipment, Exercise, ProgramTemplate
from tests.factories import (
    AthleteEquipmentFactory,
    AthleteFactory,
    AthleteNoteFactory,
    AthleteProgramFactory,
    BodyWeightFactory,
    EquipmentFactory,
    ExerciseFactory,
    PrescribedSetFactory,
    ProgramTemplateFactory,
    TrainingMaxFactory,
    UserFactory,
    WorkoutFactory,
    WorkoutReviewFactory,
    WorkoutSetFactory,
)

PERSONAS: tuple[str, ...] = ("anon", "athlete", "other_coach", "coach", "admin")

# The usual shape: a coach-only page about the coach's athlete.
COACH_PAGE: Mapping[str, int] = {
    "anon": 302,
    "athlete": 403,
    "other_coach": 404,
    "coach": 200,
    "admin": 200,
}
# A coach-only write that redirects on success.
COACH_WRITE: Mapping[str, int] = {**COACH_PAGE, "coach": 302, "admin": 302}
# Pages the athlete may see about themselves.
ATHLETE_VISIBLE: Mapping[str, int] = {**COACH_PAGE, "athlete": 200}
# Writes the athlete may make about themselves (logging their own workouts).
ATHLETE_WRITE: Mapping[str, int] = {**COACH_WRITE, "athlete": 302}
# Any coach (or admin), no particular athlete: e.g. the "new athlete" page.
ANY_COACH: Mapping[str, int] = {**COACH_PAGE, "other_coach": 200}
# Admin only.
ADMIN_ONLY: Mapping[str, int] = {
    "anon": 302,
    "athlete": 403,
    "other_coach": 403,
    "coach": 403,
    "admin": 200,
}

ArgsFactory = Callable[["Personas"], Sequence[Any] | Mapping[str, Any]]
DataFactory = Callable[["Personas"], Mapping[str, Any]]


def no_args(personas: Personas) -> list[Any]:
    return []


@dataclass(frozen=True)
class Case:
    url_name: str
    args_factory: ArgsFactory = no_args
    method: str = "get"
    expected: Mapping[str, int] = field(default_factory=lambda: dict(COACH_PAGE))
    data: Mapping[str, Any] | DataFactory | None = None
    htmx: bool = False
    label: str = ""

    def __post_init__(self) -> None:
        missing = set(PERSONAS) - set(self.expected)
        if missing:
            raise ValueError(f"{self.url_name}: no expected status for {sorted(missing)}")
        if self.method.lower() not in {"get", "post", "put", "patch", "delete"}:
            raise ValueError(f"{self.url_name}: unknown method {self.method!r}")


def case_id(case: Case) -> str:
    extra = f" {case.label}" if case.label else ""
    htmx = " htmx" if case.htmx else ""
    return f"{case.method.upper()} {case.url_name}{htmx}{extra}"


@dataclass
class Personas:
    """The users and a small world around the coach's athlete."""

    coach: User
    other_coach: User
    admin: User
    athlete_user: User
    athlete: Athlete  # coached by `coach`, login `athlete_user`
    other_athlete: Athlete  # coached by `other_coach`
    exercise: Exercise
    equipment: Equipment
    template: ProgramTemplate  # global, 4 weeks × 3 days, sets on W1D1 and W1D2
    own_template: ProgramTemplate  # owned by `athlete`
    assignment: AthleteProgram  # the athlete's active primary program
    workout: Workout  # logged by the athlete, not reviewed
    reviewed_workout: Workout  # logged by the athlete, reviewed
    coach_workout: Workout  # logged by the coach
    note: AthleteNote
    private_note: AthleteNote
    training_max: TrainingMax
    body_weight: BodyWeight
    extra: dict[str, Any] = field(default_factory=dict)  # for an app's own objects

    def user(self, persona: str) -> User | None:
        return {
            "anon": None,
            "athlete": self.athlete_user,
            "other_coach": self.other_coach,
            "coach": self.coach,
            "admin": self.admin,
        }[persona]


def build_personas() -> Personas:
    today = timezone.localdate()
    coach = UserFactory(username="coach", role=Role.COACH)
    other_coach = UserFactory(username="othercoach", role=Role.COACH)
    admin = UserFactory(username="admin", role=Role.COACH, is_staff=True, is_superuser=True)
    athlete_user = UserFactory(username="athlete", role=Role.ATHLETE)
    athlete = AthleteFactory(name="Alex", coach=coach, user=athlete_user)
    other_athlete = AthleteFactory(name="Olive", coach=other_coach)
    equipment = EquipmentFactory(name="Barbell")
    exercise = ExerciseFactory(name="Back Squat")
    AthleteEquipmentFactory(athlete=athlete, equipment=equipment)
    template = ProgramTemplateFactory(name="Strength Base", num_weeks=4, num_days=3)
    for day in (1, 2):
        for n in (1, 2, 3):
            PrescribedSetFactory(
                template=template, exercise=exercise, week=1, day=day, set_number=n
            )
    own_template = ProgramTemplateFactory(name="Alex's block", owner=athlete)
    assignment = AthleteProgramFactory(
        athlete=athlete, template=template, start_date=today - dt.timedelta(days=14)
    )
    workout = WorkoutFactory(
        athlete=athlete,
        date=today - dt.timedelta(days=3),
        assignment=assignment,
        week=1,
        day=1,
        logged_by=athlete_user,
    )
    WorkoutSetFactory(workout=workout, exercise=exercise, set_number=1)
    reviewed = WorkoutFactory(
        athlete=athlete, date=today - dt.timedelta(days=5), logged_by=athlete_user
    )
    WorkoutSetFactory(workout=reviewed, exercise=exercise, set_number=1)
    WorkoutReviewFactory(workout=reviewed, coach=coach)
    coach_workout = WorkoutFactory(
        athlete=athlete, date=today - dt.timedelta(days=6), logged_by=coach
    )
    WorkoutSetFactory(workout=coach_workout, exercise=exercise, set_number=1)
    note = AthleteNoteFactory(athlete=athlete, author=coach, content="Knee felt fine.")
    private_note = AthleteNoteFactory(
        athlete=athlete, author=coach, content="Watch the left knee.", is_private=True
    )
    tm = TrainingMaxFactory(
        athlete=athlete, exercise=exercise, weight=Decimal("200"), effective_date=today
    )
    bw = BodyWeightFactory(athlete=athlete, date=today - dt.timedelta(days=1))
    return Personas(
        coach=coach,
        other_coach=other_coach,
        admin=admin,
        athlete_user=athlete_user,
        athlete=athlete,
        other_athlete=other_athlete,
        exercise=exercise,
        equipment=equipment,
        template=template,
        own_template=own_template,
        assignment=assignment,
        workout=workout,
        reviewed_workout=reviewed,
        coach_workout=coach_workout,
        note=note,
        private_note=private_note,
        training_max=tm,
        body_weight=bw,
    )


def _url(case: Case, personas: Personas) -> str:
    args = case.args_factory(personas)
    if isinstance(args, Mapping):
        return reverse(case.url_name, kwargs=dict(args))
    return reverse(case.url_name, args=list(args))


def run_case(case: Case, personas: Personas) -> None:
    """Request the case's URL as every persona and assert each status (all failures at once)."""
    url = _url(case, personas)
    data = case.data(personas) if callable(case.data) else case.data
    login_path = urlparse(resolve_url(settings.LOGIN_URL)).path
    headers = {"HX-Request": "true"} if case.htmx else {}
    failures: list[str] = []
    for persona in PERSONAS:
        expected = case.expected[persona]
        with transaction.atomic():
            client = Client()
            user = personas.user(persona)
            if user is not None:
                client.force_login(user)
            send = getattr(client, case.method.lower())
            response = send(url, data=dict(data or {}), headers=headers)
            transaction.set_rollback(True)
        status = response.status_code
        problem = ""
        if status != expected:
            problem = f"got {status}"
        elif status in (301, 302, 303):
            to_login = urlparse(response["Location"]).path == login_path
            if persona == "anon" and not to_login:
                problem = f"redirected to {response['Location']}, not to the login page"
            elif persona != "anon" and to_login:
                problem = "a logged-in user was sent to the login page"
        if problem:
            failures.append(f"  {persona}: expected {expected}, {problem}")
    assert not failures, f"{case.method.upper()} {url} ({case.url_name}):\n" + "\n".join(failures)
