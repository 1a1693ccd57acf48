from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    ASSEMBLING = "assembling", "Assembling the athlete's data"
    CALLING = "calling", "Drafting the program"
    VALIDATING = "validating", "Checking the draft"
    READY = "ready", "Ready for review"
    FAILED = "failed", "Failed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


# A run in one of these states holds the athlete's single "generation in progress" slot.
WORKING_STATUSES: tuple[str, ...] = (
    RunStatus.QUEUED,
    RunStatus.ASSEMBLING,
    RunStatus.CALLING,
    RunStatus.VALIDATING,
)
FINISHED_STATUSES: tuple[str, ...] = (
    RunStatus.READY,
    RunStatus.FAILED,
    RunStatus.APPROVED,
    RunStatus.REJECTED,
)


class EngineRequested(models.TextChoices):
    AUTO = "auto", "Automatic"
    RULES = "rules", "Built-in rules engine"
    LLM = "llm", "LLM"


class EngineUsed(models.TextChoices):
    RULES = "rules", "Rules engine"
    LLM = "llm", "LLM"


class GenerationRun(models.Model):
    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.CASCADE, related_name="generation_runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generation_runs",
    )
    # GenerationRequest.as_dict(): what the coach asked for.
    request = models.JSONField(default=dict)
    engine_requested = models.CharField(
        max_length=10, choices=EngineRequested.choices, default=EngineRequested.AUTO
    )
    engine_used = models.CharField(max_length=10, choices=EngineUsed.choices, blank=True)
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.CharField(max_length=200, blank=True, default="")
    # The user-facing reason a run failed.
    error_message = models.TextField(blank=True, default="")

    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # A working run past this moment is presumed dead (worker crash, restart, hang).
    deadline_at = models.DateTimeField(null=True, blank=True)
    # The process that claimed the run (claimant()): a batch that sees one of its forked
    # processes die fails that process's runs at once instead of waiting for their deadline.
    claimed_by = models.CharField(max_length=100, blank=True, default="")

    packet = models.JSONField(null=True, blank=True)
    prompt = models.JSONField(default=list, blank=True)
    raw_response = models.TextField(blank=True, default="")
    reasoning = models.JSONField(default=list, blank=True)
    draft = models.JSONField(null=True, blank=True)
    # The draft as the coach has edited it in the preview; null until the first edit.
    edited = models.JSONField(null=True, blank=True)
    # [{"message", "week"?, "day"?, "exercise"?, "set_number"?}]
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # Draft exercise name (lower-cased) → catalog exercise id, from the catalog's name matching.
    name_mapping = models.JSONField(default=dict, blank=True)

    model = models.CharField(max_length=200, blank=True, default="")
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    # Money is Decimal; LLM costs are fractions of a cent, hence six places.
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    duration_s = models.FloatField(null=True, blank=True)
    fallback_reason = models.TextField(blank=True, default="")

    approved_template = models.ForeignKey(
        "programs.ProgramTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generation_runs",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True, default="")
    # Structured changes between the draft and what was approved (see generation.diff).
    edits = models.JSONField(default=list, blank=True)
    batch_id = models.CharField(max_length=64, null=True, blank=True)
    # A first program from an intake: the snapshot it was drafted from, and why its template.
    intake_snapshot = models.ForeignKey(
        "athletes.IntakeSnapshot",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generation_runs",
    )
    intake_template_reason = models.TextField(blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete"],
                condition=Q(status__in=WORKING_STATUSES),
                name="one_working_run_per_athlete",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in RunStatus]),
                name="generation_run_status_valid",
            ),
            models.CheckConstraint(condition=Q(cost_usd__gte=0), name="generation_run_cost_gte_0"),
        ]
        indexes = [
            models.Index(fields=["athlete", "-created_at"], name="run_athlete_created_idx"),
            models.Index(fields=["status"], name="run_status_idx"),
            models.Index(fields=["requested_by", "-created_at"], name="run_requester_created_idx"),
            models.Index(fields=["batch_id"], name="run_batch_idx"),
        ]

    def __str__(self) -> str:
        return f"Run #{self.pk} for {self.athlete_id}: {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("generation:run", args=[self.athlete_id, self.pk])

    @property
    def is_working(self) -> bool:
        return self.status in WORKING_STATUSES

    @property
    def is_ready(self) -> bool:
        return self.status == RunStatus.READY

    @property
    def program_name(self) -> str:
        return str(self.request.get("program_name", ""))

    @property
    def current_catalog(self) -> dict[str, Any] | None:
        """What would be approved now: the coach's edited copy, else the draft."""
        return self.edited if self.edited is not None else self.draft

    @property
    def elapsed_s(self) -> float:
        start = self.started_at or self.created_at
        end = self.finished_at or timezone.now()
        return max(0.0, (end - start).total_seconds())

    @property
    def used_fallback(self) -> bool:
        return bool(self.fallback_reason)

    @property
    def fallback_label(self) -> str:
        """ "LLM failed: <reason> — rules-engine draft shown" (the LLM engine writes it whole)."""
        reason = self.fallback_reason.strip()
        if not reason or reason.startswith("LLM failed"):
            return reason
        return f"LLM failed: {reason} — rules-engine draft shown"


# Models kept in their own modules (the shared LLM rate limiter's state, owned with
# generation/ratelimit.py; the plan import log): importing them here registers them with the
# generation app and its migrations.
from generation.feedback.models import LearnedPreference  # noqa: E402, F401
from generation.plan_import.models import PlanImportLog  # noqa: E402, F401
from generation.ratelimit_models import RateLimitSlot  # noqa: E402, F401


class SessionStrategy(models.TextChoices):
    FORMULA = "formula", "Formula"
    LLM = "llm", "LLM"
    HYBRID = "hybrid", "Hybrid (LLM beside the formula)"
    AUTO = "auto", "Automatic"


class StrategyUsed(models.TextChoices):
    FORMULA = "formula", "Formula"
    LLM = "llm", "LLM"
    HYBRID = "hybrid", "Hybrid"
    # The LLM was asked and failed (bounds, parse, provider, deadline): the formula answered.
    FORMULA_FALLBACK = "formula_fallback", "Formula (LLM fell back)"


class AdjustmentStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    ACCEPTED = "accepted", "Accepted"
    KEPT_PLAN = "kept_plan", "Plan kept"


class SessionAdjustment(models.Model):
    """Today's session, adjusted: what went in, what came out and why, and what the person did
    with it. Linked to the workout once one is logged for that athlete and date."""

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.CASCADE, related_name="session_adjustments"
    )
    workout = models.OneToOneField(
        "athletes.Workout",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adjustment",
    )
    date = models.DateField(default=timezone.localdate)
    strategy_requested = models.CharField(max_length=10, choices=SessionStrategy.choices)
    strategy_used = models.CharField(max_length=20, choices=StrategyUsed.choices)
    status = models.CharField(
        max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.SUGGESTED
    )
    inputs = models.JSONField(default=dict)
    output = models.JSONField(default=dict)
    formula_output = models.JSONField(default=dict, blank=True)
    rationale = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    divergence = models.JSONField(default=dict, blank=True)
    fallback_reason = models.TextField(blank=True, default="")
    model = models.CharField(max_length=200, blank=True, default="")
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["athlete", "-date"], name="adjustment_athlete_date_idx")]

    def __str__(self) -> str:
        return f"{self.athlete} {self.date}: {self.get_strategy_used_display()}"

    @property
    def changed(self) -> bool:
        return bool(self.rationale)
