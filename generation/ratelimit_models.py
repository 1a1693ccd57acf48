"""The state of the shared LLM rate limiter (generation/ratelimit.py): one row per limiter.

Imported by generation/models.py so Django registers it with the generation app.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class RateLimitSlot(models.Model):
    key = models.CharField(max_length=64, primary_key=True)
    # Epoch seconds (time.time()) at which the next request may start. A float, not a
    # DateTimeField: the limiter does arithmetic on it with an injectable clock, and every
    # process on every machine reads it the same way whatever the database's time zone.
    next_at = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "generation"
        constraints = [
            models.CheckConstraint(condition=Q(next_at__gte=0), name="ratelimit_next_at_gte_0")
        ]

    def __str__(self) -> str:
        return f"Rate limiter {self.key}: next request at {self.next_at:.3f}"
