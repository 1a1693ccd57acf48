"""The coach's main flow in a real browser: Generate → progress → preview → edit → approve.

The task queue is the real database backend. While the coach watches the progress page, the
test plays the worker: it runs `db_worker --batch` in the test thread (the live server shares
the in-memory test database with it), and the page, polling every second, turns into the
preview on its own. No worker process is needed.
"""

from __future__ import annotations

import signal
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from athletes.models import AthleteProgram, User
from generation.models import GenerationRun, RunStatus
from tests.conftest import PASSWORD
from tests.generation.factories_runs import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run_worker_once() -> None:
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_coach_generates_edits_and_approves_the_next_program(
    live_server: Any, page: Any, coach: User, settings: Any
) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    world = build_world(coach)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "coach")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Tommy").click()

    page.get_by_role("link", name="Generate next program").click()
    expect(page.locator("#engine-message")).to_have_text(
        "No LLM configured: the built-in rules engine will draft this program."
    )
    expect(page.locator("#id_program_name")).to_have_value("Sport Performance — Month 4")
    page.get_by_label("Strength").check()
    page.get_by_role("button", name="Generate draft").click()

    # Progress: queued until a worker picks it up; the page polls.
    body = page.locator("#run-body")
    expect(body).to_have_attribute("data-status", "queued")
    expect(page.locator("#run-stage")).to_have_text("Waiting for the background worker…")
    expect(body).to_have_attribute("hx-trigger", "every 1s")

    run_worker_once()

    # The poll swaps in the preview, without a reload.
    expect(body).to_have_attribute("data-status", "ready", timeout=10_000)
    expect(body).not_to_have_attribute("hx-trigger", "every 1s")
    expect(page.locator("#reasoning")).to_contain_text("Started from Sport Performance — Month 3")
    expect(page.locator("#run-meta")).to_contain_text("Rules engine")

    # Edit Back Squat, week 1 day 1, set 1, in place.
    cell = page.locator('.week-grid-cell[data-week="1"][data-day="1"]')
    squat = cell.locator('.gen-exercise[data-exercise="Back Squat"]')
    # Identical sets are one line, as a coach writes them; opening it shows each set.
    expect(squat.locator(".set-group-label").first).to_have_text("3×5 @ 75 %")
    squat.locator(".set-group > summary").first.click()
    squat.get_by_role("link", name="Edit set 1 of Back Squat, week 1 day 1").click()
    form = page.locator("form.gen-set-form")
    form.get_by_label("Reps").fill("3")
    form.get_by_label("% TM").fill("90")
    page.evaluate("window.samePage = true")
    form.get_by_role("button", name="Save set").click()
    expect(squat.locator(".set-group-label").first).to_have_text("3 @ 90 %")
    expect(squat.locator(".set-group").first).to_contain_text("edited")
    assert page.evaluate("window.samePage === true"), "the edit reloaded the page"

    # Approving first says what happens and shows the edit in coach words.
    page.locator("#approve-confirm > summary").click()
    expect(page.locator("#approve-outcome")).to_contain_text("“Sport Performance — Month 3” ends")
    expect(page.locator("#approve-changes")).to_contain_text(
        "Back Squat week 1 day 1 set 1: 5 @ 75 % → 3 @ 90 %"
    )
    page.get_by_role("button", name="Approve and start").click()

    # Back on the athlete page, with the new program active and the edited set in it.
    expect(page.locator(".message-success")).to_contain_text(
        "Approved: “Sport Performance — Month 4” is now Tommy's program."
    )
    today = page.locator("#today")
    expect(today).to_contain_text("Sport Performance — Month 4")
    expect(today).to_contain_text("90 %")

    active = AthleteProgram.objects.get(athlete=world.athlete, is_active=True, role="primary")
    assert active.template.name == "Sport Performance — Month 4"
    edited = active.template.sets.get(exercise=world.squat, week=1, day=1, set_number=1)
    assert (edited.reps, edited.percentage) == (3, 90)
    run = GenerationRun.objects.get()
    assert run.status == RunStatus.APPROVED
    assert {(c["field"], c["new"]) for c in run.edits} == {("reps", 3), ("percentage", 90)}

    # Changed our mind before any workout: the approval is taken back in two steps.
    page.goto(f"{live_server.url}{run.get_absolute_url()}")
    page.locator("#unapprove-confirm > summary").click()
    expect(page.locator("#unapprove-confirm")).to_contain_text("resumes where it stopped")
    page.get_by_role("button", name="Yes, take the approval back").click()
    expect(page.locator(".message-success, .message-info").first).to_be_visible()
    run.refresh_from_db()
    assert run.status == RunStatus.READY
    active = AthleteProgram.objects.get(athlete=world.athlete, is_active=True, role="primary")
    assert active.template.name == "Sport Performance — Month 3"
