"""A batch prepares its next run's packet while the current run waits for the LLM
(generation_prepare, generation_execute(prepared=…)): the packet is only ever used for its own
run, of its own athlete, and preparing claims nothing."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from typing import Any

import pytest
from django.utils import timezone

from athletes.models import Athlete, User
from generation import batch
from generation.batch import pool
from generation.engines import dispatch
from generation.engines.prompts import packet_room
from generation.models import GenerationRun, RunStatus
from generation.packet import build_packet
from generation.runs.execute import (
    PreparedPacket,
    _packet_to_json,
    generation_execute,
    generation_prepare,
)
from generation.runs.services import generation_request
from tests.factories import AthleteFactory, UserFactory
from tests.generation.factories_runs import (
    FixedEngine,
    World,
    build_world,
    request_for,
    small_catalog,
)
from tests.generation.test_batch_workers import basic_catalog, needs_concurrent_writers


@pytest.fixture
def world(coach: User) -> World:
    return build_world(coach)


def queued_run(athlete: Athlete, coach: User) -> GenerationRun:
    return generation_request(athlete=athlete, request=request_for(), by=coach)


def as_sent(athlete: Athlete) -> Any:
    """The packet a run of `request_for()` saves: sized to the room its prompt leaves."""
    return _packet_to_json(build_packet(athlete, token_budget=packet_room(request_for())))


def saved_packet(run: GenerationRun) -> Any:
    run.refresh_from_db()
    return run.packet


def test_preparing_assembles_the_queued_runs_packet_and_claims_nothing(
    world: World, coach: User
) -> None:
    run = queued_run(world.athlete, coach)
    before = GenerationRun.objects.filter(pk=run.pk).values().get()

    prepared = generation_prepare(run_id=run.pk)

    assert prepared is not None
    assert (prepared.run_id, prepared.packet.meta.athlete_id) == (run.pk, world.athlete.pk)
    assert prepared.packet_json == as_sent(world.athlete)
    assert GenerationRun.objects.filter(pk=run.pk).values().get() == before


def test_a_run_no_longer_queued_is_not_prepared(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(small_catalog()))
    run = queued_run(world.athlete, coach)
    generation_execute(run_id=run.pk)

    assert generation_prepare(run_id=run.pk) is None
    assert generation_prepare(run_id=run.pk + 1000) is None


def test_execute_uses_its_own_prepared_packet(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(small_catalog()))
    run = queued_run(world.athlete, coach)
    prepared = generation_prepare(run_id=run.pk)
    assert prepared is not None
    # Changed after preparing: a packet assembled at the claim would show it.
    world.athlete.notes = "Left knee sore since Monday"
    world.athlete.save()

    generation_execute(run_id=run.pk, prepared=prepared)

    run.refresh_from_db()
    assert run.status == RunStatus.READY
    assert run.packet == prepared.packet_json
    assert "Left knee" not in str(run.packet)
    assert "Left knee" in str(as_sent(world.athlete))  # would show


def test_a_packet_prepared_for_another_run_another_athlete_or_another_day_is_not_used(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatch, "generate_draft", FixedEngine(small_catalog()))
    # Siblings: same coach, same catalog, different data — their packets differ.
    sibling = AthleteFactory(name="Tina", coach=coach, notes="Tina's own notes")
    tommy_run = queued_run(world.athlete, coach)
    tina_run = queued_run(sibling, coach)
    tommy_prepared = generation_prepare(run_id=tommy_run.pk)
    tina_prepared = generation_prepare(run_id=tina_run.pk)
    assert tommy_prepared is not None
    assert tina_prepared is not None
    assert tommy_prepared.packet_json != tina_prepared.packet_json

    # Tommy's packet handed to Tina's run, even labelled with her run (as if mixed up): the
    # packet's own athlete decides, and Tina's run assembles her own.
    generation_execute(
        run_id=tina_run.pk,
        prepared=PreparedPacket(
            run_id=tina_run.pk,
            packet=tommy_prepared.packet,
            packet_json=tommy_prepared.packet_json,
        ),
    )
    assert saved_packet(tina_run) == as_sent(sibling)
    assert saved_packet(tina_run)["meta"]["athlete_id"] == sibling.pk

    # Tommy's own packet labelled with another run: his run assembles its own.
    world.athlete.notes = "Changed after preparing"
    world.athlete.save()
    generation_execute(
        run_id=tommy_run.pk,
        prepared=PreparedPacket(
            run_id=tommy_run.pk + 1000,
            packet=tommy_prepared.packet,
            packet_json=tommy_prepared.packet_json,
        ),
    )
    assert "Changed after preparing" in str(saved_packet(tommy_run))

    # His next run's packet, prepared yesterday (a batch across midnight): assembled again.
    next_run = queued_run(world.athlete, coach)
    prepared = generation_prepare(run_id=next_run.pk)
    assert prepared is not None
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    stale = prepared.packet.model_copy(
        update={"meta": prepared.packet.meta.model_copy(update={"generated_on": yesterday})}
    )
    world.athlete.notes = "Changed overnight"
    world.athlete.save()
    generation_execute(
        run_id=next_run.pk,
        prepared=PreparedPacket(
            run_id=next_run.pk,
            packet=stale,
            packet_json=prepared.packet_json,
        ),
    )
    assert "Changed overnight" in str(saved_packet(next_run))


def test_on_calling_runs_once_when_the_generator_starts_and_cannot_fail_the_run(
    world: World, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = FixedEngine(small_catalog())
    seen: list[tuple[str, int]] = []

    def on_calling() -> None:
        seen.append((GenerationRun.objects.get().status, engine.calls))
        raise RuntimeError("a broken hook")

    monkeypatch.setattr(dispatch, "generate_draft", engine)
    run = queued_run(world.athlete, coach)

    status = generation_execute(run_id=run.pk, on_calling=on_calling)

    assert seen == [(RunStatus.CALLING, 0)]  # packet saved, generator not yet called
    assert status == RunStatus.READY


# --- the batch's pool -------------------------------------------------------------------------


class Prepared:
    """Records what the pool prepares ahead (the preparing itself is tested above)."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, run_id: int) -> None:
        with self.lock:
            self.ids.append(run_id)


def test_the_pool_takes_one_run_ahead_only_while_more_are_left_than_its_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prepared = Prepared()
    monkeypatch.setattr(pool, "_prepare_one", prepared)
    queue = pool._LocalQueue([1, 2, 3, 4, 5])
    ahead = pool._Ahead(queue, pool_threads=2)
    order: list[int] = []

    while (item := ahead.take()) is not None:
        order.append(item[0])
        ahead.take_ahead()
        ahead.take_ahead()  # at most one ahead at a time
    ahead.close()

    # Running 1 (4 left): 2 taken ahead. Running 2 (3 left): 3 taken ahead. Running 3 (2
    # left, as many as the pool's threads): none; 4 and 5 are taken as the thread is free.
    assert order == [1, 2, 3, 4, 5]
    assert prepared.ids == [2, 3]


def test_no_run_is_prepared_ahead_where_a_second_connection_could_not_see_the_runs(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = Prepared()
    monkeypatch.setattr(pool, "_prepare_one", prepared)
    executed: list[int] = []

    def execute(run_id: int, **kwargs: Any) -> str:
        executed.append(run_id)
        kwargs["on_calling"]()
        return "ready"

    monkeypatch.setattr(pool, "_execute_one", execute)

    batch.execute_runs(list(range(1, 8)), concurrency=1)  # inside the test's transaction

    assert executed == list(range(1, 8))
    assert prepared.ids == []


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_a_pool_prepares_ahead_and_every_run_gets_its_own_athletes_packet(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    basic_catalog()
    coach: User = UserFactory(username="coach")
    athletes = [
        AthleteFactory(name=f"Sibling {n}", coach=coach, notes=f"Notes of sibling {n}")
        for n in range(6)
    ]
    items = batch.plan_batch(athletes)
    batch.create_runs(items, batch_id="ahead")
    ids = [i.run_id for i in items if i.run_id is not None]
    real = dispatch.generate_draft
    waiting = threading.Event()

    def slow(packet: Any, request: Any) -> Any:
        waiting.wait(0.2)  # as an LLM call would: the helper prepares meanwhile
        return real(packet, request)

    monkeypatch.setattr(dispatch, "generate_draft", slow)
    caplog.set_level(logging.DEBUG, logger="generation.runs.execute")

    batch.execute_runs(ids, concurrency=2)

    runs = list(GenerationRun.objects.filter(pk__in=ids).select_related("athlete"))
    assert {r.status for r in runs} == {RunStatus.READY}
    for run in runs:
        assert run.packet == as_sent(run.athlete)
        assert f"Notes of sibling {run.athlete.name[-1]}" in str(run.packet)
    used = _prepared_runs(caplog.records)
    # 6 runs, 2 threads: ahead while more than 2 are left.
    assert len(used) >= 2
    assert set(used) <= set(ids)


def _prepared_runs(records: Sequence[logging.LogRecord]) -> list[int]:
    return [
        int(r.args[0])  # type: ignore[index]
        for r in records
        if r.name == "generation.runs.execute"
        and r.msg == "Generation run %s: packet prepared ahead"
    ]
