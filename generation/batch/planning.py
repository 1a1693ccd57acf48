"""Planning a batch: which athletes, the request (and name) for each, and creating their runs
(see generation/batch/__init__.py for how a batch works)."""

from __future__ import annotations

import datetime as dt
import secrets
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from athletes.models import Athlete, AthleteProgram, AthleteTier, ProgramRole, User
from generation.engines.base import EngineChoice, GenerationRequest
from generation.engines.dispatch import engine_for, llm_configured
from generation.models import GenerationRun, RunStatus
from generation.runs.selectors import HEAVY_FIELDS, working_run_for
from generation.runs.services import (
    MAX_DAYS,
    MAX_WEEKS,
    athlete_program_names,
    default_requests_for,
    generation_request,
)
from generation.runs.states import GenerationError, RunInProgress
from settings_app.registry import BY_KEY
from settings_app.resolution import setting_int

NAME_FIELDS: tuple[str, ...] = ("current_next", "athlete", "date")
DEFAULT_NAME_TEMPLATE = "{current_next}"


class BatchError(Exception):
    """A batch that cannot start as asked; `message` tells the operator what to change."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------
# Selection


def select_athletes(
    *,
    athlete_ids: Sequence[int] = (),
    coach: str | None = None,
    tier: str | None = None,
    all_active: bool = False,
) -> list[Athlete]:
    """The athletes matching every given filter, by name. At least one filter is required, so a
    forgotten flag never means "everyone"."""
    if not (athlete_ids or coach or tier or all_active):
        raise BatchError(
            "Choose the athletes: --athlete ID …, --coach USERNAME, --tier TIER or --all-active "
            "(they combine)."
        )
    athletes = Athlete.objects.select_related("coach")
    if athlete_ids:
        wanted = set(athlete_ids)
        found = set(Athlete.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = sorted(wanted - found)
        if missing:
            raise BatchError(f"No athlete with id {', '.join(str(m) for m in missing)}.")
        athletes = athletes.filter(pk__in=wanted)
    if coach:
        user = User.objects.filter(username=coach).first()
        if user is None:
            raise BatchError(f"No user named “{coach}” (--coach takes a username).")
        athletes = athletes.filter(coach=user)
    if tier:
        if tier not in AthleteTier.values:
            raise BatchError(f"Unknown tier “{tier}”; one of: {', '.join(AthleteTier.values)}.")
        athletes = athletes.filter(tier=tier)
    if all_active:
        active = AthleteProgram.objects.filter(
            athlete=OuterRef("pk"), is_active=True, role=ProgramRole.PRIMARY
        )
        athletes = athletes.filter(Exists(active))
    return list(athletes.order_by("name", "pk"))


# ---------------------------------------------------------------------------------------------
# Names and requests


def check_name_template(template: str) -> None:
    """Refuse a template that could not name a program, before anything is created."""
    if not template.strip():
        raise BatchError("--name-template is empty.")
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise BatchError(
            f"--name-template {template!r} is not a valid template ({exc}); write a literal "
            "brace as {{ or }}."
        ) from None
    unknown = [f for f in fields if f not in NAME_FIELDS]
    if unknown:
        allowed = ", ".join("{" + f + "}" for f in NAME_FIELDS)
        raise BatchError(
            f"--name-template uses {', '.join('{' + u + '}' for u in unknown)}; "
            f"the placeholders are {allowed}."
        )


def render_name(template: str, *, athlete: Athlete, current_next: str, today: dt.date) -> str:
    """{current_next} = the auto-incremented name after the athlete's current program
    ("… Month 3" → "… Month 4"), {athlete} = the athlete's name, {date} = today (ISO)."""
    return template.format(
        current_next=current_next, athlete=athlete.name, date=today.isoformat()
    ).strip()


@dataclass(frozen=True)
class Overrides:
    engine: EngineChoice = EngineChoice.AUTO
    days: int | None = None
    weeks: int | None = None
    is_loop: bool | None = None
    # A running plan for every athlete: {"settings": PlanSettings.as_dict()}.
    running: dict[str, Any] | None = None

    def check(self) -> None:
        if self.days is not None and not 1 <= self.days <= MAX_DAYS:
            raise BatchError(f"--days must be between 1 and {MAX_DAYS}.")
        if self.weeks is not None and not 1 <= self.weeks <= MAX_WEEKS:
            raise BatchError(f"--weeks must be between 1 and {MAX_WEEKS}.")
        if self.engine is EngineChoice.LLM and not llm_configured():
            raise BatchError(
                "--engine llm: no LLM is configured (Settings → LLM: provider and model). "
                "Configure one, or use --engine rules."
            )


@dataclass
class Item:
    """One athlete of a batch: what is asked, and what became of it."""

    athlete: Athlete
    request: GenerationRequest | None = None
    engine: str = ""
    problem: str = ""  # why no run was (or would be) created
    run_id: int | None = None
    blocking_run_id: int | None = None  # the athlete's run already in progress
    packet_tokens: int | None = None


def plan_batch(
    athletes: Iterable[Athlete],
    *,
    name_template: str = DEFAULT_NAME_TEMPLATE,
    overrides: Overrides | None = None,
    today: dt.date | None = None,
) -> list[Item]:
    """One request per athlete: the Generate form's defaults (days, weeks and loop of the
    current program), the templated name, then the operator's overrides."""
    overrides = overrides or Overrides()
    check_name_template(name_template)
    overrides.check()
    today = today or timezone.localdate()
    engine = str(engine_for(overrides.engine))
    athletes = list(athletes)
    defaults = default_requests_for(athletes)
    items: list[Item] = []
    for athlete in athletes:
        base = defaults[athlete.pk]
        request = replace(
            base,
            program_name=render_name(
                name_template, athlete=athlete, current_next=base.program_name, today=today
            ),
            days_per_week=overrides.days if overrides.days is not None else base.days_per_week,
            weeks=overrides.weeks if overrides.weeks is not None else base.weeks,
            is_loop=overrides.is_loop if overrides.is_loop is not None else base.is_loop,
            engine=overrides.engine,
            running=overrides.running,
        )
        items.append(Item(athlete=athlete, request=request, engine=engine))
    return items


def preview_problems(items: Iterable[Item]) -> None:
    """For a dry run: the refusals that creating the runs would meet, without creating them."""
    for item in items:
        assert item.request is not None
        name = item.request.program_name
        running = working_run_for(item.athlete)
        if running is not None:
            item.problem = "a draft is already being generated for this athlete"
            item.blocking_run_id = running.pk
        elif not name:
            item.problem = "the name template gives an empty name"
        elif len(name) > 200:
            item.problem = "the program name is longer than 200 characters"
        elif name.casefold() in {n.casefold() for n in athlete_program_names(item.athlete)}:
            item.problem = f"already has a program named “{name}”"


def measure_packets(items: Iterable[Item]) -> None:
    """Assemble each athlete's packet (read-only) to report its size in tokens."""
    from generation.packet import build_packet

    for item in items:
        item.packet_tokens = int(build_packet(item.athlete).meta.token_estimate)


# ---------------------------------------------------------------------------------------------
# Creating the runs


def new_batch_id() -> str:
    return f"{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def effective_concurrency(requested: int | None) -> tuple[int, str]:
    """(threads to use, a note when the request was capped by generation.max_concurrency)."""
    cap = setting_int("generation.max_concurrency")
    if requested is None:
        return cap, ""
    if requested < 1:
        raise BatchError("--concurrency must be at least 1.")
    if requested > cap:
        label = BY_KEY["generation.max_concurrency"].label
        return cap, (
            f"Concurrency {requested} capped at {cap} by the setting “{label}” "
            "(generation.max_concurrency)."
        )
    return requested, ""


def create_runs(
    items: Sequence[Item],
    *,
    batch_id: str,
    by: User | None = None,
    enforce_coach_limit: bool = False,
    concurrency: int = 1,
) -> None:
    """Create (and enqueue) one run per item; a refusal (a run already in progress, the coach's
    hourly limit, a taken name) is recorded on the item, never raised."""
    # One transaction: one commit for the batch's runs, not one each (their tasks are enqueued
    # as it commits, with their deadlines set); a refusal rolls back only its own run.
    with transaction.atomic():
        for item in items:
            _create_run(item, batch_id=batch_id, by=by, enforce_coach_limit=enforce_coach_limit)
        extend_queue_deadlines([i.run_id for i in items if i.run_id], concurrency=concurrency)


def _create_run(item: Item, *, batch_id: str, by: User | None, enforce_coach_limit: bool) -> None:
    assert item.request is not None
    try:
        run = generation_request(
            athlete=item.athlete,
            request=item.request,
            by=by if by is not None else item.athlete.coach,
            batch_id=batch_id,
            enforce_rate_limit=enforce_coach_limit,
        )
    except RunInProgress as exc:
        item.problem = exc.message
        item.blocking_run_id = exc.run.pk if exc.run is not None else None
    except GenerationError as exc:
        item.problem = exc.message
    else:
        item.run_id = run.pk


def extend_queue_deadlines(run_ids: Sequence[int], *, concurrency: int) -> None:
    """A queued run past its deadline is presumed abandoned and failed. In a batch a run
    legitimately waits for the runs ahead of it, so its deadline grows with its place in the
    queue: one run deadline per wave of `concurrency` runs."""
    step = setting_int("generation.run_deadline_seconds")
    now = timezone.now()
    waves: dict[int, list[int]] = {}
    for position, run_id in enumerate(run_ids):
        waves.setdefault(position // max(1, concurrency), []).append(run_id)
    for wave, ids in waves.items():
        if wave == 0:
            continue  # the first wave starts at once: the ordinary deadline stands
        GenerationRun.objects.filter(pk__in=ids, status=RunStatus.QUEUED).update(
            deadline_at=now + dt.timedelta(seconds=step * (wave + 1))
        )


def batch_run_ids(batch_id: str) -> list[int]:
    return list(
        GenerationRun.objects.filter(batch_id=batch_id).order_by("pk").values_list("pk", flat=True)
    )


def failed_items(batch_id: str) -> list[Item]:
    """Athletes whose latest run in the batch failed, with that run's request, to try again."""
    latest: dict[int, GenerationRun] = {}
    for run in (
        GenerationRun.objects.filter(batch_id=batch_id)
        .select_related("athlete__coach")
        .defer(*HEAVY_FIELDS)
        .order_by("pk")
    ):
        latest[run.athlete_id] = run
    items = []
    for run in latest.values():
        if run.status == RunStatus.FAILED:
            request = GenerationRequest.from_dict(run.request)
            items.append(
                Item(athlete=run.athlete, request=request, engine=str(engine_for(request.engine)))
            )
    return sorted(items, key=lambda i: (i.athlete.name, i.athlete.pk))
