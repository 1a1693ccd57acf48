from __future__ import annotations

from pathlib import Path

import pytest

from programs.models import Exercise
from tests.factories import ExerciseFactory

DATA = Path(__file__).resolve().parent.parent / "data" / "history"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def catalog(db: None) -> dict[str, Exercise]:
    names = ["Bench Press", "Back Squat", "Deadlift", "Plank", "Run", "Rowing Machine"]
    out = {name: ExerciseFactory(name=name) for name in names}
    out["Bench Press"].aliases = ["Bench Press (Barbell)"]
    out["Bench Press"].save()
    out["Deadlift"].aliases = ["Deadlift (Barbell)"]
    out["Deadlift"].save()
    out["Back Squat"].aliases = ["Squat (Barbell)", "Squat"]
    out["Back Squat"].save()
    out["Run"].aliases = ["Running"]
    out["Run"].save()
    out["Rowing Machine"].aliases = ["Rowing (Machine)"]
    out["Rowing Machine"].save()
    return out
