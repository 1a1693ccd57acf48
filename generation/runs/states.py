"""A run's states and the conditional updates that move it between them: every change is an
UPDATE on the run's current status, so whoever loses a race finds the status changed and stops."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from generation.models import (
    WORKING_STATUSES,
    GenerationRun,
    RunStatus,
)
from settings_app.resolution import setting_int

if TYPE_CHECKING:
    pass

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


class StageLost(Exception):
    """The run left the expected status under us (recovered as stuck, or run elsewhere)."""


def deadline_seconds() -> int:
    return setting_int("generation.run_deadline_seconds")


def advance(run_id: int, from_status: str, to_status: str, **fields: Any) -> None:
    if to_status not in TRANSITIONS[from_status]:
        raise InvalidTransition(f"A run cannot go from {from_status} to {to_status}.")
    now = timezone.now()
    fields.setdefault("progress", STAGE_MESSAGES.get(to_status, ""))
    updated = GenerationRun.objects.filter(pk=run_id, status=from_status).update(
        status=to_status, heartbeat_at=now, **fields
    )
    if not updated:
        raise StageLost(f"run {run_id} is no longer {from_status}")


def fail_run(run_id: int, message: str, **fields: Any) -> bool:
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
