"""`manage.py seed_demo`: idempotent, and Tommy's and Sarah's stories hold on any day."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Model
from django.utils import timezone

from athletes import selectors
from athletes.access import athletes_visible_to
from athletes.demo import DEMO_PASSWORD, SARAH_SUBSTITUTES, SERIES, monday
from athletes.models import (
    Athlete,
    AthleteEquipment,
    AthleteNote,
    AthleteProgram,
    BodyWeight,
    EndReason,
    GoalHistory,
    ReviewStatus,
    Role,
    TierHistory,
    TrainingMax,
    User,
    Workout,
    WorkoutReview,
    WorkoutSet,
)
from athletes.position import assignment_position, position_after
from athletes.services import SetInput, workout_log
from programs.catalog.seed import seed_catalog_load
from programs.loads import target_load
from programs.models import Equipment, Exercise, PrescribedSet, ProgramTemplate
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MODELS: list[type[Model]] = [
    User,
    Athlete,
    AthleteEquipment,
    AthleteProgram,
    Workout,
    WorkoutSet,
    WorkoutReview,
    AthleteNote,
    TrainingMax,
    BodyWeight,
    GoalHistory,
    TierHistory,
    Exercise,
    ProgramTemplate,
    PrescribedSet,
]


def _last_wednesday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=(today.weekday() - 2) % 7)


TODAY = _last_wednesday()


@pytest.fixture(scope="module", autouse=True)
def _catalog(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    # Importing the seed catalog takes seconds: do it once for this module (committed), and let
    # each test build the demo inside its own rolled-back transaction.
    with django_db_blocker.unblock():
        seed_catalog_load()
    yield
    with django_db_blocker.unblock():
        ProgramTemplate.objects.all().delete()
        Exercise.objects.all().delete()
        Equipment.objects.all().delete()


def _seed(today: dt.date = TODAY) -> str:
    out = StringIO()
    call_command("seed_demo", f"--today={today.isoformat()}", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in MODELS}


def _required(exercise: Exercise) -> set[str]:
    return {link.equipment.name for link in exercise.equipment_links.all() if not link.optional}


def _series_workouts(athlete: Athlete) -> list[Workout]:
    return list(
        Workout.objects.filter(athlete=athlete, assignment__template__name__in=SERIES)
        .select_related("assignment__template")
        .prefetch_related("sets__exercise__equipment_links__equipment")
        .order_by("date")
    )


def _scheduled_before(start: dt.date, end: dt.date) -> int:
    """Mon/Tue/Thu/Fri sessions from `start` up to the day before `end`."""
    days = (end - start).days
    return sum(1 for i in range(days) if (start + dt.timedelta(days=i)).weekday() in (0, 1, 3, 4))


def test_seed_demo_twice_creates_nothing_the_second_time() -> None:
    first = _seed()
    after_first = _counts()
    second = _seed()

    assert _counts() == after_first
    assert after_first["Athlete"] == 8
    assert after_first["Workout"] > 100
    assert "Created: Tommy Carter, Sarah Carter" in first
    assert "Already there (left unchanged): Tommy Carter" in second
    for login in ("admin", "coach", "coach2", "tommy"):
        assert f"  {login} " in second
    assert DEMO_PASSWORD in second


@pytest.fixture(scope="class")
def _shared_demo(_catalog: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        _seed()
    yield
    with django_db_blocker.unblock():
        Athlete.objects.all().delete()
        User.objects.all().delete()


@pytest.mark.usefixtures("_shared_demo")
class TestTheStory:
    """Read-only checks of one demo built as of TODAY, shared by the class."""

    def test_demo_logins_use_the_published_password_and_roles(self) -> None:

        admin = User.objects.get(username="admin")
        coach = User.objects.get(username="coach")
        tommy = User.objects.get(username="tommy")
        assert admin.is_staff
        assert admin.check_password(DEMO_PASSWORD)
        assert (coach.get_full_name(), coach.role) == ("Dana Reyes", Role.COACH)
        assert User.objects.get(username="coach2").get_full_name() == "Sam Patel"
        assert tommy.role == Role.ATHLETE
        assert tommy.check_password(DEMO_PASSWORD)
        assert Athlete.objects.get(user=tommy).name == "Tommy Carter"

    def test_second_coach_cannot_see_tommy_or_sarah(self) -> None:
        dana = User.objects.get(username="coach")
        sam = User.objects.get(username="coach2")

        sam_sees = set(athletes_visible_to(sam).values_list("name", flat=True))
        dana_sees = set(athletes_visible_to(dana).values_list("name", flat=True))

        assert sam_sees == {"Marcus Hill"}
        assert {"Tommy Carter", "Sarah Carter", "Lily Nguyen"} <= dana_sees
        assert "Marcus Hill" not in dana_sees
        assert athletes_visible_to(User.objects.get(username="admin")).count() == 8
        tommy_sees = athletes_visible_to(User.objects.get(username="tommy"))
        assert list(tommy_sees.values_list("name", flat=True)) == ["Tommy Carter"]

    def test_tommy_is_three_months_into_the_series_near_the_end_of_month_three(self) -> None:
        tommy = Athlete.objects.get(name="Tommy Carter")

        assignments = list(tommy.assignments.order_by("start_date").select_related("template"))
        assert [a.template.name for a in assignments] == list(SERIES)
        assert [a.end_reason for a in assignments[:2]] == [EndReason.COMPLETED] * 2
        assert not any(a.is_active for a in assignments[:2])
        assert assignments[2].is_active
        position = assignment_position(assignments[2])
        assert position.week == 4
        assert not position.block_complete
        assert tommy.sport == "Football"
        assert tommy.tier == "sport_performance"
        assert tommy.age_on(TODAY) == 15
        assert {"Barbell", "Squat Rack", "Plyo Box", "Trap Bar"} <= set(
            tommy.equipment.values_list("name", flat=True)
        )
        assert GoalHistory.objects.filter(athlete=tommy, previous_goal="").count() == 1
        assert TierHistory.objects.filter(athlete=tommy, tier="sport_performance").count() == 1

    def test_tommy_logged_every_prescribed_set_at_tm_times_percentage(self) -> None:
        tommy = Athlete.objects.get(name="Tommy Carter")
        tms = list(TrainingMax.objects.filter(athlete=tommy).select_related("exercise"))
        workouts = _series_workouts(tommy)

        by_assignment: dict[int, list[Workout]] = {}
        for w in workouts:
            by_assignment.setdefault(w.assignment_id or 0, []).append(w)
        for rows in by_assignment.values():
            template = rows[0].assignment.template  # type: ignore[union-attr]
            for i, w in enumerate(rows):
                pos = position_after(
                    logged_sessions=i, num_weeks=4, num_days=4, is_loop=template.is_loop
                )
                assert (w.week, w.day) == (pos.week, pos.day), "sessions in order"
        for w in workouts:
            prescribed = list(
                PrescribedSet.objects.filter(
                    template=w.assignment.template,  # type: ignore[union-attr]
                    week=w.week,
                    day=w.day,
                ).select_related("exercise")
            )
            logged = list(w.sets.all())
            assert Counter(s.exercise.name for s in logged) == Counter(
                p.exercise.name for p in prescribed
            ), w.date
            by_key = {(s.exercise_id, s.set_number): s for s in logged}
            for p in prescribed:
                if p.percentage is None:
                    continue
                tm = max(
                    (
                        t
                        for t in tms
                        if t.exercise_id == p.exercise_id and t.effective_date <= w.date
                    ),
                    key=lambda t: t.effective_date,
                )
                expected = target_load(
                    training_max=tm.weight, percentage=p.percentage, increment=Decimal(5)
                )
                assert by_key[(p.exercise_id, p.set_number)].weight == expected
        assert all(w.date < TODAY for w in workouts)

    def test_tommy_power_clean_rpe_rises_in_month_three_with_the_tm_held(self) -> None:
        tommy = Athlete.objects.get(name="Tommy Carter")
        month2, month3 = tommy.assignments.order_by("start_date")[1:3]

        tops = []
        for w in Workout.objects.filter(assignment=month3).order_by("date"):
            sets = list(w.sets.filter(exercise__name="Power Clean").order_by("set_number"))
            if sets:
                tops.append(sets[-1].rpe)
        assert len(tops) >= 6
        assert tops[0] == Decimal("7.0")
        assert tops[-1] == Decimal("8.0")
        assert tops == sorted(tops)

        def clean_tm(day: dt.date) -> Decimal:
            return (
                TrainingMax.objects.filter(
                    athlete=tommy, exercise__name="Power Clean", effective_date__lte=day
                )
                .latest("effective_date")
                .weight
            )

        assert clean_tm(month3.start_date) == clean_tm(month2.start_date)
        squat = TrainingMax.objects.filter(athlete=tommy, exercise__name="Back Squat")
        assert squat.count() == 3
        assert len(set(squat.values_list("weight", flat=True))) == 3

    def test_tommy_adherence_body_weight_notes_and_reviews_tell_his_story(self) -> None:
        tommy = Athlete.objects.get(name="Tommy Carter")
        start = tommy.assignments.order_by("start_date")[0].start_date
        complete_weeks_end = monday(TODAY)

        logged = Workout.objects.filter(
            athlete=tommy, date__gte=start, date__lt=complete_weeks_end
        ).count()
        rate = logged / _scheduled_before(start, complete_weeks_end)
        assert 0.90 <= rate <= 0.94

        weights = list(BodyWeight.objects.filter(athlete=tommy).order_by("date"))
        assert (weights[0].weight, weights[-1].weight) == (Decimal(142), Decimal(150))
        assert (weights[-1].date - weights[0].date).days >= 70

        pinned = AthleteNote.objects.get(athlete=tommy, is_pinned=True)
        assert pinned.is_private
        assert "left knee" in pinned.content.lower()
        missed = AthleteNote.objects.filter(athlete=tommy, content__startswith="Missed ")
        assert missed.count() >= 3
        assert all(" — " in n.content for n in missed)
        assert AthleteNote.objects.filter(athlete=tommy, is_private=False).count() >= 2
        statuses = set(
            WorkoutReview.objects.filter(workout__athlete=tommy).values_list("status", flat=True)
        )
        assert statuses == {ReviewStatus.APPROVED, ReviewStatus.NEEDS_WORK}

    def test_sarah_trains_at_home_without_a_barbell_at_full_adherence(self) -> None:
        sarah = Athlete.objects.get(name="Sarah Carter")
        owned = set(sarah.equipment.values_list("name", flat=True))
        assert owned == {"Dumbbells", "Kettlebell", "Resistance Bands"}
        assert sarah.sport == "Volleyball"
        assert sarah.age_on(TODAY) == 13

        workouts = _series_workouts(sarah)
        tommy_start = (
            Athlete.objects.get(name="Tommy Carter")
            .assignments.order_by("start_date")[0]
            .start_date
        )
        start = sarah.assignments.order_by("start_date")[0].start_date
        assert start == tommy_start
        assert len(workouts) == min(48, _scheduled_before(start, TODAY))

        rpes = []
        for w in workouts:
            for s in w.sets.all():
                assert _required(s.exercise) <= owned, f"{s.exercise.name} on {w.date}"
                assert "Barbell" not in _required(s.exercise)
                if s.rpe is not None:
                    rpes.append(s.rpe)
        assert rpes
        assert all(Decimal("5.5") <= r <= Decimal("6.5") for r in rpes)
        assert abs(sum(rpes) / len(rpes) - 6) < Decimal("0.2")

        weights = list(BodyWeight.objects.filter(athlete=sarah).values_list("weight", flat=True))
        assert len(weights) >= 3
        assert max(weights) - min(weights) <= Decimal("1.5")
        notes = AthleteNote.objects.filter(athlete=sarah)
        assert not notes.filter(is_private=True).exists()
        assert not any("knee" in n.content.lower() for n in notes)

    def test_sarah_swaps_what_she_cannot_do_for_the_same_movement_pattern(self) -> None:
        sarah = Athlete.objects.get(name="Sarah Carter")
        owned = set(sarah.equipment.values_list("name", flat=True))
        swapped = 0
        for w in _series_workouts(sarah):
            logged = {s.exercise.name: s.exercise for s in w.sets.all()}
            prescribed = {
                p.exercise.name: p.exercise
                for p in PrescribedSet.objects.filter(
                    template=w.assignment.template,  # type: ignore[union-attr]
                    week=w.week,
                    day=w.day,
                ).prefetch_related("exercise__equipment_links__equipment")
            }
            for name, exercise in prescribed.items():
                if _required(exercise) <= owned:
                    assert name in logged
                    continue
                substitute = logged[SARAH_SUBSTITUTES[name]]
                assert substitute.movement_pattern == exercise.movement_pattern
                swapped += 1
        assert swapped > 100

    def test_sarahs_next_session_card_shows_her_usual_swaps_not_the_barbell_lifts(self) -> None:
        sarah = Athlete.objects.get(name="Sarah Carter")
        coach = User.objects.get(username="coach")  # Dana Reyes
        page = selectors.athlete_page(user=coach, athlete=sarah)
        owned = set(sarah.equipment.values_list("name", flat=True))
        prescribed = [item.group.exercise for item in page.next_exercises]
        cannot = [e for e in prescribed if not _required(e) <= owned]
        assert cannot, "her next session should prescribe a lift she cannot do at home"
        html = client_for(coach).get(sarah.get_absolute_url()).content.decode()
        card = html[html.index('id="today"') : html.index("</section>", html.index('id="today"'))]
        for exercise in cannot:
            swap = SARAH_SUBSTITUTES[exercise.name]
            assert f"<strong>{swap}</strong>" in card
            assert f"Sarah Carter’s usual swap for {exercise.name}" in card
            assert f"<strong>{exercise.name}</strong>" not in card
        assert "needs " not in card  # every lift she cannot do has her swap
        assert "no TM" not in card
        assert not page.missing_training_maxes
        assert page.missing_equipment  # the program-wide banner stays for the coach


@pytest.mark.parametrize("offset", range(7))
def test_the_story_holds_whatever_the_weekday(offset: int) -> None:
    today = monday(TODAY) - dt.timedelta(days=7) + dt.timedelta(days=offset)
    _seed(today)
    tommy = Athlete.objects.get(name="Tommy Carter")
    sarah = Athlete.objects.get(name="Sarah Carter")

    tommy_now = assignment_position(tommy.assignments.get(is_active=True))
    assert tommy_now.week == 4
    assert not tommy_now.block_complete
    start = sarah.assignments.order_by("start_date")[0].start_date
    assert Workout.objects.filter(athlete=sarah).count() == min(48, _scheduled_before(start, today))
    assert not Workout.objects.filter(date__gte=today).exists()


def test_coach_can_log_today_and_tommys_prescription_advances() -> None:
    _seed(timezone.localdate())
    tommy = Athlete.objects.get(name="Tommy Carter")
    assignment = tommy.assignments.get(is_active=True)
    before = assignment_position(assignment)
    squat = Exercise.objects.get(name="Back Squat")

    workout = workout_log(
        athlete=tommy,
        date=timezone.localdate(),
        sets=[SetInput(exercise_id=squat.pk, reps=3, weight=Decimal(150))],
        by=User.objects.get(username="coach"),
    )

    assert (workout.week, workout.day) == (before.week, before.day)
    assert assignment_position(assignment).session_index == before.session_index + 1


def test_missing_catalog_entry_is_a_clear_error_and_writes_no_story() -> None:
    ProgramTemplate.objects.filter(name=SERIES[0]).delete()

    with pytest.raises(CommandError, match="Sport Performance — Month 1"):
        _seed()
    assert not Athlete.objects.filter(name="Tommy Carter").exists()
    assert not Workout.objects.exists()


def test_an_existing_non_coach_user_named_coach_is_refused_clearly() -> None:
    User.objects.create(username="coach", role=Role.ATHLETE)

    with pytest.raises(CommandError, match="not an active coach"):
        _seed()
    assert not Athlete.objects.exists()
