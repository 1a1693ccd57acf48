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
