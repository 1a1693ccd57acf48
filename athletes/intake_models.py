"""The intake: a snapshot of what a new athlete (or their coach) said about them, kept as
history — a redone intake adds a snapshot, never overwrites one — and the one-time invite that
lets an athlete fill it on their phone. The logbook owns this data; generation reads it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class IntakeSnapshot(models.Model):
    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.CASCADE, related_name="intake_snapshots"
    )
    # athletes.intake.IntakeData.model_dump(mode="json"): validated before it is stored.
    data = models.JSONField()
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Estimated maxes become training maxes only when the coach confirms them.
    maxes_confirmed_at = models.DateTimeField(null=True, blank=True)
    maxes_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["athlete", "-created_at"], name="intake_athlete_idx")]

    def __str__(self) -> str:
        return f"Intake of {self.athlete_id} on {self.created_at:%Y-%m-%d}"


class IntakeInvite(models.Model):
    """A one-time link: signed (athletes.intake.invite_token), single use, expiring."""

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.CASCADE, related_name="intake_invites"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="invite_expires_after"
            )
        ]

    def __str__(self) -> str:
        return f"Intake invite for {self.athlete_id} (until {self.expires_at:%Y-%m-%d})"
