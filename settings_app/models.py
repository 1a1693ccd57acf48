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


class SettingChange(models.Model):
    """The history of the settings store: who changed which key when, with the values as the
    settings page shows them (secrets masked, never in clear)."""

    key = models.CharField(max_length=100)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    old_display = models.TextField(blank=True, default="")
    new_display = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["-changed_at"], name="settingchange_recent_idx")]

    def __str__(self) -> str:
        return f"{self.key} at {self.changed_at:%Y-%m-%d %H:%M}"
