"""The GenerationRun admin: a read-only audit list with monthly token and cost totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from athletes.models import User
from generation.models import GenerationRun, RunStatus
from tests.factories import AthleteFactory


def make_run(coach: User, when: dt.datetime, **fields: Any) -> GenerationRun:
    athlete = AthleteFactory(coach=coach)
    return GenerationRun.objects.create(
        athlete=athlete,
        created_at=when,
        status=RunStatus.APPROVED,
        request={"program_name": "Block"},
        **fields,
    )


def test_changelist_shows_totals_per_month(admin_client_: Any, coach: User) -> None:
    now = timezone.now().replace(day=15)
    last_month = now - dt.timedelta(days=31)
    make_run(coach, now, tokens_in=1000, tokens_out=500, cost_usd=Decimal("0.25"), model="m")
    make_run(coach, now, tokens_in=3000, tokens_out=1500, cost_usd=Decimal("0.5"), model="m")
    make_run(coach, last_month, tokens_in=7, tokens_out=3, cost_usd=Decimal("0.001"))
    response = admin_client_.get(reverse("admin:generation_generationrun_changelist"))
    assert response.status_code == 200
    totals = response.context["monthly_totals"]
    assert [(t["runs"], t["tokens_in"], t["tokens_out"], t["cost"]) for t in totals] == [
        (2, 4000, 2000, Decimal("0.75")),
        (1, 7, 3, Decimal("0.001")),
    ]
    assert "Totals per month" in response.content.decode()


def test_totals_follow_the_changelist_filters(admin_client_: Any, coach: User) -> None:
    now = timezone.now()
    make_run(coach, now, tokens_in=10, engine_used="llm")
    make_run(coach, now, tokens_in=5, engine_used="rules")
    url = reverse("admin:generation_generationrun_changelist") + "?engine_used__exact=llm"
    totals = admin_client_.get(url).context["monthly_totals"]
    assert [t["tokens_in"] for t in totals] == [10]


def test_detail_is_read_only_and_search_finds_the_athlete(admin_client_: Any, coach: User) -> None:
    run = make_run(coach, timezone.now(), draft={"type": "catalog"})
    page = admin_client_.get(reverse("admin:generation_generationrun_change", args=[run.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert "&quot;catalog&quot;" in html  # the draft, pretty-printed
    listing = admin_client_.get(
        reverse("admin:generation_generationrun_changelist") + f"?q={run.athlete.name}"
    )
    assert f">{run.pk}<" in listing.content.decode()
    assert admin_client_.get(reverse("admin:generation_generationrun_add")).status_code == 403


def test_who_requested_and_decided_is_the_coachs_name_not_the_login(
    admin_client_: Any, coach: User
) -> None:
    coach.first_name, coach.last_name = "Dana", "Reyes"
    coach.save()
    run = make_run(coach, timezone.now(), requested_by=coach, decided_by=coach)
    page = admin_client_.get(reverse("admin:generation_generationrun_change", args=[run.pk]))
    html = page.content.decode()
    assert html.count("Dana Reyes") == 2  # requested by, decided by
    assert f">{coach.username}<" not in html
    listing = admin_client_.get(reverse("admin:generation_generationrun_changelist"))
    assert '<td class="field-requested_by_name">Dana Reyes</td>' in listing.content.decode()


def test_a_coach_without_a_name_is_shown_by_login(admin_client_: Any, coach: User) -> None:
    coach.first_name = coach.last_name = ""
    coach.save()
    make_run(coach, timezone.now(), requested_by=coach)
    listing = admin_client_.get(reverse("admin:generation_generationrun_changelist"))
    assert f'<td class="field-requested_by_name">{coach.username}</td>' in listing.content.decode()
