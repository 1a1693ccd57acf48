"""Writes to the settings store. Every change goes through here (the page, commands, tests)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from settings_app import crypto
from settings_app.models import AppSetting, SettingChange
from settings_app.registry import (
    BY_KEY,
    CROSS_CHECKS,
    REGISTRY,
    Setting,
    SettingValueError,
    categories,
    category_slug,
    coerce,
    serialize,
)
from settings_app.resolution import Stored, current_snapshot, env_raw, invalidate, resolve
from settings_app.selectors import display

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger("settings_app")


class SettingsInvalid(Exception):
    """Nothing was saved. `errors` maps a setting key (or "__all__") to a message for that field;
    no message ever quotes a secret."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))


class RotationError(Exception):
    pass


@dataclass(frozen=True)
class _Plan:
    setting: Setting
    action: str  # "keep" | "delete" | "store"
    value: object = None  # the effective value afterwards (for cross-checks)
    text: str = ""
    token: str = ""


def _plan(setting: Setting, raw: object, stored: Stored | None) -> _Plan:
    """What storing `raw` means for one setting. Raises SettingValueError / SecretKeyMissing."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _Plan(setting, "delete", setting.default)
    if setting.is_secret:
        current = stored.value if stored is not None and stored.usable else None
        if isinstance(current, str) and raw == crypto.mask_secret(current):
            return _Plan(setting, "keep", current)  # the masked value came back unchanged
        plaintext = coerce(setting, raw)
        assert isinstance(plaintext, str)
        return _Plan(setting, "store", plaintext, token=crypto.encrypt(plaintext))
    value = coerce(setting, raw)
    if value == setting.default:
        # Not stored: a later change of the built-in default then applies here too.
        return _Plan(setting, "delete", value)
    return _Plan(setting, "store", value, text=serialize(setting, value))


def _effective_for_checks(plans: Mapping[str, _Plan]) -> dict[str, object]:
    values: dict[str, object] = {}
    for setting in REGISTRY:
        if setting.key in plans:
            values[setting.key] = plans[setting.key].value
            continue
        try:
            values[setting.key] = resolve(setting.key)
        except ImproperlyConfigured:
            values[setting.key] = setting.default
    return values


def _apply(
    plans: list[_Plan], stored: Mapping[str, Stored], by: AbstractBaseUser | None
) -> list[str]:
    changed: list[str] = []
    history: list[SettingChange] = []
    now = timezone.now()
    by_id = by.pk if by is not None else None
    for plan in plans:
        key = plan.setting.key
        current = stored.get(key)
        if plan.action == "keep":
            continue
        record = SettingChange(
            key=key,
            changed_at=now,
            changed_by_id=by_id,
            old_display=_shown(plan.setting, current),
            new_display=display(plan.setting, plan.value),
        )
        if plan.action == "delete":
            if AppSetting.objects.filter(key=key).delete()[0]:
                changed.append(key)
                history.append(record)
            continue
        if (
            current is not None
            and current.usable
            and not plan.setting.is_secret
            and current.text == plan.text
        ):
            continue
        AppSetting.objects.update_or_create(
            key=key,
            defaults={
                "value": plan.text,
                "secret_value": plan.token,
                "updated_at": now,
                "updated_by_id": by_id,
            },
        )
        changed.append(key)
        history.append(record)
    SettingChange.objects.bulk_create(history)
    return changed


def _shown(setting: Setting, current: Stored | None) -> str:
    if current is None:
        return display(setting, setting.default)
    if not current.usable:
        return "(unreadable)"
    return display(setting, current.value)


def settings_set(*, key: str, value: object, by: AbstractBaseUser | None) -> bool:
    """Store one setting (None or "" reverts it to the default). Returns whether a row changed.

    Raises SettingValueError for a bad value or an env-locked setting, and
    crypto.SecretKeyMissing for a secret without REPLOG_SECRET_KEY.
    """
    setting = BY_KEY[key]
    if env_raw(setting) is not None:
        raise SettingValueError(
            setting, f"is set by the environment variable {setting.env_var}; change it there"
        )
    invalidate()
    stored = current_snapshot().stored
    plan = _plan(setting, value, stored.get(key))
    errors: dict[str, str] = {}
    for check in CROSS_CHECKS:
        errors.update(check(_effective_for_checks({key: plan})))
    if errors:
        raise SettingsInvalid(errors)
    with transaction.atomic():
        changed = _apply([plan], stored, by)
    invalidate()
    if changed:
        logger.info("Setting %s changed by %s", key, _who(by))
    return bool(changed)


def settings_bulk_update(
    *, category: str, data: Mapping[str, object], by: AbstractBaseUser | None
) -> list[str]:
    """Save one category of the settings page, all or nothing. Returns the keys that changed.

    `data` maps keys to raw values; a key left out is unchanged, env-set keys are ignored, and a
    secret posted back as its masked display keeps the stored value.
    """
    members = settings_in_category(category)
    unknown = set(data) - {s.key for s in members}
    if unknown:
        raise ValueError(f"Not in category {category!r}: {', '.join(sorted(unknown))}")
    invalidate()
    stored = current_snapshot().stored
    plans: dict[str, _Plan] = {}
    errors: dict[str, str] = {}
    for setting in members:
        if setting.key not in data or env_raw(setting) is not None:
            continue
        try:
            plans[setting.key] = _plan(setting, data[setting.key], stored.get(setting.key))
        except SettingValueError as exc:
            errors[setting.key] = exc.message
        except crypto.SecretKeyMissing as exc:
            errors[setting.key] = str(exc)
    if not errors:
        member_keys = {s.key for s in members}
        effective = _effective_for_checks(plans)
        for check in CROSS_CHECKS:
            for key, message in check(effective).items():
                errors[key if key in member_keys else "__all__"] = message
    if errors:
        raise SettingsInvalid(errors)
    with transaction.atomic():
        changed = _apply(list(plans.values()), stored, by)
    invalidate()
    if changed:
        # Names only: values may be secrets, and the audit needs only who and what.
        logger.info("Settings changed by %s: %s", _who(by), ", ".join(changed))
    return changed


def settings_in_category(category: str) -> list[Setting]:
    """Accepts the category's name or its slug."""
    for name in categories():
        if category in (name, category_slug(name)):
            return [s for s in REGISTRY if s.category == name]
    raise ValueError(f"Unknown settings category {category!r}")


@dataclass(frozen=True)
class RotationResult:
    reencrypted: int
    already_current: int


def settings_rotate_key(*, old_key: str) -> RotationResult:
    """Re-encrypt every stored secret from `old_key` to the current REPLOG_SECRET_KEY.

    All or nothing: if any secret opens with neither key, nothing changes and the error names it.
    """
    new_key = crypto.current_key()
    if not new_key:
        raise crypto.SecretKeyMissing
    if not old_key:
        raise RotationError("The old key is empty.")
    if old_key == new_key:
        raise RotationError("The old key is the current REPLOG_SECRET_KEY: nothing to rotate.")
    reencrypted = already = 0
    failed: list[str] = []
    with transaction.atomic():
        rows = list(AppSetting.objects.select_for_update().exclude(secret_value="").order_by("key"))
        updates: list[AppSetting] = []
        for row in rows:
            try:
                plaintext = crypto.decrypt(row.secret_value, key=old_key)
            except crypto.DecryptError:
                try:
                    crypto.decrypt(row.secret_value, key=new_key)
                except crypto.DecryptError:
                    failed.append(row.key)
                else:
                    already += 1
                continue
            row.secret_value = crypto.encrypt(plaintext, key=new_key)
            updates.append(row)
        if failed:
            raise RotationError(
                f"Cannot decrypt {', '.join(failed)} with the old key nor the current one; "
                "nothing was changed. Check the old key, or enter those settings again on the "
                "settings page."
            )
        AppSetting.objects.bulk_update(updates, ["secret_value"])
        reencrypted = len(updates)
    invalidate()
    logger.info("Settings key rotated: %d secret(s) re-encrypted", reencrypted)
    return RotationResult(reencrypted=reencrypted, already_current=already)


def _who(by: AbstractBaseUser | None) -> str:
    return by.get_username() if by is not None else "system"
