"""The generation-quality page: its figures, its scope, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from athletes.models import Athlete, User
from generation.feedback.models import LearnedPreference
from generation.feedback.quality import quality_rows, sets_changed, summarise
from generation.models import GenerationRun, RunStatus
from tests.factories import AthleteFactory

pytestmark = pytest.mark.django_db

SWAP = {"op": "swap_exercise", "week": 1, "day": 1, "from": "Depth Jump", "to": "Box Jump"}


def _draft(n_sets: int) -> dict[str, Any]:
    sets = [
        {"exercise": "Back Squat", "week": 1, "day": 1, "set_number": i + 1} for i in range(n_sets)
    ]
    return {"programs": [{"name": "P", "prescribed_sets": sets}]}


def _run(
    athlete: Athlete,
    *,
    approved: bool,
    edits: list[dict[str, Any]] | None = None,
    reason: str = "",
    model: str = "gpt-x",
    hours: float = 2,
) -> GenerationRun:
    finished = timezone.now() - dt.timedelta(days=1)
    return GenerationRun.objects.create(
        athlete=athlete, engine_used="llm", model=model, draft=_draft(10),
        status=RunStatus.APPROVED if approved else RunStatus.REJECTED, edits=edits or [],
        rejection_reason=reason, finished_at=finished,
        decided_at=finished + dt.timedelta(hours=hours),
    )  # fmt: skip


def test_sets_changed_counts_each_set_once() -> None:
    edits = [
        {**SWAP, "sets": 3},
        {"op": "change", "week": 1, "day": 1, "set_number": 1, "field": "reps", "old": 5, "new": 3},
        {"op": "change", "week": 1, "day": 1, "set_number": 1, "field": "percentage"},
        {"op": "remove_set", "week": 1, "day": 2, "set_number": 3},
    ]
    assert sets_changed(edits) == 5


def test_figures_per_engine_and_model(athlete: Athlete, coach: User) -> None:
    _run(athlete, approved=True, edits=[{**SWAP, "sets": 2}], hours=1)
    _run(athlete, approved=True, edits=[], hours=3)
    _run(athlete, approved=False, reason="Too much volume", hours=5)
    _run(athlete, approved=False, reason="Too much volume", model="other")
    report = summarise(quality_rows(coach))
    line = next(e for e in report.engines if e.model == "gpt-x")
    assert (line.decided, line.approved, line.rejected) == (3, 2, 1)
    assert line.edit_rate == pytest.approx(10.0)  # 2 of 20 approved sets
    assert line.approval_rate == pytest.approx(200 / 3)
    assert line.median_decision_hours == 3
    assert report.reasons == [("Too much volume", 2)]
    assert report.swapped_out == [("Depth Jump", 1)]


def test_a_coach_sees_only_their_athletes_runs(
    athlete: Athlete, coach: User, other_coach: User, admin_user: User
) -> None:
    _run(athlete, approved=True)
    _run(AthleteFactory(coach=other_coach), approved=True)
    assert len(quality_rows(coach)) == 1
    assert len(quality_rows(other_coach)) == 1
    assert len(quality_rows(admin_user)) == 2


def _page(client: Client) -> str:
    response = client.get(reverse("generation:quality"))
    assert response.status_code == 200
    return response.content.decode()


def test_page_queries_do_not_grow_with_runs(
    athlete: Athlete, coach: User, coach_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:  # fmt: skip
    _run(athlete, approved=True, edits=[{**SWAP, "sets": 2}])
    LearnedPreference.objects.create(athlete=athlete, kind="swap", subject="A", detail="B", count=1)
    _page(coach_client)  # warm the session and settings caches
    # session, user, the runs, the preferences, the settings read by the page layout
    with django_assert_num_queries(5) as first:
        _page(coach_client)
    for _ in range(5):
        _run(AthleteFactory(coach=coach), approved=False, reason="no")
        other = AthleteFactory(coach=coach)
        LearnedPreference.objects.create(athlete=other, kind="remove", subject="X", count=2)
    with django_assert_num_queries(len(first.captured_queries)):
        html = _page(coach_client)
    assert "Depth Jump" in html
    assert html.count("Clear</button>") == 6


def test_clearing_a_preference_hides_it(athlete: Athlete, coach_client: Client) -> None:
    pref = LearnedPreference.objects.create(
        athlete=athlete, kind="swap", subject="Depth Jump", detail="Box Jump", count=2, recent=2
    )
    assert "Replaced Depth Jump with Box Jump 2 times" in _page(coach_client)
    coach_client.post(reverse("generation:preference_clear", args=[pref.pk]))
    pref.refresh_from_db()
    assert pref.cleared
    assert "Clear</button>" not in _page(coach_client)
