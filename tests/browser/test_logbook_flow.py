from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from athletes.models import Athlete, Workout
from tests.athletes.conftest import put_on_program
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coach_logs_todays_session_and_the_prescription_advances(
    live_server: Any, page: Any, athlete: Athlete
) -> None:
    on = put_on_program(athlete)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "coach")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Athletes")).to_be_visible()

    page.get_by_role("link", name="Alex").click()
    today = page.locator("#today")
    expect(today.locator(".pill")).to_have_text("Week 1, Day 1")
    expect(today).to_contain_text("Back Squat")
    expect(today).to_contain_text("170 lbs")  # 85 % of the 200 TM

    today.get_by_role("link", name="Log this session").click()
    rows = page.locator("#set-rows .set-row")
    expect(rows).to_have_count(10)
    page.fill("#id_set-2-reps", "8")  # the AMRAP set: what the athlete achieved

    page.evaluate("window.samePage = true")
    add_set = page.get_by_role("button", name="+ Add set")
    add_set.click()
    expect(rows).to_have_count(11)
    add_set.click()
    expect(rows).to_have_count(12)
    assert page.evaluate("window.samePage === true"), "the rows came from a page load, not htmx"
    rows.nth(11).get_by_role("button", name="Remove this set").click()  # changed our mind
    expect(rows).to_have_count(11)
    new_row = rows.nth(10)
    new_row.locator("select[name$='-exercise']").select_option(label="Deadlift")
    new_row.locator("input[name$='-reps']").fill("5")
    new_row.locator("input[name$='-weight']").fill("225")

    page.get_by_role("button", name="Save workout", exact=True).last.click()
    expect(page.locator(".message-success")).to_contain_text("Week 1, Day 1")
    expect(page.locator("#today .pill")).to_have_text("Week 1, Day 2")
    expect(page.locator("#today")).to_contain_text("Deadlift")

    workout = Workout.objects.get(athlete=athlete)
    assert (workout.week, workout.day, workout.assignment_id) == (1, 1, on.assignment.pk)
    assert workout.sets.count() == 11
    assert workout.sets.filter(exercise=on.deadlift, reps=5).exists()


def test_notes_are_added_and_refused_in_place(
    live_server: Any, page: Any, athlete: Athlete
) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "coach")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}{athlete.get_absolute_url()}")
    page.evaluate("window.samePage = true")

    notes = page.locator("#notes")
    # Blank passes the browser's `required` check; the server answers 422, swapped in place.
    notes.get_by_placeholder("Add a note…").fill("   ")
    notes.get_by_role("button", name="Add note").click()
    expect(notes.locator(".errorlist")).to_contain_text("This field is required.")

    notes.get_by_placeholder("Add a note…").fill("Felt the left knee on box jumps.")
    notes.get_by_label("Pin").check()
    notes.get_by_role("button", name="Add note").click()
    pinned = page.locator("#notes .note-pinned")
    expect(pinned).to_contain_text("Felt the left knee on box jumps.")
    expect(page.locator("#notes .errorlist")).to_have_count(0)
    pinned.get_by_role("button", name="Unpin").click()
    expect(page.locator("#notes .note-pinned")).to_have_count(0)
    assert page.evaluate("window.samePage === true"), "a full page load happened"
    assert athlete.athlete_notes.get().is_pinned is False
