"""The LLM's answer, as a strict pydantic model: `reasoning` first, then one CatalogJSON program.

It is sent to the provider as the structured-output schema (LiteLLM `response_format`) and
checked here with `extra="forbid"`. `reasoning` is the first field on purpose: a model writes its
fields in schema order, so it states the data behind its choices before it writes the sets.

The schema only holds the shape and the structural bounds. The program rules — week and day
inside the program, duplicates, the percentage unit (fractions are normalised, with a warning),
20–110 %, catalog membership, tier and injury rules — are checked afterwards by the catalog
pipeline and generation.constraints, whose messages are what a repair round sends back. That is
also why `percentage` accepts 0.75 here: a fraction must reach the normaliser, not fail the schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

RepType = Literal["reps", "each_side", "seconds", "distance"]
Audience = Literal["youth", "adult"]
WeekType = Literal["base", "build", "peak", "recovery", "taper", "race"]

MAX_REASONING = 40
MAX_SENTENCE = 600
MAX_SETS = 2_000


def _all_required(schema: dict[str, Any]) -> None:
    """In the JSON schema every key is required (optional ones are nullable): OpenAI's strict
    structured output demands it, and a model told a key is optional tends to drop it. Our own
    validation still fills defaults, for providers that only do JSON mode."""
    properties = schema.get("properties", {})
    schema["required"] = list(properties)
    for prop in properties.values():
        prop.pop("default", None)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_all_required)


class DraftSet(_Strict):
    exercise: str = Field(min_length=1, max_length=120)
    week: int = Field(ge=1, le=52)
    day: int = Field(ge=1, le=7)
    set_number: int = Field(ge=1, le=100)
    reps: int | None = Field(ge=1, description="null = AMRAP")
    rep_type: RepType = "reps"
    percentage: float | None = Field(
        default=None, ge=0, le=1000, description="whole percent of the training max: 75 = 75 %"
    )
    absolute_weight: float | None = Field(default=None, ge=0, le=10_000)
    sort_order: int = Field(ge=0, le=1000)
    notes: str | None = Field(default=None, max_length=500)
    target_rpe: float | None = Field(default=None, ge=1, le=10)


class DraftRule(_Strict):
    exercise: str = Field(min_length=1, max_length=120)
    increment: float = Field(ge=0, le=1000)


class DraftWeek(_Strict):
    week: int = Field(ge=1, le=52)
    week_type: WeekType | None = None
    coach_notes: str | None = Field(default=None, max_length=2000)


class DraftProgram(_Strict):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    num_weeks: int = Field(ge=1, le=52)
    num_days: int = Field(ge=1, le=7)
    is_loop: bool
    audience: Audience | None = None
    prescribed_sets: list[DraftSet] = Field(min_length=1, max_length=MAX_SETS)
    progression_rules: list[DraftRule] = Field(default_factory=list)
    weeks: list[DraftWeek] = Field(default_factory=list)


class DraftAnswer(_Strict):
    """What the LLM must answer: {"reasoning": [...], "program": {...}}."""

    reasoning: list[str] = Field(min_length=1, max_length=MAX_REASONING)
    program: DraftProgram

    def to_catalog(self) -> dict[str, Any]:
        """The answer as a CatalogJSON 1.1 document holding this one program."""
        program = self.program.model_dump(mode="json")
        return {"type": "catalog", "version": "1.1", "programs": [program]}


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_messages(exc: ValidationError, *, limit: int = 30) -> list[str]:
    """pydantic's errors as "program.prescribed_sets[3].reps: …" lines (the repair round's
    feedback), without the input echoes and documentation links pydantic adds."""
    out: list[str] = []
    errors = exc.errors(include_url=False, include_input=False)
    for err in errors[:limit]:
        where = _where(tuple(err.get("loc", ())))
        message = str(err.get("msg", "is invalid"))
        if err.get("type") == "extra_forbidden":
            message = "is not a key of the answer format; remove it"
        elif err.get("type") == "missing":
            message = "is required" + (
                " (use null for an AMRAP set)" if where.endswith("reps") else ""
            )
        out.append(f"{where}: {message}" if where else message)
    if len(errors) > limit:
        out.append(f"… and {len(errors) - limit} more problems of the same kind")
    return out
