from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PreferenceKind(models.TextChoices):
    SWAP = "swap", "Swaps an exercise"
    REMOVE = "remove", "Removes sets"
    LOAD = "load", "Changes loads"
    VOLUME = "volume", "Changes sets/reps"
    REJECT = "reject", "Rejects drafts"


class LearnedPreference(models.Model):
    """One pattern in a coach's edits for one athlete, re-derived whenever a run is decided.

    `subject` is the exercise the pattern is about; `detail` the swap target, or the direction
    ("lower"/"higher") of load and volume changes, or the rejection reason. The key
    (athlete, kind, subject, detail) is unique so a refresh updates counts in place and a
    cleared preference stays cleared until the coach makes the edit again."""

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.CASCADE, related_name="learned_preferences"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learned_preferences",
    )
    kind = models.CharField(max_length=10, choices=PreferenceKind.choices)
    subject = models.CharField(max_length=200)
    detail = models.CharField(max_length=200, blank=True, default="")
    count = models.PositiveIntegerField(default=0)
    # Decided drafts the count is out of (those after the preference was last cleared).
    out_of = models.PositiveIntegerField(default=0)
    # How many of the athlete's last STABLE_WINDOW approved drafts had it.
    recent = models.PositiveIntegerField(default=0)
    # The mean change of a load or volume pattern, in percent (negative: lowered).
    typical_change_pct = models.FloatField(null=True, blank=True)
    # [{"run": id, "date": "YYYY-MM-DD"}] of the drafts that had it, newest first.
    runs = models.JSONField(default=list, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    cleared = models.BooleanField(default=False)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "kind", "subject", "detail"], name="learned_preference_key"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in PreferenceKind]),
                name="learned_preference_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["athlete", "cleared"], name="pref_athlete_cleared_idx")]

    def __str__(self) -> str:
        return f"{self.athlete_id}: {self.get_kind_display()} {self.subject} {self.detail}".strip()
