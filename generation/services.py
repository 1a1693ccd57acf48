"""Generation runs: request → (worker) execute → preview edits → approve | reject.

Every state change is a conditional UPDATE on the run's current status, so two workers, a worker
and the stuck-run recovery, or two browser tabs can never both move the same run: whoever loses
the race finds the status already changed and stops.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import socket
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from athletes.models import Athlete
from generation import catalog_check, edits
from generation.catalog_check import CatalogCheck
from generation.edits import EditError, SetValues
from generation.engines import dispatch
from generation.engines.base import Draft, EngineChoice, GenerationRequest
from generation.models import (
    WORKING_STATUSES,
    EngineRequested,
    EngineUsed,
    GenerationRun,
    RunStatus,
)
from generation.selectors import HEAVY_FIELDS
from programs.models import ProgramTemplate
from settings_app.registry import setting_int

if TYPE_CHECKING:
    from athletes.models import User

logger = logging.getLogger(__name__)

# Where each status may go next. Terminal states have no way out.
TRANSITIONS: dict[str, frozenset[str]] = {
    RunStatus.QUEUED: frozenset({RunStatus.ASSEMBLING, RunStatus.FAILED}),
    RunStatus.ASSEMBLING: frozenset({RunStatus.CALLING, RunStatus.FAILED}),
    RunStatus.CALLING: frozenset({RunStatus.VALIDATING, RunStatus.FAILED}),
    RunStatus.VALIDATING: frozenset({RunStatus.READY, RunStatus.FAILED}),
    RunStatus.READY: frozenset({RunStatus.APPROVED, RunStatus.REJECTED}),
    RunStatus.FAILED: frozenset(),
    RunStatus.APPROVED: frozenset(),
    RunStatus.REJECTED: frozenset(),
}

STAGE_MESSAGES: dict[str, str] = {
    RunStatus.QUEUED: "Waiting for the background worker…",
    RunStatus.ASSEMBLING: "Assembling the athlete's data…",
    RunStatus.CALLING: "Drafting the program…",
    RunStatus.VALIDATING: "Checking the draft against the catalog…",
}

STUCK_REASON = "worker stopped or timed out"
RATE_WINDOW = dt.timedelta(hours=1)

MAX_DAYS = 7
MAX_WEEKS = 52
MAX_EXERCISES_PER_DAY = 15
FOCUS_AREAS: tuple[tuple[str, str], ...] = (
    ("strength", "Strength"),
    ("power", "Power"),
    ("speed", "Speed"),
    ("hypertrophy", "Hypertrophy"),
    ("conditioning", "Conditioning"),
    ("mobility", "Mobility"),
    ("sport_specific", "Sport-specific"),
)


class GenerationError(Exception):
    """A refused generation action; `message` is shown to the coach as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RunInProgress(GenerationError):
    def __init__(self, run: GenerationRun | None) -> None:
        super().__init__(
            "A draft is already being generated for this athlete; "
            "wait for it to finish (or fail) before starting another."
        )
        self.run = run


class RateLimited(GenerationError):
    pass


class InvalidTransition(GenerationError):
    pass


class _StageLost(Exception):
    """The run left the expected status under us (recovered as stuck, or run elsewhere)."""


# ---------------------------------------------------------------------------------------------
# Names


_COUNTER_WORDS = r"month|block|phase|cycle|week|part|level|stage|mesocycle|meso|program"
_COUNTER_RE = re.compile(rf"\b({_COUNTER_WORDS})(\s*#?\s*)(\d+)\b", re.IGNORECASE)
_TRAILING_NUMBER_RE = re.compile(r"(^|\s)(\d+)\s*$")


def next_program_name(
    current: str | None, *, athlete_name: str = "", taken: Collection[str] = ()
) -> str:
    """The next block's name: "… Month 3" → "… Month 4", "Block 2" → "Block 3",
    otherwise "<name> (next)"; never one of `taken` (compared case-insensitively)."""
    taken_keys = {t.casefold() for t in taken}
    base = (current or "").strip()
    if not base:
        base = f"{athlete_name} — Block 0" if athlete_name else "Block 0"

    def bump(name: str, by: int) -> str | None:
        matches = list(_COUNTER_RE.finditer(name))
        if matches:
            m = matches[-1]
            return f"{name[: m.start(3)]}{int(m.group(3)) + by}{name[m.end(3) :]}"
        trailing = _TRAILING_NUMBER_RE.search(name)
        if trailing:
            return f"{name[: trailing.start(2)]}{int(trailing.group(2)) + by}"
        return None

    for step in range(1, 100):
        candidate = bump(base, step)
        if candidate is None:
            candidate = f"{base} (next)" if step == 1 else f"{base} (next {step})"
        if candidate.casefold() not in taken_keys:
            return candidate[:200]
    return f"{base} ({timezone.now():%Y-%m-%d %H%M})"[:200]


def athlete_program_names(athlete: Athlete) -> set[str]:
    return set(ProgramTemplate.objects.filter(owner=athlete).values_list("name", flat=True))


# ---------------------------------------------------------------------------------------------
# Request


def _validate_request(request: GenerationRequest, athlete: Athlete) -> None:
    name = request.program_name.strip()
    if not name:
        raise GenerationError("Give the new program a name.")
    if len(name) > 200:
        raise GenerationError("The program name is longer than 200 characters.")
    if not 1 <= request.days_per_week <= MAX_DAYS:
        raise GenerationError(f"Days per week must be between 1 and {MAX_DAYS}.")
    if not 1 <= request.weeks <= MAX_WEEKS:
        raise GenerationError(f"Weeks must be between 1 and {MAX_WEEKS}.")
    if not 1 <= request.max_exercises_per_day <= MAX_EXERCISES_PER_DAY:
        raise GenerationError(
            f"Max exercises per day must be between 1 and {MAX_EXERCISES_PER_DAY}."
        )
    known = {key for key, _ in FOCUS_AREAS}
    unknown = [f for f in request.focus_areas if f not in known]
    if unknown:
        raise GenerationError(f"Unknown focus area: {', '.join(unknown)}.")
    if request.engine == EngineChoice.LLM and not dispatch.llm_configured():
        raise GenerationError(
            "No LLM is configured (Settings → LLM: provider and model); choose the built-in "
            "rules engine, or ask an admin to configure one."
        )
    if len(request.coach_directions) > 4000:
        raise GenerationError("Coach directions are longer than 4000 characters.")
    if {n.casefold() for n in athlete_program_names(athlete)} & {name.casefold()}:
        raise GenerationError(
            f"{athlete.name} already has a program named “{name}”; choose another name."
        )


def _check_rate_limit(by: User, now: dt.datetime) -> None:
    limit = setting_int("generation.coach_runs_per_hour")
    if limit <= 0:
        return
    window = GenerationRun.objects.filter(requested_by=by, created_at__gte=now - RATE_WINDOW)
    stats = window.aggregate(oldest=Min("created_at"))
    count = window.count()
    if count >= limit:
        oldest = stats["oldest"] or now
        wait_min = max(1, int(((oldest + RATE_WINDOW) - now).total_seconds() // 60) + 1)
        raise RateLimited(
            f"You have started {count} drafts in the last hour; the limit is {limit} per hour "
            f"(setting “Generations per coach per hour”). Try again in about {wait_min} min."
        )


def _deadline_seconds() -> int:
    return setting_int("generation.run_deadline_seconds")


def generation_request(
    *,
    athlete: Athlete,
    request: GenerationRequest,
    by: User | None,
    batch_id: str | None = None,
    enforce_rate_limit: bool = True,
) -> GenerationRun:
    """Create a queued run and enqueue its task once the transaction commits.

    Refused (RunInProgress, carrying the running run) while the athlete has a working run —
    checked up front for the message and enforced by a partial unique constraint under a race.
    `enforce_rate_limit=False` is for operator tools (the batch command), not for the web UI.
    """
    _validate_request(request, athlete)
    running = GenerationRun.objects.filter(athlete=athlete, status__in=WORKING_STATUSES).first()
    if running is not None:
        raise RunInProgress(running)
    now = timezone.now()
    if enforce_rate_limit and by is not None:
        _check_rate_limit(by, now)
    try:
        with transaction.atomic():
            run = GenerationRun.objects.create(
                athlete=athlete,
                requested_by=by,
                request=request.as_dict(),
                engine_requested=EngineRequested(str(request.engine)),
                status=RunStatus.QUEUED,
                progress=STAGE_MESSAGES[RunStatus.QUEUED],
                created_at=now,
                deadline_at=now + dt.timedelta(seconds=_deadline_seconds()),
                batch_id=batch_id,
            )
            run_id = run.pk
            transaction.on_commit(lambda: _enqueue(run_id))
    except IntegrityError:
        raise RunInProgress(
            GenerationRun.objects.filter(athlete=athlete, status__in=WORKING_STATUSES).first()
        ) from None
    return run


def _enqueue(run_id: int) -> None:
    from generation.tasks import execute_generation_run

    try:
        result = execute_generation_run.enqueue(run_id=run_id)
    except Exception:
        logger.exception("Could not enqueue generation run %s", run_id)
        _fail(run_id, "The background task could not be queued; try again in a moment.")
        return
    GenerationRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])


# ---------------------------------------------------------------------------------------------
# Execute (the task body)


def _advance(run_id: int, from_status: str, to_status: str, **fields: Any) -> None:
    if to_status not in TRANSITIONS[from_status]:
        raise InvalidTransition(f"A run cannot go from {from_status} to {to_status}.")
    now = timezone.now()
    fields.setdefault("progress", STAGE_MESSAGES.get(to_status, ""))
    updated = GenerationRun.objects.filter(pk=run_id, status=from_status).update(
        status=to_status, heartbeat_at=now, **fields
    )
    if not updated:
        raise _StageLost(f"run {run_id} is no longer {from_status}")


def _fail(run_id: int, message: str, **fields: Any) -> bool:
    """Mark a working run failed; a run already finished is left alone."""
    now = timezone.now()
    run = GenerationRun.objects.filter(pk=run_id).only("started_at").first()
    duration = (now - run.started_at).total_seconds() if run and run.started_at else None
    updated = GenerationRun.objects.filter(pk=run_id, status__in=WORKING_STATUSES).update(
        status=RunStatus.FAILED,
        error_message=message,
        progress="",
        finished_at=now,
        heartbeat_at=now,
        duration_s=duration,
        **fields,
    )
    return bool(updated)


def user_message(exc: BaseException) -> str:
    """A failure as the coach should read it; internals stay in the log."""
    for attr in ("user_message", "message"):
        text = getattr(exc, attr, None)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return (
        f"The generator stopped with an unexpected error ({type(exc).__name__}). "
        "It has been logged; try again, or choose the built-in rules engine."
    )


def _packet_to_json(packet: Any) -> Any:
    from generation.context import packet_json

    data = packet_json(packet)
    return json.loads(data) if isinstance(data, str | bytes) else data


@dataclass(frozen=True)
class PreparedPacket:
    """A queued run's packet, assembled before the run is claimed (generation_prepare)."""

    run_id: int
    packet: Any  # generation.context.Packet; its meta names the athlete
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
    packet, packet_json = _assembled(run.athlete)
    return PreparedPacket(run_id=run_id, packet=packet, packet_json=packet_json)


def _assembled(athlete: Athlete) -> tuple[Any, Any]:
    """The athlete's packet now, and its JSON as saved on the run."""
    from generation.context import build_packet

    packet = build_packet(athlete)
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
        deadline_at=now + dt.timedelta(seconds=_deadline_seconds()),
    )
    if not claimed:
        status = GenerationRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
        logger.info("Generation run %s not executed: status is %s", run_id, status)
        return str(status or "missing")
    try:
        _execute_claimed(run_id, prepared=prepared, on_calling=on_calling)
    except _StageLost as exc:
        logger.warning("Generation run %s stopped: %s", run_id, exc)
    except Exception as exc:
        logger.exception("Generation run %s failed", run_id)
        _fail(run_id, user_message(exc))
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
    return _assembled(run.athlete)


def _execute_claimed(
    run_id: int,
    *,
    prepared: PreparedPacket | None = None,
    on_calling: Callable[[], None] | None = None,
) -> None:
    run = GenerationRun.objects.select_related("athlete").get(pk=run_id)
    request = GenerationRequest.from_dict(run.request)

    packet, packet_json = _packet_for(run, prepared)
    _advance(run_id, RunStatus.ASSEMBLING, RunStatus.CALLING, packet=packet_json)
    if on_calling is not None:
        try:
            on_calling()
        except Exception:
            logger.exception("Generation run %s: on_calling failed", run_id)

    draft: Draft = dispatch.generate_draft(packet, request)
    usage = draft.usage
    _advance(
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
        _fail(run_id, check.fatal, errors=check.errors)
        return
    finished = timezone.now()
    started = run.started_at or finished
    engine_warnings = [
        _located({"message": str(w), "source": "engine"}, check.catalog) for w in draft.warnings
    ]
    _advance(
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
    ).values_list("pk", "status")
    advice = "Press Generate again, or run generate_programs --batch BATCH_ID --retry-failed."
    return [
        run_id
        for run_id, status in list(held)
        if _fail_stopped(run_id, status, reason, advice, now=now, claimed_by=claimed_by)
    ]


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


# ---------------------------------------------------------------------------------------------
# Preview edits


def _edit(run: GenerationRun, by: User | None, change: Callable[[dict[str, Any]], None]) -> None:
    with transaction.atomic():
        locked = GenerationRun.objects.select_for_update().select_related("athlete").get(pk=run.pk)
        if locked.status != RunStatus.READY or locked.draft is None:
            raise GenerationError(
                f"This draft is {locked.get_status_display().lower()}; "
                "only a draft ready for review can be edited."
            )
        working = edits.with_ids(locked.current_catalog or {})
        try:
            change(working)
        except EditError as exc:
            raise GenerationError(exc.message) from None
        check = check_catalog(working, athlete=locked.athlete)
        if check.fatal:
            raise GenerationError(check.fatal)
        engine_warnings = [w for w in locked.warnings if w.get("source") == "engine"]
        locked.edited = check.catalog
        locked.errors = check.errors
        locked.warnings = engine_warnings + check.warnings
        locked.name_mapping = check.decisions
        locked.save(update_fields=["edited", "errors", "warnings", "name_mapping"])
    run.refresh_from_db()


def generation_edit_set(
    *, run: GenerationRun, set_id: int, values: SetValues, by: User | None
) -> GenerationRun:
    def change(catalog: dict[str, Any]) -> None:
        edits.edit_set(catalog, set_id=set_id, values=values)

    _edit(run, by, change)
    return run


def generation_add_set(*, run: GenerationRun, set_id: int, by: User | None) -> GenerationRun:
    def change(catalog: dict[str, Any]) -> None:
        edits.add_set(catalog, set_id=set_id)

    _edit(run, by, change)
    return run


def generation_remove_set(*, run: GenerationRun, set_id: int, by: User | None) -> GenerationRun:
    def remove(catalog: dict[str, Any]) -> None:
        if len(edits.sets_of(catalog)) <= 1:
            raise EditError("A program needs at least one set; reject the draft instead.")
        edits.remove_set(catalog, set_id=set_id)

    _edit(run, by, remove)
    return run


def generation_swap_exercise(
    *,
    run: GenerationRun,
    set_id: int,
    exercise_id: int,
    every_week: bool,
    by: User | None,
) -> GenerationRun:
    """Swap in a catalog exercise the athlete can do (never a free-typed name)."""
    from generation.selectors import exercises_available_to

    exercise = exercises_available_to(run.athlete).filter(pk=exercise_id).first()
    if exercise is None:
        raise GenerationError(
            f"That exercise is not in the catalog or needs equipment {run.athlete.name} "
            "does not have."
        )

    def change(catalog: dict[str, Any]) -> None:
        edits.swap_exercise(
            catalog, set_id=set_id, new_exercise=exercise.name, every_week=every_week
        )

    _edit(run, by, change)
    return run


def generation_rename(*, run: GenerationRun, name: str, by: User | None) -> GenerationRun:
    clean = name.strip()
    if clean.casefold() in {n.casefold() for n in athlete_program_names(run.athlete)}:
        raise GenerationError(
            f"{run.athlete.name} already has a program named “{clean}”; choose another name."
        )
    _edit(run, by, lambda c: edits.rename_program(c, name=clean))
    return run


# ---------------------------------------------------------------------------------------------
# Approve / reject


def generation_approve(*, run: GenerationRun, by: User | None) -> ProgramTemplate:
    """Import the (edited) draft as the athlete's own program, make it their active primary
    program, and record the coach's edits — all or nothing. Approving an approved run returns
    the template it created."""
    with transaction.atomic():
        locked = GenerationRun.objects.select_for_update().select_related("athlete").get(pk=run.pk)
        if locked.status == RunStatus.APPROVED and locked.approved_template_id is not None:
            template = ProgramTemplate.objects.get(pk=locked.approved_template_id)
        else:
            if RunStatus.APPROVED not in TRANSITIONS[locked.status] or locked.draft is None:
                raise InvalidTransition(
                    f"This draft is {locked.get_status_display().lower()}; "
                    "only a draft ready for review can be approved."
                )
            final = edits.with_ids(locked.current_catalog or {})
            # The catalog may have changed since the preview was checked: check again.
            check = check_catalog(final, athlete=locked.athlete)
            if check.fatal or check.errors:
                problems = [check.fatal] if check.fatal else [e["message"] for e in check.errors]
                raise GenerationError(
                    "Fix these before approving: "
                    + "; ".join(problems[:5])
                    + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
                )
            try:
                template = catalog_check.import_program(
                    edits.strip_private(check.catalog),
                    decisions=check.decisions,
                    athlete=locked.athlete,
                    by=by,
                )
            except catalog_check.ImportRefused as exc:
                raise GenerationError(
                    "The program could not be saved: " + "; ".join(exc.messages)
                ) from exc
            now = timezone.now()
            locked.status = RunStatus.APPROVED
            locked.approved_template = template
            locked.decided_by = by
            locked.decided_at = now
            locked.edits = (
                edits.edits_diff(locked.draft, final) if locked.edited is not None else []
            )
            locked.save(
                update_fields=["status", "approved_template", "decided_by", "decided_at", "edits"]
            )
    run.refresh_from_db()
    return template


def generation_reject(*, run: GenerationRun, by: User | None, reason: str) -> GenerationRun:
    reason = reason.strip()
    if len(reason) > 4000:
        raise GenerationError("The reason is longer than 4000 characters.")
    now = timezone.now()
    with transaction.atomic():
        updated = GenerationRun.objects.filter(pk=run.pk, status=RunStatus.READY).update(
            status=RunStatus.REJECTED, rejection_reason=reason, decided_by=by, decided_at=now
        )
        if not updated:
            current = GenerationRun.objects.get(pk=run.pk)
            if current.status == RunStatus.REJECTED:
                run.refresh_from_db()
                return run
            raise InvalidTransition(
                f"This draft is {current.get_status_display().lower()}; "
                "only a draft ready for review can be rejected."
            )
    run.refresh_from_db()
    return run


def default_request_for(athlete: Athlete) -> GenerationRequest:
    """The Generate form's starting point: the next block of the current program."""
    return default_requests_for([athlete])[athlete.pk]


# Ids per `IN (…)` list: below SQLite's historical limit of 999 bound parameters.
_IN_CHUNK = 500


def default_requests_for(athletes: Sequence[Athlete]) -> dict[int, GenerationRequest]:
    """default_request_for of many athletes (a batch), by athlete id, in two queries per
    500 athletes rather than two per athlete."""
    from athletes.models import AthleteProgram, ProgramRole

    templates: dict[int, ProgramTemplate] = {}
    taken: dict[int, set[str]] = {a.pk: set() for a in athletes}
    ids = list(taken)
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        # At most one active primary program per athlete (a database constraint).
        for assignment in AthleteProgram.objects.select_related("template").filter(
            athlete_id__in=chunk, is_active=True, role=ProgramRole.PRIMARY
        ):
            templates[assignment.athlete_id] = assignment.template
        for owner_id, name in ProgramTemplate.objects.filter(owner_id__in=chunk).values_list(
            "owner_id", "name"
        ):
            taken[owner_id].add(name)
    requests = {}
    for athlete in athletes:
        template = templates.get(athlete.pk)
        requests[athlete.pk] = GenerationRequest(
            program_name=next_program_name(
                template.name if template else None,
                athlete_name=athlete.name,
                taken=taken[athlete.pk],
            ),
            days_per_week=template.num_days if template else 3,
            weeks=template.num_weeks if template else 4,
            is_loop=template.is_loop if template else False,
            engine=EngineChoice.AUTO,
        )
    return requests
