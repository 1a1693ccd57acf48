from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PlanParser(models.TextChoices):
    GRAMMAR = "grammar", "Grammar only (instant, no LLM)"
    AUTO = "auto", "Automatic (the LLM reads what the grammar cannot, when one is configured)"
    LLM = "llm", "LLM for every line"


class PlanImportLog(models.Model):
    """One free-text parse: what was pasted, what came out, per-line confidence and its cost.

    Written for every parse that ran, failed ones included, so the metrics page can show the
    success rate; a refused request (too short, too long, rate limited) writes nothing."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    athlete = models.ForeignKey(
        "athletes.Athlete", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    parser = models.CharField(max_length=10, choices=PlanParser.choices)
    used_llm = models.BooleanField(default=False)
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True, default="")
    raw_text = models.TextField()
    result = models.JSONField(default=dict, blank=True)
    lines = models.JSONField(default=list, blank=True)
    lines_total = models.PositiveIntegerField(default=0)
    lines_parsed = models.PositiveIntegerField(default=0)
    lines_llm = models.PositiveIntegerField(default=0)
    lines_ignored = models.PositiveIntegerField(default=0)
    lines_unparsed = models.PositiveIntegerField(default=0)
    sets = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    model = models.CharField(max_length=200, blank=True, default="")
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    draft = models.ForeignKey(
        "programs.ImportDraft", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["owner", "used_llm", "created_at"], name="plan_import_owner_llm_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(cost_usd__gte=0), name="plan_import_cost_gte_0"),
        ]

    def __str__(self) -> str:
        return f"Plan import {self.pk} ({'ok' if self.ok else 'failed'})"

    @property
    def program_ids(self) -> list[Any]:
        """The program(s) the parse became, once its draft was approved."""
        if self.draft is None:
            return []
        return list((self.draft.result or {}).get("template_ids", []))
