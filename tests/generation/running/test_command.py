"""manage.py running_plan: drafts a plan as a generation run; --json prints CatalogJSON."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from athletes.models import Athlete
from generation.models import GenerationRun
from programs.catalog.parse import parse_catalog


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("running_plan", *args, stdout=out)
    return out.getvalue()


def test_json_prints_catalogjson_with_distance_sets_in_weekday_order(athlete: Athlete) -> None:
    out = run_command(
        f"--athlete={athlete.pk}",
        "--race=10k",
        "--weeks=8",
        "--days=3",
        "--preferred=sat,mon,wed",
        "--long-run=sat",
        "--start=2026-12-07",
        "--json",
    )
    doc = json.loads(out)
    assert parse_catalog(doc, strict=True).ok
    program = doc["programs"][0]
    week1 = [s for s in program["prescribed_sets"] if s["week"] == 1]
    assert [s["notes"][:3] for s in week1] == ["Mon", "Wed", "Sat"]
    assert [s["exercise"] for s in week1][-1] == "Long Run"
    assert all(s["rep_type"] == "distance" and s["reps"] >= 1000 for s in week1)
    assert GenerationRun.objects.filter(athlete=athlete, status="ready").count() == 1


def test_summary_lists_weeks_and_realism_warnings(athlete: Athlete) -> None:
    out = run_command(
        f"--athlete={athlete.pk}", "--race=marathon", "--weeks=8", "--days=4", "--no-speedwork"
    )
    assert "week  8  race" in out
    assert "Unrealistic: a marathon in 8 weeks from 0 km/week" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preferred=mon,wed"], "Preferred days: 2 weekdays given for 3 days a week."),
        (["--preferred=mon,wed,funday"], "--preferred: “funday” is not a weekday"),
        (["--long-run=sun", "--preferred=mon,wed,sat"], "Long-run day: Sun is not one of"),
    ],
)
def test_bad_options_are_refused_in_the_coachs_words(
    athlete: Athlete, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run_command(f"--athlete={athlete.pk}", "--race=10k", "--weeks=8", "--days=3", *args)
    assert not GenerationRun.objects.exists()


def test_unknown_athlete_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="No athlete with id 999"):
        run_command("--athlete=999", "--race=5k", "--weeks=6", "--days=3")
