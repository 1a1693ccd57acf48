"""The one list of application settings, and their resolution: env var → database → default.

The database layer is not wired yet: for now a setting resolves env var → default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured


class Kind(StrEnum):
    TEXT = "text"
    SECRET = "secret"  # noqa: S105
    CHOICE = "choice"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    TEXTAREA = "textarea"


@dataclass(frozen=True)
class Setting:
    key: str
    kind: Kind
    default: object
    category: str
    label: str
    help_text: str = ""
    env_var: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def is_secret(self) -> bool:
        return self.kind is Kind.SECRET


class SettingValueError(ValueError):
    def __init__(self, setting: Setting, message: str) -> None:
        super().__init__(f"{setting.label}: {message}")
        self.setting = setting
        self.message = message


LLM_PROVIDERS: tuple[tuple[str, str], ...] = (
    ("", "None — use the built-in rules engine"),
    ("openai", "OpenAI"),
    ("anthropic", "Anthropic"),
    ("ollama", "Ollama"),
    ("openai_compatible", "OpenAI-compatible endpoint"),
)

REGISTRY: tuple[Setting, ...] = (
    Setting(
        "app.name", Kind.TEXT, "RepLog", "General", "Application name", env_var="REPLOG_APP_NAME"
    ),
    Setting(
        "defaults.weight_unit",
        Kind.CHOICE,
        "lbs",
        "General",
        "Weight unit",
        "One unit for the whole installation; numbers are stored as entered.",
        env_var="REPLOG_WEIGHT_UNIT",
        choices=(("lbs", "lbs"), ("kg", "kg")),
    ),
    Setting(
        "defaults.rest_seconds",
        Kind.INT,
        90,
        "General",
        "Default rest (seconds)",
        "Used when an exercise has no rest time of its own.",
        env_var="REPLOG_REST_SECONDS",
        min_value=0,
        max_value=3600,
    ),
    Setting(
        "defaults.plate_increment",
        Kind.FLOAT,
        5.0,
        "General",
        "Load rounding increment",
        "Target loads are rounded half-up to this step (5 for lbs, 2.5 for kg is usual).",
        env_var="REPLOG_PLATE_INCREMENT",
        min_value=0.0,
        max_value=50.0,
    ),
    Setting(
        "llm.provider",
        Kind.CHOICE,
        "",
        "LLM",
        "Provider",
        "Empty: no LLM configured; Generate uses the built-in rules engine.",
        env_var="REPLOG_LLM_PROVIDER",
        choices=LLM_PROVIDERS,
    ),
    Setting(
        "llm.model",
        Kind.TEXT,
        "",
        "LLM",
        "Model",
        "e.g. gpt-4o-mini, claude-sonnet-4-5, llama3.1",
        env_var="REPLOG_LLM_MODEL",
    ),
    Setting(
        "llm.api_key",
        Kind.SECRET,
        "",
        "LLM",
        "API key",
        "Stored encrypted.",
        env_var="REPLOG_LLM_API_KEY",
    ),
    Setting(
        "llm.base_url",
        Kind.TEXT,
        "",
        "LLM",
        "Base URL",
        "For Ollama or an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434",
        env_var="REPLOG_LLM_BASE_URL",
    ),
    Setting(
        "llm.temperature",
        Kind.FLOAT,
        0.7,
        "LLM",
        "Temperature",
        env_var="REPLOG_LLM_TEMPERATURE",
        min_value=0.0,
        max_value=2.0,
    ),
    Setting(
        "llm.max_tokens",
        Kind.INT,
        8192,
        "LLM",
        "Max output tokens",
        env_var="REPLOG_LLM_MAX_TOKENS",
        min_value=256,
        max_value=200_000,
    ),
    Setting(
        "llm.timeout_seconds",
        Kind.INT,
        120,
        "LLM",
        "Timeout (seconds)",
        "Overall deadline for one generation call, retries included.",
        env_var="REPLOG_LLM_TIMEOUT_SECONDS",
        min_value=1,
        max_value=1800,
    ),
    Setting(
        "llm.max_retries",
        Kind.INT,
        2,
        "LLM",
        "Max retries",
        env_var="REPLOG_LLM_MAX_RETRIES",
        min_value=0,
        max_value=10,
    ),
    Setting(
        "llm.system_prompt_override",
        Kind.TEXTAREA,
        "",
        "LLM",
        "System prompt override",
        "Replaces the built-in system prompt when not empty.",
    ),
    Setting(
        "generation.max_concurrency",
        Kind.INT,
        4,
        "Generation",
        "Max concurrent generations",
        env_var="REPLOG_GENERATION_MAX_CONCURRENCY",
        min_value=1,
        max_value=100,
    ),
    Setting(
        "generation.requests_per_minute",
        Kind.INT,
        60,
        "Generation",
        "LLM requests per minute",
        "Shared across all workers.",
        env_var="REPLOG_GENERATION_REQUESTS_PER_MINUTE",
        min_value=1,
        max_value=100_000,
    ),
    Setting(
        "matching.high",
        Kind.FLOAT,
        0.90,
        "Name matching",
        "Auto-map threshold",
        env_var="REPLOG_MATCHING_HIGH",
        min_value=0.0,
        max_value=1.0,
    ),
    Setting(
        "matching.accept",
        Kind.FLOAT,
        0.80,
        "Name matching",
        "Map-but-review threshold",
        env_var="REPLOG_MATCHING_ACCEPT",
        min_value=0.0,
        max_value=1.0,
    ),
    Setting(
        "matching.low",
        Kind.FLOAT,
        0.70,
        "Name matching",
        "Suggest-alternatives threshold",
        env_var="REPLOG_MATCHING_LOW",
        min_value=0.0,
        max_value=1.0,
    ),
)

BY_KEY: dict[str, Setting] = {s.key: s for s in REGISTRY}


def coerce(setting: Setting, raw: object) -> object:
    """Turn a raw value (env string, form value, stored text) into the setting's type, or raise."""
    text = raw.strip() if isinstance(raw, str) else raw
    value: object
    if setting.kind in (Kind.INT, Kind.FLOAT):
        try:
            value = int(str(text)) if setting.kind is Kind.INT else float(str(text))
        except ValueError:
            raise SettingValueError(
                setting,
                f"{text!r} is not a {'whole number' if setting.kind is Kind.INT else 'number'}",
            ) from None
        if setting.min_value is not None and value < setting.min_value:
            raise SettingValueError(setting, f"{value} is below the minimum {setting.min_value:g}")
        if setting.max_value is not None and value > setting.max_value:
            raise SettingValueError(setting, f"{value} is above the maximum {setting.max_value:g}")
        return value
    if setting.kind is Kind.BOOL:
        if isinstance(text, bool):
            return text
        lowered = str(text).lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise SettingValueError(setting, f"{text!r} is not true or false")
    if setting.kind is Kind.CHOICE:
        allowed = [c[0] for c in setting.choices]
        if str(text) not in allowed:
            raise SettingValueError(
                setting, f"{text!r} is not one of {', '.join(repr(a) for a in allowed)}"
            )
        return str(text)
    return "" if text is None else str(raw)


def get_setting(key: str) -> object:
    setting = BY_KEY[key]
    if setting.env_var:
        raw = os.environ.get(setting.env_var, "")
        if raw.strip():
            try:
                return coerce(setting, raw)
            except SettingValueError as exc:
                raise ImproperlyConfigured(
                    f"Environment variable {setting.env_var}: {exc.message}"
                ) from exc
    return setting.default
