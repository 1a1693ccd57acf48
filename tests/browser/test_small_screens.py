"""The main pages on a 390 px phone: every nav link in sight, nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from athletes.models import User
from generation.engines import dispatch
from tests.athletes.conftest import put_on_program
from tests.conftest import PASSWORD
from tests.factories import AthleteFactory, BodyWeightFactory
from tests.generation.factories_runs import (
    FixedEngine,
    build_world,
    request_for,
    run_to_ready,
    small_catalog,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_main_pages_fit_a_390px_phone(
    live_server: Any,
    phone: Any,
    admin_user: User,
    coach: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = build_world(coach)
    alex = put_on_program(AthleteFactory(name="Alex", coach=coach))
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(small_catalog("Month 4")))
    run = run_to_ready(world.athlete, coach, request_for("Month 4"))

    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "admin")
    phone.fill("#id_password", PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_role("heading", name="Athletes")).to_be_visible()

    nav = phone.get_by_role("navigation", name="Main")
    for name in ("Athletes", "Drafts", "Settings", "Admin"):
        link = nav.get_by_role("link", name=name, exact=True)
        expect(link).to_be_in_viewport()

    pages = {
        "athletes": reverse("athletes:list"),
        "athlete": world.athlete.get_absolute_url(),
        "log form": reverse("athletes:workout_log", args=[alex.athlete.pk]),
        "draft preview": run.get_absolute_url(),
        "drafts": reverse("generation:drafts"),
        "settings": reverse("settings_app:page"),
        "import": reverse("programs:import_upload"),
        "programs": reverse("programs:program_list"),
        "program with loads": f"{alex.template.get_absolute_url()}?athlete={alex.athlete.pk}",
    }
    wide = {}
    for label, path in pages.items():
        phone.goto(f"{live_server.url}{path}")
        overflow = _overflow(phone)
        if overflow > 0:
            wide[label] = overflow
    assert wide == {}, f"pages wider than 390 px (extra px): {wide}"

    # The program page stacks its days on a phone instead of scrolling its grid sideways.
    phone.goto(f"{live_server.url}{pages['program with loads']}")
    grid = phone.locator(".week-grid")
    assert grid.evaluate("el => el.scrollWidth - el.clientWidth") <= 0
    expect(phone.locator(".week-grid-cell").first).to_be_visible()


def test_a_tap_on_a_chart_point_shows_its_value(live_server: Any, phone: Any, coach: User) -> None:
    athlete = AthleteFactory(name="Bea", coach=coach, track_body_weight=True)
    today = dt.date.today()
    for days, weight in ((40, "150.5"), (25, "151"), (10, "152.5"), (2, "153")):
        BodyWeightFactory(
            athlete=athlete, date=today - dt.timedelta(days=days), weight=Decimal(weight)
        )
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "coach")
    phone.fill("#id_password", PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.goto(f"{live_server.url}{athlete.get_absolute_url()}")

    point = phone.locator(".charts .chart-point").last
    value = point.locator(".chart-value")
    expect(value).to_be_hidden()
    point.tap()
    expect(value).to_be_visible()
    expect(value).to_contain_text("153")
    size = phone.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.charts .chart-tick')).fontSize)"
    )
    assert size >= 11
