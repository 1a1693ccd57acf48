"""The athlete list: the one adherence figure of the athlete page and the packet (issue 14), in a
constant number of queries whatever the number of athletes."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from athletes import roster
from athletes.models import Athlete, AthleteProgram, Role, User
from generation.packet import build_packet
from tests.athletes.conftest import OnProgram, put_on_program
from tests.athletes.test_selectors import add_history
from tests.conftest import client_for
from tests.factories import (
    AthleteFactory,
    AthleteProgramFactory,
    ProgramTemplateFactory,
    UserFactory,
    WorkoutFactory,
    WorkoutReviewFactory,
)

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def this_monday() -> dt.date:
    return today() - dt.timedelta(days=today().weekday())


def text_after(html: str, marker: str) -> str | None:
    """The text of the element carrying `marker`, or None when the page has no such element."""
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split(">", 1)[1].split("<", 1)[0]


def list_html(user: User) -> str:
    return client_for(user).get(reverse("athletes:list")).content.decode()


def on_two_days_a_week(athlete: Athlete, *, weeks: int) -> AthleteProgram:
    template = ProgramTemplateFactory(num_days=2, num_weeks=8, is_loop=True)
    start = this_monday() - dt.timedelta(weeks=weeks)
    return AthleteProgramFactory(athlete=athlete, template=template, start_date=start)


def log_weeks(assignment: AthleteProgram, counts: dict[int, int]) -> None:
    """`counts`: weeks ago → sessions logged that week (Monday onwards)."""
    for weeks_ago, count in counts.items():
        for n in range(count):
            day = this_monday() - dt.timedelta(weeks=weeks_ago) + dt.timedelta(days=n)
            WorkoutFactory(athlete=assignment.athlete, assignment=assignment, date=day)


def test_every_demo_athlete_shows_one_figure_on_the_list_the_page_and_the_packet() -> None:
    call_command("seed_demo", stdout=StringIO())
    viewer = UserFactory(username="listcheck", is_staff=True, is_superuser=True, role=Role.COACH)
    client = client_for(viewer)
    listing = list_html(viewer)
    athletes = list(Athlete.objects.order_by("name"))
    assert len(athletes) >= 8
    figures = {}
    for athlete in athletes:
        page = client.get(athlete.get_absolute_url()).content.decode()
        header = text_after(page, 'id="header-adherence"')
        assert text_after(listing, f'id="list-adherence-{athlete.pk}"') == header, athlete.name
        if header is None:
            continue
        rate = build_packet(athlete).adherence.rate_pct
        assert rate is not None
        assert header == f"{round(rate)} %", athlete.name
        figures[athlete.name] = header
    # Tommy's missed weeks bring him under 100 % (the "100 % where the packet says 91 %").
    assert figures["Sarah Carter"] == "100 %"
    assert figures["Tommy Carter"] != "100 %"
    assert len(figures) >= 2


def test_extra_sessions_in_a_week_never_make_up_for_a_short_one(coach: User) -> None:
    patchy = on_two_days_a_week(AthleteFactory(name="Patchy", coach=coach), weeks=4)
    log_weeks(patchy, {4: 4, 3: 1, 2: 2, 1: 3})  # 10 sessions logged, 8 prescribed
    keen = on_two_days_a_week(AthleteFactory(name="Keen", coach=coach), weeks=4)
    log_weeks(keen, {4: 3, 3: 3, 2: 3, 1: 3})
    rows = {r.athlete.name: r for r in roster.athlete_list(user=coach)}
    for row in rows.values():
        assert row.adherence is not None
        assert row.adherence.counted <= row.adherence.prescribed
    patchy_row = rows["Patchy"].adherence
    assert patchy_row is not None
    assert (patchy_row.counted, patchy_row.prescribed, patchy_row.percent) == (7, 8, 88)
    html = list_html(coach)
    assert text_after(html, f'id="list-adherence-{patchy.athlete.pk}"') == "88 %"
    assert "7 of 8 sessions" in html
    assert text_after(html, f'id="list-adherence-{keen.athlete.pk}"') == "100 %"
    assert "8 of 8 sessions" in html
    assert "12 of 8" not in html
    assert "10 of 8" not in html


def test_a_program_started_today_is_too_early_and_no_program_shows_no_figure(
    coach: User,
) -> None:
    fresh = AthleteFactory(name="Fresh", coach=coach)
    AthleteProgramFactory(athlete=fresh, start_date=today())
    WorkoutFactory(athlete=fresh, date=today())
    idle = AthleteFactory(name="Idle", coach=coach)
    lapsed = on_two_days_a_week(AthleteFactory(name="Lapsed", coach=coach), weeks=3)
    ended = on_two_days_a_week(AthleteFactory(name="Ended", coach=coach), weeks=6)
    log_weeks(ended, {3: 2, 2: 2})
    AthleteProgram.objects.filter(pk=ended.pk).update(
        is_active=False, ended_on=this_monday() - dt.timedelta(days=8)
    )
    rows = {r.athlete.name: r for r in roster.athlete_list(user=coach)}
    assert rows["Fresh"].adherence is not None
    assert rows["Fresh"].adherence.percent is None
    assert rows["Idle"].adherence is None
    assert rows["Idle"].assignment is None
    assert rows["Ended"].adherence is None
    assert rows["Ended"].assignment is None

    html = list_html(coach)
    cells = {
        name: html.split(f'href="{a.get_absolute_url()}"', 1)[1].split("</tr>", 1)[0]
        for name, a in (("Fresh", fresh), ("Idle", idle), ("Ended", ended.athlete))
    }
    assert "too early" in cells["Fresh"]
    assert "list-adherence" not in cells["Fresh"]
    assert "No program" in cells["Idle"]
    assert "list-adherence" not in cells["Idle"]
    assert "No program" in cells["Ended"]
    assert "list-adherence" not in cells["Ended"]
    assert text_after(html, f'id="list-adherence-{lapsed.athlete.pk}"') == "0 %"
    assert "0 of 6 sessions" in html
    assert "last 4 weeks" not in html
    # The athlete page agrees: no figure for the program that has not had a full week yet.
    assert 'id="header-adherence"' not in client_for(coach).get(fresh.get_absolute_url()).text


def test_athlete_list_shows_only_visible_athletes_with_their_summary(
    on_program: OnProgram, coach: User, other_coach: User
) -> None:
    AthleteFactory(name="Not mine", coach=other_coach)
    AthleteFactory(name="Benchless", coach=coach)
    w = WorkoutFactory(athlete=on_program.athlete, date=today() - dt.timedelta(days=2))
    WorkoutFactory(athlete=on_program.athlete, date=today() - dt.timedelta(days=4))
    WorkoutReviewFactory(workout=w)
    rows = roster.athlete_list(user=coach)
    assert [r.athlete.name for r in rows] == ["Alex", "Benchless"]
    alex = rows[0]
    assert alex.assignment == on_program.assignment
    assert alex.last_workout == today() - dt.timedelta(days=2)
    assert alex.unreviewed == 1
    assert rows[1].assignment is None
    assert rows[1].last_workout is None
    assert [r.athlete.name for r in roster.athlete_list(user=coach, query="bench")] == ["Benchless"]


def test_the_position_counts_every_session_logged_against_the_program(athlete: Athlete) -> None:
    assignment = on_two_days_a_week(athlete, weeks=30)
    for n in range(1, 11):
        WorkoutFactory(
            athlete=athlete, assignment=assignment, date=today() - dt.timedelta(days=10 * n)
        )
    WorkoutFactory(athlete=athlete, date=today() - dt.timedelta(days=1))  # off the program
    (row,) = roster.athlete_list(user=athlete.coach)
    assert row.position is not None
    assert row.position.session_index == 10


# --- query counts: constant whatever the number of athletes -----------------------------------


def count_queries(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_athlete_list_query_count_does_not_grow_with_athletes(
    coach: User, django_assert_num_queries: Any
) -> None:
    first = AthleteFactory(coach=coach)
    add_history(first, put_on_program(first), 2)
    # Athletes with their aggregates; all their assignments; their workouts in the window.
    with django_assert_num_queries(3):
        assert len(roster.athlete_list(user=coach)) == 1
    client = client_for(coach)
    one = count_queries(lambda: client.get(reverse("athletes:list")))
    for n in range(6):
        more = AthleteFactory(coach=coach)
        add_history(more, put_on_program(more), 3)
        # Past programs and workouts outside the window are in the data, not in the count.
        past = AthleteProgramFactory(
            athlete=more,
            start_date=this_monday() - dt.timedelta(weeks=20 + n),
            is_active=False,
            ended_on=this_monday() - dt.timedelta(weeks=10),
        )
        log_weeks(past, {15: 2, 14: 1, 11: 3})
    with django_assert_num_queries(3):
        rows = roster.athlete_list(user=coach)
    assert len(rows) == 7
    with django_assert_num_queries(one):
        html = client.get(reverse("athletes:list")).content.decode()
    assert html.count('id="list-adherence-') == 7


def test_runs_of_a_plan_beside_the_primary_do_not_count_as_its_sessions(coach: User) -> None:
    runner = AthleteFactory(name="Runner", coach=coach)
    lifting = on_two_days_a_week(runner, weeks=4)
    running = AthleteProgramFactory(
        athlete=runner,
        template=ProgramTemplateFactory(num_days=3, num_weeks=8, is_loop=True),
        start_date=lifting.start_date,
        role="supplemental",
    )
    log_weeks(lifting, {4: 1, 3: 1, 2: 2, 1: 2})  # 6 of the 8 lifting sessions
    for weeks_ago in (4, 3, 2, 1):  # and three runs every week, on days 4-6
        for n in range(3):
            day = this_monday() - dt.timedelta(weeks=weeks_ago) + dt.timedelta(days=3 + n)
            WorkoutFactory(athlete=runner, assignment=running, date=day)
    row = {r.athlete.name: r for r in roster.athlete_list(user=coach)}["Runner"]
    assert row.adherence is not None
    assert (row.adherence.counted, row.adherence.prescribed, row.adherence.percent) == (6, 8, 75)
    header = client_for(coach).get(runner.get_absolute_url()).content.decode()
    assert text_after(header, 'id="header-adherence"') == "75 %"
    assert build_packet(runner).adherence.rate_pct == 75.0
