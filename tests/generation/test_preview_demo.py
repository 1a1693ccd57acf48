"""The draft preview of the demo athletes through the real views: what the engine left out is
listed with "add back", warnings say a note once, each exercise's "Why" is its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from athletes.demo import demo_seed
from athletes.models import Athlete
from generation.models import GenerationRun, RunStatus
from generation.runs.execute import generation_execute
from tests.generation.scenarios import clear_everything

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    # Seeding takes seconds: once for the module (committed), removed at the end.
    with django_db_blocker.unblock():
        demo_seed()
    yield
    with django_db_blocker.unblock():
        clear_everything()


def generate(name: str, **fields: str) -> tuple[Client, GenerationRun]:
    """The coach's Generate form with its defaults (plus `fields`), posted; the run is ready."""
    athlete = Athlete.objects.select_related("coach").get(name=name)
    client = Client()
    client.force_login(athlete.coach)
    url = reverse("generation:generate", args=[athlete.pk])
    form = client.get(url).context["form"]
    data: dict[str, Any] = {
        key: form[key].value() for key in form.fields if form[key].value() not in (None, "")
    }
    data.update(fields)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    run = GenerationRun.objects.filter(athlete=athlete).latest("pk")
    generation_execute(run_id=run.pk)  # the queued task's body, in the test's transaction
    run.refresh_from_db()
    assert run.status == RunStatus.READY, run.error_message
    return client, run


def page(client: Client, run: GenerationRun, **query: str) -> str:
    html: str = client.get(run.get_absolute_url(), query).content.decode()
    return html


def left_out_card(html: str) -> str:
    match = re.search(r'<section class="card"[^>]*id="dropped">.*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_sarahs_side_plank_cut_by_the_day_cap_is_listed_and_added_back(
    demo: None,
) -> None:
    client, run = generate("Sarah Carter")
    card = left_out_card(page(client, run))
    assert "<strong>Side Plank</strong>" in card, card
    assert "at most 6 exercises a day (the request)" in card
    index = next(
        i
        for i, n in enumerate(run.warnings)
        if isinstance(n, dict) and n.get("dropped", {}).get("exercise") == "Side Plank"
    )
    left = run.warnings[index]["dropped"]
    response = client.post(
        reverse("generation:add_back", args=[run.athlete_id, run.pk, index]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<strong>Side Plank</strong>" not in left_out_card(response.content.decode())
    run.refresh_from_db()
    rows = run.current_catalog["programs"][0]["prescribed_sets"]  # type: ignore[index]
    back = [r for r in rows if r["exercise"] == "Side Plank" and r["day"] == left["day"]]
    # Every week it was cut from, with the sets as the engine prescribed them.
    assert {r["week"] for r in back} == set(left["weeks"]) == set(range(1, 5))
    assert [{k: v for k, v in r.items() if not k.startswith("_")} for r in back] == left["sets"]


def test_tommys_exercises_left_out_by_the_cap_and_the_knee_rule_can_all_be_added_back(
    demo: None,
) -> None:
    client, run = generate("Tommy Carter", max_exercises_per_day="4")
    card = left_out_card(page(client, run))
    left = [n["dropped"] for n in run.warnings if isinstance(n, dict) and "dropped" in n]
    capped = {d["exercise"] for d in left if d["reason"].startswith("at most 4 exercises")}
    knee = {d["exercise"] for d in left if "knee" in d["reason"]}
    assert len(capped) == 7, left
    assert {"Depth Jump", "Hurdle Hop"} <= knee
    for d in left:
        assert f"<strong>{d['exercise']}</strong>" in card
        assert d["sets"], d
    assert card.count(">Add back</button>") == len(left)
    # The knee rule's reason is said in the card, not again under the warnings.
    warnings = [n for n in run.warnings if not (isinstance(n, dict) and "dropped" in n)]
    assert not any("Depth Jump left out" in str(n) for n in warnings)
    index = next(
        i
        for i, n in enumerate(run.warnings)
        if isinstance(n, dict) and n.get("dropped", {}).get("exercise") == "Depth Jump"
    )
    response = client.post(
        reverse("generation:add_back", args=[run.athlete_id, run.pk, index]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    run.refresh_from_db()
    rows = run.current_catalog["programs"][0]["prescribed_sets"]  # type: ignore[index]
    jumps = [d for d in left if d["exercise"] == "Depth Jump"]
    assert sum(r["exercise"] == "Depth Jump" for r in rows) == sum(len(d["sets"]) for d in jumps)


def warnings_card(html: str) -> list[str]:
    match = re.search(r'<ul class="list-divided small" id="warnings">(.*?)</ul>', html, re.S)
    items = re.findall(r"<li>(.*?)</li>", match.group(1), re.S) if match else []
    return [re.sub(r"<[^>]+>", "", i) for i in items]


def test_tommys_knee_note_is_quoted_once_with_the_exercises_it_concerns(demo: None) -> None:
    client, run = generate("Tommy Carter")
    html = page(client, run)
    warnings = warnings_card(html)
    knee = [w for w in warnings if "Left knee soreness" in w]
    assert len(knee) == 1, warnings
    (note,) = knee
    assert note.startswith("Pinned coach note of ")
    assert "— loads the knee: " in note
    for exercise in ("Back Squat", "Step-Up", "Power Clean", "Hang Power Clean"):
        assert exercise in note
    # What was left out is in its own card, not again among the warnings or above the week.
    assert not any("left out" in w for w in warnings)
    assert 'id="general-warnings"' not in html
    assert "<strong>Depth Jump</strong>" in left_out_card(html)


def why_blocks(html: str) -> dict[str, str]:
    """Week 1's "Why:" text by exercise, as the preview shows it."""
    out = {}
    for block in re.findall(r'data-exercise="([^"]+)"(.*?)(?=data-exercise="|\\Z)', html, re.S):
        name, body = block
        why = re.search(r'<p class="small muted exercise-reasoning">Why: (.*?)</p>', body, re.S)
        if why:
            out[name] = out.get(name, "") + why.group(1)
    return out


def test_each_exercise_has_only_its_own_why_and_program_wide_lines_stay_in_the_sidebar(
    demo: None,
) -> None:
    client, run = generate("Tommy Carter")
    html = page(client, run)
    whys = why_blocks(html)
    names = {r["exercise"] for r in run.draft["programs"][0]["prescribed_sets"]}
    # A whole name, not the end of a longer one in the same draft.
    assert "Single-Leg Romanian Deadlift" in names
    assert whys["Romanian Deadlift"].startswith("Romanian Deadlift: held")
    assert "Single-Leg" not in whys["Romanian Deadlift"]
    # Lines naming many exercises (the training-log line, the youth and health-notes lines)
    # are the program's: in the sidebar, in no exercise's "Why".
    wide = [
        line
        for line in run.reasoning
        if sum(bool(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", line)) for n in names) >= 4
    ]
    assert any(line.startswith("Numbers for ") for line in wide)
    for name, why in whys.items():
        assert not any(line[:80] in why for line in wide), name
        assert "Numbers for " not in why
    for other in ("Pull-Up", "Hollow Body Hold"):
        assert other not in whys.get("Pallof Press", "")
    # The page carries each line about once, not once per exercise it happens to mention.
    total = sum(len(w) for w in whys.values())
    assert total < len(" ".join(run.reasoning)), (total, len(" ".join(run.reasoning)))


def test_tommys_knee_note_is_quoted_once_on_the_whole_page(demo: None) -> None:
    client, run = generate("Tommy Carter")
    quote = "Left knee soreness"
    assert sum(str(line).count(quote) for line in run.reasoning) > 5  # the engine's own lines
    for week in ("1", "2"):
        html = page(client, run, week=week)
        assert html.count(quote) == 1, week
        warnings = html.split('id="warnings"', 1)[1].split("</ul>", 1)[0]
        assert quote in warnings
        # Elsewhere the note is named by its date: the reasoning still says why.
        assert "loads the knee: pinned coach note of 20" in html.split('id="reasoning"', 1)[1]
