from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from athletes.models import (
    Athlete,
    HistoryImportDraft,
    HistoryNameChoice,
    User,
    Workout,
    WorkoutSet,
)
from programs.models import Exercise
from tests.athletes.history.conftest import data
from tests.conftest import client_for
from tests.factories import AthleteFactory, WorkoutFactory


def upload(
    client: Client, athlete: Athlete, name: str, content: bytes | None = None, **extra: str
) -> Any:
    file = SimpleUploadedFile(name, content if content is not None else data(name))
    url = reverse("athletes:history_upload", args=[athlete.pk])
    return client.post(url, {"file": file, "unit": "lbs", **extra})


def test_upload_preview_import_flow(
    coach: User, athlete: Athlete, catalog: dict[str, Exercise]
) -> None:
    client = client_for(coach)
    response = upload(client, athlete, "hevy.csv")
    draft = HistoryImportDraft.objects.get()
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()
    page = client.get(draft.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bench Press (Barbell)" in html
    assert "Dates that already have a workout" in html
    done = client.post(draft.get_absolute_url(), {"action": "import", "merge_policy": "merge"})
    assert done.status_code == 302
    assert done.url == athlete.get_absolute_url()
    assert WorkoutSet.objects.filter(workout__athlete=athlete).count() == 6
    assert not HistoryImportDraft.objects.exists()


def test_preview_shows_unmatched_names_and_import_is_refused_until_chosen(
    coach: User, athlete: Athlete, catalog: dict[str, Exercise]
) -> None:
    client = client_for(coach)
    text = data("hevy.csv").replace(b'"Plank"', b'"Planche Hold"')
    upload(client, athlete, "hevy.csv", text)
    draft = HistoryImportDraft.objects.get()
    refused = client.post(draft.get_absolute_url(), {"action": "import"})
    assert refused.status_code == 422
    assert "&#x27;Planche Hold&#x27; (row 6, 1 rows) matches nothing" in refused.content.decode()
    assert not Workout.objects.exists()
    plank = catalog["Plank"]
    ok = client.post(
        draft.get_absolute_url(),
        {"action": "import", "name:planche hold": f"db:{plank.pk}", "merge_policy": "separate"},
    )
    assert ok.status_code == 302
    assert WorkoutSet.objects.filter(exercise=plank).count() == 1
    assert HistoryNameChoice.objects.get(source_name="planche hold").exercise == plank


def test_separate_choice_keeps_the_days_workout_apart(
    coach: User, athlete: Athlete, catalog: dict[str, Exercise]
) -> None:
    import datetime as dt

    WorkoutFactory(athlete=athlete, date=dt.date(2025, 9, 15))
    client = client_for(coach)
    upload(client, athlete, "hevy.csv")
    draft = HistoryImportDraft.objects.get()
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Mon 15 Sep 2025: 0 sets logged, 6 in the file" in page
    client.post(draft.get_absolute_url(), {"action": "import", "merge_policy": "separate"})
    assert Workout.objects.filter(athlete=athlete, date=dt.date(2025, 9, 15)).count() == 2


def test_a_bad_file_gets_row_and_column_and_writes_nothing(
    coach: User, athlete: Athlete, catalog: dict[str, Exercise]
) -> None:
    client = client_for(coach)
    text = data("strong_classic.csv").replace(b"17:02:58", b"yesterday", 1)
    response = upload(client, athlete, "strong.csv", text)
    assert response.status_code == 422
    assert (
        "row 2, column Date: &#x27;2024-03-05 yesterday&#x27; is not a date"
        in response.content.decode()
    )
    assert not HistoryImportDraft.objects.exists()
    wrong = upload(client, athlete, "photo.csv", b"\x89PNG\r\n\x1a\n\x00\xff")
    assert wrong.status_code == 422
    assert "not UTF-8 text" in wrong.content.decode()


def test_oversized_file_is_refused(coach: User, athlete: Athlete, settings: Any) -> None:
    client = client_for(coach)
    big = b"Date,Exercise Name,Set Order\n" + b"x" * (10 * 1024 * 1024)
    response = upload(client, athlete, "big.csv", big)
    assert response.status_code == 422
    assert "over 10 MB" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("coach", 200), ("other", 404), ("athlete", 403), ("stranger", 403)],
)
def test_import_page_access(
    who: str, status: int, admin_user: User, coach: User, other_coach: User, athlete: Athlete
) -> None:
    other = AthleteFactory(name="Other", user=None)
    users = {
        "admin": admin_user, "coach": coach, "other": other_coach, "athlete": athlete.user,
    }  # fmt: skip
    target = other if who == "stranger" else athlete
    user = athlete.user if who == "stranger" else users[who]
    response = client_for(user).get(reverse("athletes:history_upload", args=[target.pk]))
    assert response.status_code == status


def test_drafts_of_another_coachs_athlete_are_not_found(
    coach: User, other_coach: User, athlete: Athlete, catalog: dict[str, Exercise]
) -> None:
    upload(client_for(coach), athlete, "hevy.csv")
    draft = HistoryImportDraft.objects.get()
    intruder = client_for(other_coach)
    assert intruder.get(draft.get_absolute_url()).status_code == 404
    assert intruder.post(draft.get_absolute_url(), {"action": "import"}).status_code == 404
    assert not Workout.objects.exists()


def test_exports_download_for_coach_and_the_athlete_only(
    coach: User, other_coach: User, athlete: Athlete
) -> None:
    csv_url = reverse("athletes:history_export_csv", args=[athlete.pk])
    json_url = reverse("athletes:history_export_json", args=[athlete.pk])
    response = client_for(coach).get(json_url)
    assert response.status_code == 200
    assert json.loads(response.content)["athlete"]["name"] == "Alex"
    assert "attachment" in response["Content-Disposition"]
    assert client_for(athlete.user).get(csv_url).status_code == 200
    assert client_for(other_coach).get(csv_url).status_code == 404
    assert client_for(None).get(csv_url).status_code == 302


def test_athlete_page_links_to_import_for_the_coach_only(coach: User, athlete: Athlete) -> None:
    url = reverse("athletes:history_upload", args=[athlete.pk])
    assert url in client_for(coach).get(athlete.get_absolute_url()).content.decode()
    assert url not in client_for(athlete.user).get(athlete.get_absolute_url()).content.decode()


def test_workout_page_marks_imported_warmups(
    coach: User, athlete: Athlete, catalog: dict[str, Exercise]
) -> None:
    from athletes.history.detect import parse_history
    from athletes.history.service import history_import

    history_import(athlete=athlete, parsed=parse_history(data("hevy.csv")), by=coach)
    workout = Workout.objects.get(athlete=athlete)
    html = client_for(coach).get(workout.get_absolute_url()).content.decode()
    assert "Warm-up" in html
    assert "Drop set" in html
    assert "5.0 km in 27:00, 5:24 /km" in html  # distance, time and pace of the run
