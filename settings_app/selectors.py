from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from settings_app import crypto
from settings_app.models import SettingChange
from settings_app.registry import REGISTRY, Kind, Setting, categories, category_slug, serialize
from settings_app.resolution import Snapshot, Source, current_snapshot, env_raw, env_value


@dataclass(frozen=True)
class SettingState:
    """One setting as the settings page shows it. Secrets only ever appear masked here."""

    setting: Setting
    source: Source
    display: str  # the effective value, masked for secrets
    form_value: str  # what the input starts with: "" means "the default"
    locked: bool  # set through the environment: read-only on the page
    error: str = ""  # invalid env value, invalid stored value, or "cannot decrypt — re-enter"
    value: object = None  # the effective typed value; for secrets only the masked display

    @property
    def key(self) -> str:
        return self.setting.key

    @property
    def default_display(self) -> str:
        return display(self.setting, self.setting.default)


@dataclass(frozen=True)
class CategoryState:
    name: str
    slug: str
    settings: list[SettingState]

    @property
    def has_errors(self) -> bool:
        return any(s.error for s in self.settings)


def display(setting: Setting, value: object) -> str:
    """A value as the page (and the change history) shows it: secrets masked."""
    if setting.is_secret:
        return crypto.mask_secret(str(value or ""))
    if setting.kind is Kind.CHOICE:
        return dict(setting.choices).get(str(value), str(value))
    if setting.kind is Kind.BOOL:
        return "yes" if value else "no"
    if setting.kind is Kind.FLOAT:
        return f"{float(str(value)):g}"
    return str(value)


def _state(setting: Setting, snapshot: Snapshot) -> SettingState:
    stored = snapshot.stored.get(setting.key)
    if env_raw(setting) is not None:
        try:
            value = env_value(setting)
        except ImproperlyConfigured as exc:
            return SettingState(setting, Source.ENV, "", "", locked=True, error=str(exc))
        shown = display(setting, value)
        return SettingState(setting, Source.ENV, shown, shown, True, value=_safe(setting, value))
    if stored is not None and stored.usable:
        shown = display(setting, stored.value)
        form_value = shown if setting.is_secret else stored.text
        return SettingState(
            setting, Source.DB, shown, form_value, False, value=_safe(setting, stored.value)
        )
    error = stored.error if stored is not None else ""
    form_value = ""
    if setting.kind in (Kind.CHOICE, Kind.BOOL):
        # A select or checkbox cannot be empty: it starts at the default.
        form_value = serialize(setting, setting.default)
    return SettingState(
        setting,
        Source.DEFAULT,
        display(setting, setting.default),
        form_value,
        False,
        error,
        value=_safe(setting, setting.default),
    )


def _safe(setting: Setting, value: object) -> object:
    return crypto.mask_secret(str(value or "")) if setting.is_secret else value


def settings_describe() -> list[CategoryState]:
    """Every setting, grouped by category in registry order, for the settings page."""
    snapshot = current_snapshot()  # one read of the rows for the whole page
    result = []
    for name in categories():
        states = [_state(s, snapshot) for s in REGISTRY if s.category == name]
        result.append(CategoryState(name=name, slug=category_slug(name), settings=states))
    return result


def category_describe(slug: str) -> CategoryState:
    for category in settings_describe():
        if category.slug == slug:
            return category
    raise KeyError(slug)


def secrets_can_be_stored() -> bool:
    return crypto.has_key()


def recent_changes(limit: int = 20) -> list[SettingChange]:
    return list(SettingChange.objects.select_related("changed_by")[:limit])
