"""generate_programs --running: a running plan for many athletes, each an ordinary run."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from athletes.models import User
from generation.models import GenerationRun, RunStatus
from tests.factories import AthleteFactory


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_programs", *args, "--poll-interval", "0.01", stdout=out)
    return out.getvalue()


def test_a_batch_of_running_plans(coach: User) -> None:
    athletes = [AthleteFactory(name=n, coach=coach) for n in ("Ann", "Ben")]
    run_command(
        "--coach", "coach", "--running", "half", "--weeks", "10", "--days", "4",
        "--preferred", "tue,thu,sat,sun", "--long-run", "sun", "--start", "2026-12-07",
        "--engine", "rules", "--wait", "--concurrency", "1",
    )  # fmt: skip
    runs = list(GenerationRun.objects.order_by("athlete__name"))
    assert [r.athlete for r in runs] == athletes
    for run in runs:
        assert run.status == RunStatus.READY, run.error_message
        assert run.batch_id
        program = run.draft["programs"][0]
        assert program["name"].startswith("Half marathon plan ")
        assert program["num_weeks"] == 10
        assert program["weeks"][-1]["week_type"] == "race"
        assert {s["exercise"] for s in program["prescribed_sets"]} >= {"Long Run", "Race"}


def test_bad_running_options_are_refused_before_any_run(coach: User) -> None:
    AthleteFactory(name="Ann", coach=coach)
    with pytest.raises(CommandError, match="Preferred days: 2 weekdays given for 4 days a week"):
        run_command("--coach", "coach", "--running", "10k", "--weeks", "8", "--days", "4",
                    "--preferred", "mon,tue")  # fmt: skip
    assert not GenerationRun.objects.exists()
