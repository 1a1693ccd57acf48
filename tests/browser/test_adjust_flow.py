from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from athletes.models import Athlete, Workout
from generation.models import AdjustmentStatus, SessionAdjustment
from tests.conftest import PASSWORD
from tests.generation.session.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coach_adjusts_todays_session_and_logs_it(
    live_server: Any, page: Any, athlete: Athlete
) -> None:
    build_world(athlete)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "coach")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}{athlete.get_absolute_url()}")
    page.evaluate("window.samePage = true")

    page.get_by_role("link", name="Adjust for today").click()
    checkin = page.locator("#checkin")
    checkin.get_by_label("Sleep quality (1–5)").select_option("2")
    checkin.get_by_label("Energy (1–5)").select_option("2")
    checkin.get_by_label("Quads soreness (1–10)").fill("7")
    checkin.get_by_label("Strategy").select_option("formula")
    checkin.get_by_role("button", name="Adjust for today").click()

    result = page.locator("#checkin")
    expect(result).to_contain_text("Back Squat −2 sets, ×0.95: quads soreness 7/10")
    expect(result.locator("mark").first).to_contain_text("1×5 × 205 lbs")
    assert page.evaluate("window.samePage === true"), "the check-in was not swapped in by htmx"

    result.get_by_role("link", name="Accept and log").click()
    expect(page.locator("#id_set-0-weight")).to_have_value("205")
    page.get_by_role("button", name="Save workout", exact=True).last.click()
    expect(page.locator(".message-success")).to_contain_text("Adjusted session logged")

    record = SessionAdjustment.objects.get()
    assert record.status == AdjustmentStatus.ACCEPTED
    assert record.workout == Workout.objects.get(athlete=athlete)
