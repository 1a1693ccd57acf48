"""manage.py adjust_session: prints, and records only with --save."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from athletes.models import Athlete, ReadinessCheckIn
from generation.models import SessionAdjustment
from tests.generation.session.world import World, build_world


@pytest.fixture
def world(athlete: Athlete) -> World:
    return build_world(athlete)


def run(*args: str) -> str:
    out = StringIO()
    call_command("adjust_session", *args, stdout=out)
    return out.getvalue()


def test_json_gives_prescribed_and_adjusted_sets_per_exercise(world: World) -> None:
    out = run(
        "--athlete",
        str(world.athlete.pk),
        "--sleep",
        "2",
        "--energy",
        "2",
        "--soreness",
        "quads=7",
        "--strategy",
        "formula",
        "--json",
    )
    data = json.loads(out)
    squat = data["exercises"][0]
    assert squat["name"] == "Back Squat"
    assert squat["prescribed"][0] == {"reps": 5, "weight": 225.0, "rpe": 8.0, "rep_type": "reps"}
    assert squat["adjusted"] == [{"reps": 5, "weight": 205.0, "rpe": 8.0, "rep_type": "reps"}]
    assert squat["skipped"] is False
    assert data["strategy"] == "formula"
    assert "Back Squat −2 sets, ×0.95: quads soreness 7/10" in data["rationale"]
    assert isinstance(data["warnings"], list)
    assert not SessionAdjustment.objects.exists()
    assert not ReadinessCheckIn.objects.exists()


def test_text_output_and_save(world: World) -> None:
    out = run(
        "--athlete",
        str(world.athlete.pk),
        "--pain",
        "left quads strain",
        "--pain-severity",
        "major",
        "--minutes",
        "30",
        "--save",
    )
    assert "Back Squat: 3×5 × 225 lbs @ RPE 8 → skipped" in out
    assert "Strategy: formula" in out
    record = SessionAdjustment.objects.get()
    assert record.output["exercises"][0]["skipped"] is True
    assert ReadinessCheckIn.objects.get().pain_note == "left quads strain"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--soreness", "quad=7"], "'quad' is not a muscle group"),
        (["--soreness", "quads=12"], "the level must be 1 to 10"),
        (["--sleep", "7"], "sleep must be a whole number from 1 to 5"),
        (["--date", "yesterday"], "--date"),
    ],
)
def test_bad_arguments_are_named(world: World, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("--athlete", str(world.athlete.pk), *args)


def test_an_unknown_athlete_is_named(db: None) -> None:
    with pytest.raises(CommandError, match="--athlete 999: no athlete has this id"):
        run("--athlete", "999")
