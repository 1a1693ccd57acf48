"""The history, review and run pages do not grow in queries with the number of runs."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from athletes.models import User
from generation.models import GenerationRun, RunStatus
from tests.factories import AthleteFactory, ProgramTemplateFactory
from tests.generation.factories_runs import (
    request_for,
    small_catalog,
)

# Session, user, the athlete and the "may manage" check, the runs (requester, template and
# decider joined), the request's one read of the settings (app name, weight unit).
HISTORY_QUERIES = 6
# Session, user, the ready runs of the coach's athletes (athlete and requester joined), settings.
DRAFTS_QUERIES = 4


def add_runs(coach: User, athletes: list[Any], per_athlete: int) -> None:
    template = ProgramTemplateFactory(name=f"T{GenerationRun.objects.count()}")
    statuses = [RunStatus.READY, RunStatus.APPROVED, RunStatus.FAILED, RunStatus.REJECTED]
    for athlete in athletes:
        for i in range(per_athlete):
            status = statuses[i % len(statuses)]
            GenerationRun.objects.create(
                athlete=athlete,
                requested_by=coach,
                decided_by=coach if status in (RunStatus.APPROVED, RunStatus.REJECTED) else None,
                status=status,
                request=request_for(f"Block {i}").as_dict(),
                draft=small_catalog(),
                approved_template=template if status == RunStatus.APPROVED else None,
                tokens_in=100,
                tokens_out=50,
                edits=[{"op": "rename_program", "old": "a", "new": "b"}],
            )


def count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("runs", [1, 12])
def test_history_page_queries_are_constant(
    coach: User, coach_client: Any, runs: int, django_assert_num_queries: Any
) -> None:
    athlete = AthleteFactory(name="Sam", coach=coach)
    add_runs(coach, [athlete], runs)
    url = reverse("generation:history", args=[athlete.pk])
    coach_client.get(url)  # warm the settings cache of this process
    with django_assert_num_queries(HISTORY_QUERIES):
        response = coach_client.get(url)
    assert response.content.decode().count('data-label="Status"') == runs


@pytest.mark.parametrize("athletes", [1, 8])
def test_drafts_page_queries_are_constant(
    coach: User, coach_client: Any, athletes: int, django_assert_num_queries: Any
) -> None:
    mine = [AthleteFactory(name=f"A{i}", coach=coach) for i in range(athletes)]
    add_runs(coach, mine, 4)  # one ready run each
    url = reverse("generation:drafts")
    coach_client.get(url)
    with django_assert_num_queries(DRAFTS_QUERIES):
        response = coach_client.get(url)
    assert response.content.decode().count(">Review</a>") == athletes


def test_run_page_queries_do_not_depend_on_the_program_size(coach: User, coach_client: Any) -> None:
    athlete = AthleteFactory(name="Sam", coach=coach)
    small = GenerationRun.objects.create(
        athlete=athlete,
        status=RunStatus.READY,
        draft=small_catalog(),
        request={"program_name": "s"},
    )
    big_catalog = small_catalog()
    big_catalog["programs"][0]["num_weeks"] = 4
    big_catalog["programs"][0]["prescribed_sets"] = [
        {**row, "week": week}
        for week in range(1, 5)
        for row in small_catalog()["programs"][0]["prescribed_sets"]
    ]
    big = GenerationRun.objects.create(
        athlete=athlete, status=RunStatus.READY, draft=big_catalog, request={"program_name": "b"}
    )
    coach_client.get(small.get_absolute_url())
    assert count_queries(coach_client, small.get_absolute_url()) == count_queries(
        coach_client, big.get_absolute_url()
    )
