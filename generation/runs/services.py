"""Generation runs: request → (worker) execute → preview edits → approve | reject.

Every state change is a conditional UPDATE on the run's current status, so two workers, a worker
and the stuck-run recovery, or two browser tabs can never both move the same run: whoever loses
the race finds the status already changed and stops.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from athletes.models import Athlete
from generation.engines import dispatch
from generation.engines.base import EngineChoice, GenerationRequest
from generation.feedback.services import preferences_refresh
from generation.models import (
    WORKING_STATUSES,
    EngineRequested,
    GenerationRun,
    RunStatus,
)
from generation.runs import catalog_check, edits
from generation.runs.edits import EditError, SetValues
from generation.runs.execute import check_catalog
from generation.runs.states import (
    STAGE_MESSAGES,
    TRANSITIONS,
    GenerationError,
    InvalidTransition,
    RateLimited,
    RunInProgress,
    deadline_seconds,
    fail_run,
)
from generation.runs.tasks import execute_generation_run
from programs.models import ProgramTemplate
from settings_app.resolution import setting_int

if TYPE_CHECKING:
    from athletes.models import User

logger = logging.getLogger(__name__)

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
                deadline_at=now + dt.timedelta(seconds=deadline_seconds()),
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
    try:
        result = execute_generation_run.enqueue(run_id=run_id)
    except Exception:
        logger.exception("Could not enqueue generation run %s", run_id)
        fail_run(run_id, "The background task could not be queued; try again in a moment.")
        return
    GenerationRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])


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
    from generation.runs.selectors import exercises_available_to

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


def generation_add_back(*, run: GenerationRun, note_index: int, by: User | None) -> GenerationRun:
    """Add back an exercise the draft left out (listed under "Left out" in the preview)."""
    notes = run.warnings or []
    note = notes[note_index] if 0 <= note_index < len(notes) else None
    if not isinstance(note, dict) or not isinstance(note.get("dropped"), dict):
        raise GenerationError("That exercise is no longer listed as left out; reload the draft.")

    def change(catalog: dict[str, Any]) -> None:
        edits.add_back(catalog, note["dropped"])

    with transaction.atomic():
        _edit(run, by, change)
        # Once it is back it is not "left out" any more.
        kept = [n for n in run.warnings or [] if n != note]
        GenerationRun.objects.filter(pk=run.pk).update(warnings=kept)
    run.refresh_from_db()
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


def generation_approve(
    *, run: GenerationRun, by: User | None, start_date: dt.date | None = None
) -> ProgramTemplate:
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
                    **{
                        **_assignment_of(locked),
                        **({"start_date": start_date} if start_date else {}),
                    },
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
    _learn(run)
    run.refresh_from_db()
    return template


def _assignment_of(run: GenerationRun) -> dict[str, Any]:
    """A running plan runs beside the strength program (supplemental) from its first Monday."""
    from generation.running.plan import plan_settings

    running = run.request.get("running")
    if not running:
        return {}
    return {"role": "supplemental", "start_date": plan_settings(running["settings"]).first_monday}


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
    _learn(run)
    run.refresh_from_db()
    return run


def _learn(run: GenerationRun) -> None:
    """Re-derive the athlete's learned preferences from this decision. After the decision's
    own transaction: preferences are derived data, and a failure here must not undo an
    approval (the next decision derives them again)."""
    try:
        preferences_refresh(athlete=run.athlete)
    except Exception:
        logger.exception("Learning preferences from run %s failed", run.pk)


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
