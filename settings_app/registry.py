"""The one list of application settings, and their resolution: env var → database → default.

Add a setting by appending a `Setting` to REGISTRY (and, when it must agree with others, a rule
to CROSS_CHECKS); the admin settings page, the env var, storage and validation follow from it.
Reading a setting (`get_setting(key)`, the typed `setting_str/int/float/bool`), its resolution
and its per-process cache live in settings_app.resolution, which reads this list.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit


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

    @property
    def max_length(self) -> int:
        return int(str(self.extra.get("max_length", 50_000 if self.kind is Kind.TEXTAREA else 500)))


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

MUSCLE_GROUPS = (
    "quads",
    "hamstrings",
    "glutes",
    "lower_back",
    "upper_back",
    "chest",
    "triceps",
    "shoulders",
    "biceps",
    "core",
)
# Weekly sets (MEV / MRV) per muscle group: /work/shared/session-adjustment.md.
DEFAULT_VOLUME_LANDMARKS = (
    "quads=8/20, hamstrings=6/20, glutes=0/22, lower_back=6/18, upper_back=10/22, "
    "chest=8/22, triceps=6/20, shoulders=8/20, biceps=8/20, core=4/20"
)


def parse_volume_landmarks(text: str) -> dict[str, tuple[int, int]]:
    """ "quads=8/20, …" → {"quads": (8, 20)}; raises ValueError naming the bad entry."""
    landmarks: dict[str, tuple[int, int]] = {}
    for entry in filter(None, (e.strip() for e in text.split(","))):
        group, _, numbers = entry.partition("=")
        mev, _, mrv = numbers.partition("/")
        group = group.strip()
        if group not in MUSCLE_GROUPS:
            raise ValueError(f"{group!r} is not a muscle group ({', '.join(MUSCLE_GROUPS)})")
        if not (mev.strip().isdigit() and mrv.strip().isdigit()):
            raise ValueError(f"{entry!r} is not group=MEV/MRV with whole numbers")
        if int(mev) > int(mrv):
            raise ValueError(f"{entry!r}: MEV is above MRV")
        landmarks[group] = (int(mev), int(mrv))
    return landmarks


REGISTRY: tuple[Setting, ...] = (
    Setting(
        "app.name",
        Kind.TEXT,
        "RepLog",
        "General",
        "Application name",
        "Shown in the header and page titles.",
        env_var="REPLOG_APP_NAME",
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
        "defaults.distance_unit",
        Kind.CHOICE,
        "km",
        "General",
        "Distance unit",
        "How runs are entered and shown; distances are stored in metres.",
        env_var="REPLOG_DISTANCE_UNIT",
        choices=(("km", "km"), ("mi", "miles")),
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
        "The provider's key; not needed for Ollama or most local servers.",
        env_var="REPLOG_LLM_API_KEY",
    ),
    Setting(
        "llm.base_url",
        Kind.TEXT,
        "",
        "LLM",
        "Base URL",
        "For Ollama (default http://127.0.0.1:11434) or an OpenAI-compatible endpoint "
        "(usually ending in /v1); empty uses the provider's public API.",
        env_var="REPLOG_LLM_BASE_URL",
        extra={"format": "url"},
    ),
    Setting(
        "llm.temperature",
        Kind.FLOAT,
        0.7,
        "LLM",
        "Temperature",
        "Lower is more predictable and repeatable.",
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
        "A reply cut off at this limit is treated as a failure (truncated).",
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
        "Retries after a rate limit, a server error or a dropped connection, within the timeout.",
        env_var="REPLOG_LLM_MAX_RETRIES",
        min_value=0,
        max_value=10,
    ),
    Setting(
        "llm.ollama_num_ctx",
        Kind.INT,
        16384,
        "LLM",
        "Ollama context window (tokens)",
        "Sent as num_ctx: Ollama's own default (2048–4096) silently cuts long prompts.",
        env_var="REPLOG_LLM_OLLAMA_NUM_CTX",
        min_value=2048,
        max_value=1_048_576,
    ),
    Setting(
        "llm.prompt_token_budget",
        Kind.INT,
        6000,
        "LLM",
        "Whole prompt token budget",
        "Size limit of everything sent in a generation's first call (rules, answer format, "
        "request, athlete packet); the packet gets what the rest leaves and summarises older "
        "data to fit.",
        env_var="REPLOG_LLM_PROMPT_TOKEN_BUDGET",
        min_value=2000,
        max_value=1_000_000,
    ),
    Setting(
        "llm.system_prompt_override",
        Kind.TEXTAREA,
        "",
        "LLM",
        "System prompt override",
        "Replaces the built-in coaching rules of the system prompt when not empty; the "
        "answer-format section is always kept, since answers in any other form would fail.",
    ),
    Setting(
        "generation.max_concurrency",
        Kind.INT,
        4,
        "Generation",
        "Max concurrent generations",
        "How many generations may call the LLM at the same time, across all workers.",
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
        "A name at least this similar to a catalog exercise is mapped to it automatically.",
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
        "At least this similar: mapped, but flagged for review.",
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
        "At least this similar: offered as a suggestion; below it the name is unknown.",
        env_var="REPLOG_MATCHING_LOW",
        min_value=0.0,
        max_value=1.0,
    ),
    Setting(
        "generation.coach_runs_per_hour",
        Kind.INT,
        30,
        "Generation",
        "Generations per coach per hour",
        "How many drafts one coach may start in any hour; 0 = no limit.",
        env_var="REPLOG_GENERATION_COACH_RUNS_PER_HOUR",
        min_value=0,
        max_value=10_000,
    ),
    Setting(
        "plan_import.llm_parses_per_hour",
        Kind.INT,
        20,
        "Generation",
        "LLM plan parses per coach per hour",
        "How many pasted plans one coach may have read by the LLM in any hour; 0 = no limit. "
        "The grammar-only parser is never limited.",
        env_var="REPLOG_PLAN_IMPORT_LLM_PARSES_PER_HOUR",
        min_value=0,
        max_value=10_000,
    ),
    Setting(
        "generation.run_deadline_seconds",
        Kind.INT,
        600,
        "Generation",
        "Run deadline (seconds)",
        "A run still queued or working after this long is marked failed "
        "(worker stopped or timed out).",
        env_var="REPLOG_GENERATION_RUN_DEADLINE_SECONDS",
        min_value=30,
        max_value=86_400,
    ),
    Setting(
        "generation.packet_token_budget",
        Kind.INT,
        # Counted on the packet as sent, its list of the athlete's exercises (~1,000 tokens)
        # included: 4,000 left that list out.
        5000,
        "Generation",
        "Athlete packet token budget",
        "Size limit of the athlete data shown in the packet panel and download, its exercise "
        "list included; older data is summarised to stay under it, recent data is kept. A "
        "generation run's packet gets the room the whole prompt budget leaves instead.",
        env_var="REPLOG_GENERATION_PACKET_TOKEN_BUDGET",
        min_value=500,
        max_value=200_000,
    ),
    Setting(
        "session.strategy",
        Kind.CHOICE,
        "auto",
        "Session adjustment",
        "Adjustment strategy",
        "How “Adjust for today” adjusts a session: formula (deterministic), llm (a bounded "
        "adjustment from the LLM), hybrid (both, side by side) or auto (llm when an LLM is "
        "configured, else formula). The formula is always the fallback.",
        env_var="REPLOG_SESSION_STRATEGY",
        choices=(
            ("auto", "Automatic"),
            ("formula", "Formula"),
            ("llm", "LLM"),
            ("hybrid", "Hybrid"),
        ),
    ),
    Setting(
        "session.llm_deadline_seconds",
        Kind.FLOAT,
        5.0,
        "Session adjustment",
        "LLM deadline (seconds)",
        "The page never waits longer than this for the LLM; past it the formula answers.",
        env_var="REPLOG_SESSION_LLM_DEADLINE_SECONDS",
        min_value=0.5,
        max_value=60.0,
    ),
    Setting(
        "session.volume_landmarks",
        Kind.TEXT,
        DEFAULT_VOLUME_LANDMARKS,
        "Session adjustment",
        "Weekly sets per muscle group (MEV/MRV)",
        "group=MEV/MRV, comma separated. A lift whose group is at its MRV this week is "
        "skipped; one that would pass it is trimmed.",
        env_var="REPLOG_SESSION_VOLUME_LANDMARKS",
        extra={"format": "volume_landmarks"},
    ),
)

BY_KEY: dict[str, Setting] = {s.key: s for s in REGISTRY}


def _matching_order(values: Mapping[str, object]) -> dict[str, str]:
    high, accept, low = (values["matching.high"], values["matching.accept"], values["matching.low"])
    assert isinstance(high, float)
    assert isinstance(accept, float)
    assert isinstance(low, float)
    errors: dict[str, str] = {}
    if accept > high:
        errors["matching.accept"] = f"Must not be above the auto-map threshold ({high:g})."
    if low > accept:
        errors["matching.low"] = f"Must not be above the map-but-review threshold ({accept:g})."
    return errors


# Rules across settings, given every effective value; each returns {key: message} for failures.
CROSS_CHECKS: tuple[Callable[[Mapping[str, object]], dict[str, str]], ...] = (_matching_order,)


def category_slug(category: str) -> str:
    return "-".join(category.lower().split())


def categories() -> list[str]:
    """Categories in registry order."""
    return list(dict.fromkeys(s.category for s in REGISTRY))


def coerce(setting: Setting, raw: object) -> object:
    """Turn a raw value (env string, form value, stored text) into the setting's type, or raise."""
    text = raw.strip() if isinstance(raw, str) else raw
    value: object
    if setting.kind in (Kind.INT, Kind.FLOAT):
        if isinstance(text, bool):
            raise SettingValueError(setting, f"{text!r} is not a number")
        try:
            value = int(str(text)) if setting.kind is Kind.INT else float(str(text))
        except ValueError:
            raise SettingValueError(
                setting,
                f"{text!r} is not a {'whole number' if setting.kind is Kind.INT else 'number'}",
            ) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise SettingValueError(setting, f"{text!r} is not a finite number")
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
    # Text kinds. Whitespace around a model name, a URL or a key is always a paste accident;
    # a prompt keeps its inner layout.
    if raw is None:
        value = ""
    elif setting.kind is Kind.TEXTAREA:
        value = str(raw)
    else:
        value = str(text)
    if len(value) > setting.max_length:
        raise SettingValueError(setting, f"is longer than {setting.max_length} characters")
    if setting.kind is Kind.SECRET and any(c.isspace() for c in value):
        # The message must not quote the value: it is a secret.
        raise SettingValueError(setting, "must not contain spaces or line breaks")
    if setting.extra.get("format") == "volume_landmarks":
        try:
            parse_volume_landmarks(value)
        except ValueError as exc:
            raise SettingValueError(setting, str(exc)) from None
    if setting.extra.get("format") == "url" and value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingValueError(
                setting, f"{value!r} is not an http(s) URL such as http://127.0.0.1:11434"
            )
    return value


def serialize(setting: Setting, value: object) -> str:
    """The canonical text stored for a typed value (coerce(serialize(v)) == v)."""
    if setting.kind is Kind.BOOL:
        return "true" if value else "false"
    if setting.kind is Kind.FLOAT:
        return repr(float(str(value)))
    return str(value)
