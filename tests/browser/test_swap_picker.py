"""The swap picker in the draft preview: search by typing, same-pattern first, a flagged
exercise warned about as soon as it is picked."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from athletes.models import User
from generation.engines import dispatch
from generation.models import GenerationRun
from tests.conftest import PASSWORD
from tests.factories import ExerciseFactory
from tests.generation.factories_runs import (
    FixedEngine,
    build_world,
    request_for,
    run_to_ready,
    small_catalog,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KNEE_FLAG = {
    "date": "2026-11-20",
    "source": "coach note",
    "body_parts": ["knee"],
    "terms": ["knee"],
    "text": "Left knee sore after jumps.",
}


def test_swap_picker_searches_and_warns_about_a_flagged_exercise(
    live_server: Any, page: Any, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(coach)
    ExerciseFactory(name="Box Jump", movement_pattern="squat")
    ExerciseFactory(name="Wall Sit", movement_pattern="squat")
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(small_catalog("Month 4")))
    run = run_to_ready(world.athlete, coach, request_for("Month 4"))
    packet = dict(run.packet or {})
    packet["notes"] = {**(packet.get("notes") or {}), "health_flags": [KNEE_FLAG]}
    GenerationRun.objects.filter(pk=run.pk).update(packet=packet)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "coach")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}{run.get_absolute_url()}")

    squat = page.locator('.gen-exercise[data-exercise="Back Squat"]')
    squat.get_by_role("link", name="Swap").click()
    select = page.locator("select[name=exercise]")
    options = select.locator("option")
    # Same pattern and safe first; the knee-flagged jump last, marked.
    expect(options.nth(1)).to_contain_text("same pattern")
    expect(options.last).to_have_text("Box Jump · ⚠ flagged")

    search = page.get_by_role("searchbox", name="Search Swap Back Squat for")
    search.fill("wall")
    expect(select).to_have_value(str(_pk("Wall Sit")))
    warning = page.locator("[data-picker-warning]")
    expect(warning).to_be_hidden()

    search.fill("box")
    expect(select).to_have_value(str(_pk("Box Jump")))
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("high-risk for the flagged knee (jump; coach note")


def _pk(name: str) -> int:
    from programs.models import Exercise

    return Exercise.objects.get(name=name).pk
