"""Executing a run (the task body): claim, assemble the packet, draft, check, save; recovery of
runs stuck past their deadline."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from athletes.models import Athlete
from generation.engines import dispatch
from generation.engines.base import Draft, GenerationRequest
from generation.models import (
    WORKING_STATUSES,
    EngineUsed,
    GenerationRun,
    RunStatus,
)
from generation.runs import catalog_check, edits
from generation.runs.catalog_check import CatalogCheck
from generation.runs.edits import EditError
from generation.runs.selectors import HEAVY_FIELDS
from generation.runs.states import (
    STAGE_MESSAGES,
    STUCK_REASON,
    StageLost,
    advance,
    deadline_seconds,
    fail_run,
    user_message,
)

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


def _packet_to_json(packet: Any) -> Any:
    from generation.packet import packet_json

    data = packet_json(packet)
    return json.loads(data) if isinstance(data, str | bytes) else data


@dataclass(frozen=True)
class PreparedPacket:
    """A queued run's packet, assembled before the run is claimed (generation_prepare)."""

    run_id: int
    packet: Any  # generation.packet.Packet; its meta names the athlete
    packet_json: Any


def generation_prepare(*, run_id: int) -> PreparedPacket | None:
    """Assemble a queued run's packet ahead of executing it; reads only, claims nothing. A
    batch process prepares its next run while its current one waits for the LLM, so the
    packet is off the critical path. The packet then shows the athlete's data as of at most
    one LLM call before the claim, always after the run was requested. None when the run is
    not queued any more (another worker has it)."""
    run = (
        GenerationRun.objects.select_related("athlete")
        .defer(*HEAVY_FIELDS)
        .filter(pk=run_id, status=RunStatus.QUEUED)
        .first()
    )
    if run is None:
        return None
    packet, packet_json = _assembled(run.athlete, GenerationRequest.from_dict(run.request))
    return PreparedPacket(run_id=run_id, packet=packet, packet_json=packet_json)


def _assembled(athlete: Athlete, request: GenerationRequest) -> tuple[Any, Any]:
    """The athlete's packet now, sized to the room the prompt leaves it, and its JSON as saved
    on the run."""
    from generation.engines.prompts import packet_room
    from generation.packet import build_packet

    packet = build_packet(athlete, token_budget=packet_room(request))
    return packet, _packet_to_json(packet)


def generation_execute(
    *,
    run_id: int,
    prepared: PreparedPacket | None = None,
    on_calling: Callable[[], None] | None = None,
) -> str:
    """Run one queued run to ready or failed. A run that is not queued any more (already
    executed, recovered as stuck) is left alone, so a duplicated task never runs twice.

    `prepared`: this run's packet from generation_prepare, used instead of assembling it
    again when it is this run's, of its athlete, from today. `on_calling` is called once the
    packet is saved, as the generator starts (a batch prepares its next run then); its errors
    are logged, never the run's."""
    generation_recover_stuck()
    now = timezone.now()
    claimed = GenerationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.ASSEMBLING,
        claimed_by=claimant(),
        progress=STAGE_MESSAGES[RunStatus.ASSEMBLING],
        started_at=now,
        heartbeat_at=now,
        deadline_at=now + dt.timedelta(seconds=deadline_seconds()),
    )
    if not claimed:
        status = GenerationRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
        logger.info("Generation run %s not executed: status is %s", run_id, status)
        return str(status or "missing")
    try:
        _execute_claimed(run_id, prepared=prepared, on_calling=on_calling)
    except StageLost as exc:
        logger.warning("Generation run %s stopped: %s", run_id, exc)
    except Exception as exc:
        logger.exception("Generation run %s failed", run_id)
        fail_run(run_id, user_message(exc))
    return str(GenerationRun.objects.values_list("status", flat=True).get(pk=run_id))


def claimant(pid: int | None = None) -> str:
    """Who claims a run: this host and process (or the process `pid` of this host)."""
    return f"{socket.gethostname()}:{pid if pid is not None else os.getpid()}"[:100]


def _packet_for(run: GenerationRun, prepared: PreparedPacket | None) -> tuple[Any, Any]:
    """The run's packet and its JSON: the prepared one when it is this run's, for this athlete,
    assembled today; otherwise assembled now."""
    if (
        prepared is not None
        and prepared.run_id == run.pk
        and prepared.packet.meta.athlete_id == run.athlete_id
        and prepared.packet.meta.generated_on == timezone.localdate()
    ):
        logger.debug("Generation run %s: packet prepared ahead", run.pk)
        return prepared.packet, prepared.packet_json
    return _assembled(run.athlete, GenerationRequest.from_dict(run.request))


def _execute_claimed(
    run_id: int,
    *,
    prepared: PreparedPacket | None = None,
    on_calling: Callable[[], None] | None = None,
) -> None:
    run = GenerationRun.objects.select_related("athlete").get(pk=run_id)
    request = GenerationRequest.from_dict(run.request)

    packet, packet_json = _packet_for(run, prepared)
    advance(run_id, RunStatus.ASSEMBLING, RunStatus.CALLING, packet=packet_json)
    if on_calling is not None:
        try:
            on_calling()
        except Exception:
            logger.exception("Generation run %s: on_calling failed", run_id)

    draft: Draft = dispatch.generate_draft(packet, request)
    usage = draft.usage
    advance(
        run_id,
        RunStatus.CALLING,
        RunStatus.VALIDATING,
        engine_used=EngineUsed(str(usage.engine)),
        model=usage.model[:200],
        tokens_in=max(0, int(usage.tokens_in)),
        tokens_out=max(0, int(usage.tokens_out)),
        cost_usd=Decimal(str(max(0.0, usage.cost_usd))).quantize(Decimal("0.000001")),
        prompt=draft.prompt,
        raw_response=draft.raw_response,
        reasoning=[str(r) for r in draft.reasoning],
        fallback_reason=draft.fallback_reason,
        draft=draft.catalog,
    )

    check = check_catalog(draft.catalog, athlete=run.athlete)
    if check.fatal:
        fail_run(run_id, check.fatal, errors=check.errors)
        return
    finished = timezone.now()
    started = run.started_at or finished
    engine_warnings = [
        _located({"message": str(w), "source": "engine"}, check.catalog) for w in draft.warnings
    ] + [_dropped_note(d) for d in draft.dropped]
    advance(
        run_id,
        RunStatus.VALIDATING,
        RunStatus.READY,
        progress="",
        draft=edits.strip_private(check.catalog),
        errors=check.errors,
        warnings=engine_warnings + check.warnings,
        name_mapping=check.decisions,
        finished_at=finished,
        duration_s=(finished - started).total_seconds(),
    )


# ---------------------------------------------------------------------------------------------
# Checking a draft with the catalog pipeline


def _dropped_note(dropped: dict[str, Any]) -> dict[str, Any]:
    """An exercise left out whole, kept with its sets so the coach can add it back."""
    return {
        "message": (
            f"{edits.dropped_where(dropped).capitalize()}: {dropped.get('exercise')} left out "
            f"— {dropped.get('reason')}."
        ),
        "source": "engine",
        "dropped": dropped,
    }


def _located(note: dict[str, Any], catalog: dict[str, Any]) -> dict[str, Any]:
    """Attach a free-text message to the exercise it names first, so the preview shows it on
    that exercise ("Back Squat loads the knee: … depth jumps …" belongs to Back Squat)."""
    if "exercise" in note or "set_id" in note:
        return note
    text = note["message"].casefold()
    found = [
        (text.find(name.casefold()), -len(name), name)
        for name in {str(r.get("exercise", "")) for r in _safe_sets(catalog)}
        if name and name.casefold() in text
    ]
    if not found:
        return note
    return {**note, "exercise": min(found)[2]}


def _safe_sets(catalog: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        return edits.sets_of(catalog)
    except EditError:
        return []


def check_catalog(catalog: dict[str, Any], *, athlete: Athlete) -> CatalogCheck:
    return catalog_check.check(catalog, athlete=athlete)


# ---------------------------------------------------------------------------------------------
# Recovery


def generation_recover_stuck(*, now: dt.datetime | None = None) -> int:
    """Fail every run still queued or working past its deadline; returns how many."""
    now = now or timezone.now()
    stuck = list(
        GenerationRun.objects.filter(status__in=WORKING_STATUSES, deadline_at__lt=now).values_list(
            "pk", "status"
        )
    )
    count = 0
    advice = "Check that the worker is running (make run starts it) and press Generate again."
    for run_id, status in stuck:
        if _fail_stopped(run_id, status, STUCK_REASON, advice, now=now, deadline_at__lt=now):
            count += 1
    return count


def generation_fail_claimed(*, claimed_by: str, run_ids: Collection[int], reason: str) -> list[int]:
    """Fail at once every run of `run_ids` still working under the claimant `claimed_by`, a
    process known to have ended: only a run's claimant advances it, so nothing else would
    finish it before its deadline (minutes away). Returns the runs failed."""
    now = timezone.now()
    held = GenerationRun.objects.filter(
        pk__in=run_ids, status__in=WORKING_STATUSES, claimed_by=claimed_by
    ).values_list("pk", "status", "batch_id")
    failed = []
    for run_id, status, batch_id in list(held):
        advice = "Press Generate again" + (
            f", or run generate_programs --batch {batch_id} --retry-failed." if batch_id else "."
        )
        if _fail_stopped(run_id, status, reason, advice, now=now, claimed_by=claimed_by):
            failed.append(run_id)
    return failed


def _fail_stopped(
    run_id: int, status: str, reason: str, advice: str, *, now: dt.datetime, **still: Any
) -> bool:
    """Fail a run that stopped in `status`, if it is still there and still matches `still`
    (its deadline, its claimant): a run that moved on meanwhile is left alone."""
    message = f"The run stopped while “{RunStatus(status).label}”: {reason}. {advice}"
    updated = GenerationRun.objects.filter(pk=run_id, status=status, **still).update(
        status=RunStatus.FAILED,
        error_message=message,
        progress="",
        finished_at=now,
        heartbeat_at=now,
    )
    if updated:
        logger.warning("Generation run %s marked failed: %s", run_id, reason)
    return bool(updated)
