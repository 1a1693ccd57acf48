from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AppSetting(models.Model):
    """One stored override of a registry setting. No row = the default (or the env var) applies.

    Plain settings keep their canonical text in `value`; secrets keep only a Fernet token in
    `secret_value` (see settings_app.crypto), so the plaintext never reaches the database.
    Writes go through settings_app.services.
    """

    key = models.CharField(primary_key=True, max_length=100)
    value = models.TextField(blank=True, default="")
    secret_value = models.TextField(blank=True, default="", editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value="") | Q(secret_value=""),
                name="appsetting_value_or_secret_not_both",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_encrypted(self) -> bool:
        return bool(self.secret_value)
