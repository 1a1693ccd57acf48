"""pydantic models of CatalogJSON 1.x (see /work/shared/catalogjson.md).

Two families share one set of fields:
- `Catalog` and friends are lenient about keys: unknown keys are kept aside (`extra="allow"`) so
  the parser can report them as warnings and then ignore them — the Go app writes keys we may not
  know, and it ignores ours.
- `StrictCatalog` and friends forbid unknown keys (`extra="forbid"`): for output we ask an LLM or
  a generator to produce, where an unknown key is a mistake worth a repair round.

Field types are strict about JSON types (no "5" for 5, no true for 1) but accept what the Go app
writes: `null` for an empty list, `""` for an unset tier/URL/rep type, `75.0` for a whole number.
Cross-field rules (week inside the program, duplicates, the percentage unit…) live in parse.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from programs.catalog.setshape import reps_problem
from programs.models import Audience, MovementPattern, MuscleGroup, RepType, Tier, WeekType
from replog.text import clean_name, clean_text
from settings_app.registry import MUSCLE_GROUPS

SUPPORTED_MAJOR = "1"
WRITE_VERSION = "1.1"
VERSION_RE = re.compile(r"^1\.\d{1,3}$")

# Field lengths follow the model fields so that nothing valid here fails in the database.
EQUIPMENT_NAME_MAX = 100
EXERCISE_NAME_MAX = 120
PROGRAM_NAME_MAX = 200
DESCRIPTION_MAX = 10_000
FORM_NOTES_MAX = 5_000
SET_NOTES_MAX = 500
URL_MAX = 500
ALIAS_MAX = 120
ALIASES_MAX = 30
MUSCLES_MAX = 10
COACH_NOTES_MAX = 2_000

MAX_WEEKS = 52
MAX_DAYS = 7
MAX_REST_SECONDS = 3_600
MAX_SORT_ORDER = 10_000
MAX_SET_NUMBER = 100
MAX_REPS = 100_000  # distance sets are metres: a 10 km run is 10,000
MAX_ABSOLUTE_WEIGHT = Decimal(10_000)
MAX_INCREMENT = Decimal(1_000)
MAX_PERCENTAGE_INPUT = Decimal(1_000)  # range 20–110 is checked after unit normalisation


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {text!r}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a whole number, got {_describe(value)}")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"must be a whole number, got {value!r}")
        return int(value)
    return value


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"must be a number, got {_describe(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {value!r}")
    try:
        # str() first: Decimal(0.1) would carry the binary expansion of the float.
        result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValueError(f"must be a number, got {value!r}") from None
    if result.is_nan() or result.is_infinite():
        raise ValueError(f"must be a finite number, got {value!r}")
    return result


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {_describe(value)}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {_describe(value)}")
    return clean_text(value)


def _name(value: Any) -> str:
    return clean_name(_text(value))


def _optional_text(value: Any) -> str:
    """null → ""; the database stores an empty string for "not set"."""
    if value is None:
        return ""
    return _text(value)


def _list_or_null(value: Any) -> Any:
    # Go encodes a nil slice as null; an empty list means the same thing.
    return [] if value is None else value


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


def _blank_is_reps(value: Any) -> Any:
    return RepType.REPS.value if value is None or value == "" else value


def _demo_url(value: Any) -> str:
    text = _optional_text(value).strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"must be an http:// or https:// address, got {_describe(text)}")
    if any(c.isspace() for c in text):
        raise ValueError("must not contain spaces")
    return text


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Number = Annotated[Decimal, BeforeValidator(_number)]
Boolean = Annotated[bool, BeforeValidator(_boolean)]

EquipmentName = Annotated[str, BeforeValidator(_name), Field(max_length=EQUIPMENT_NAME_MAX)]
ExerciseName = Annotated[str, BeforeValidator(_name), Field(max_length=EXERCISE_NAME_MAX)]
ProgramName = Annotated[str, BeforeValidator(_name), Field(max_length=PROGRAM_NAME_MAX)]
AliasName = Annotated[str, BeforeValidator(_name), Field(max_length=ALIAS_MAX)]
Description = Annotated[str, BeforeValidator(_optional_text), Field(max_length=DESCRIPTION_MAX)]
FormNotes = Annotated[str, BeforeValidator(_optional_text), Field(max_length=FORM_NOTES_MAX)]
SetNotes = Annotated[str, BeforeValidator(_optional_text), Field(max_length=SET_NOTES_MAX)]
CoachNotes = Annotated[str, BeforeValidator(_optional_text), Field(max_length=COACH_NOTES_MAX)]

TierValue = Literal["foundational", "intermediate", "sport_performance"]
PatternValue = Literal[
    "squat",
    "hinge",
    "lunge",
    "horizontal_push",
    "vertical_push",
    "horizontal_pull",
    "vertical_pull",
    "carry",
    "core",
    "plyometric",
    "olympic",
    "conditioning",
    "mobility",
    "run",
]
MuscleValue = Literal[
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
]
RepTypeValue = Literal["reps", "each_side", "seconds", "distance"]
AudienceValue = Literal["youth", "adult"]
WeekTypeValue = Literal["base", "build", "peak", "recovery", "taper", "race"]

# The Literal types above are written out for JSON Schema (LLM structured output); keep them in
# step with the model enums.
assert set(TierValue.__args__) == set(Tier.values)  # type: ignore[attr-defined]
assert set(PatternValue.__args__) == set(MovementPattern.values)  # type: ignore[attr-defined]
assert set(MuscleValue.__args__) == set(MuscleGroup.values)  # type: ignore[attr-defined]
# settings_app cannot import programs, so the MEV/MRV setting keeps its own list of the groups.
assert set(MuscleGroup.values) == set(MUSCLE_GROUPS)
assert set(RepTypeValue.__args__) == set(RepType.values)  # type: ignore[attr-defined]
assert set(AudienceValue.__args__) == set(Audience.values)  # type: ignore[attr-defined]
assert set(WeekTypeValue.__args__) == set(WeekType.values)  # type: ignore[attr-defined]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=False)

    @model_serializer(mode="wrap")
    def _without_unknown_keys(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict) and self.model_extra:
            for key in self.model_extra:
                data.pop(key, None)
        return data


class EquipmentItem(_Lenient):
    name: EquipmentName
    description: Description = ""


class ExerciseEquipmentItem(_Lenient):
    name: EquipmentName
    optional: Boolean = False


class ExerciseItem(_Lenient):
    name: ExerciseName
    tier: Annotated[TierValue | None, BeforeValidator(_blank_is_none)] = None
    form_notes: FormNotes = ""
    demo_url: Annotated[str, BeforeValidator(_demo_url), Field(max_length=URL_MAX)] = ""
    rest_seconds: Annotated[WholeNumber | None, Field(ge=0, le=MAX_REST_SECONDS)] = None
    featured: Boolean = False
    equipment: Annotated[Sequence[ExerciseEquipmentItem], BeforeValidator(_list_or_null)] = ()
    aliases: Annotated[
        Sequence[AliasName],
        BeforeValidator(_list_or_null),
        Field(max_length=ALIASES_MAX),
    ] = ()
    movement_pattern: Annotated[PatternValue | None, BeforeValidator(_blank_is_none)] = None
    # RepLog 1.1 extension (the Go app ignores it): muscle groups for weekly volume.
    primary_muscles: Annotated[
        Sequence[MuscleValue], BeforeValidator(_list_or_null), Field(max_length=MUSCLES_MAX)
    ] = ()
    secondary_muscles: Annotated[
        Sequence[MuscleValue], BeforeValidator(_list_or_null), Field(max_length=MUSCLES_MAX)
    ] = ()


class ProgramWeek(_Lenient):
    week: Annotated[WholeNumber, Field(ge=1, le=MAX_WEEKS)]
    week_type: Annotated[WeekTypeValue | None, BeforeValidator(_blank_is_none)] = None
    coach_notes: CoachNotes = ""


class PrescribedSetItem(_Lenient):
    exercise: ExerciseName
    week: Annotated[WholeNumber, Field(ge=1, le=MAX_WEEKS)]
    day: Annotated[WholeNumber, Field(ge=1, le=MAX_DAYS)]
    set_number: Annotated[WholeNumber, Field(ge=1, le=MAX_SET_NUMBER)]
    # Required on purpose: a missing `reps` must not silently become an AMRAP set.
    reps: Annotated[WholeNumber | None, Field(ge=1, le=MAX_REPS)]
    rep_type: Annotated[RepTypeValue, BeforeValidator(_blank_is_reps)] = "reps"
    percentage: Annotated[Number | None, Field(ge=0, le=MAX_PERCENTAGE_INPUT)] = None
    absolute_weight: Annotated[Number | None, Field(ge=0, le=MAX_ABSOLUTE_WEIGHT)] = None
    sort_order: Annotated[WholeNumber, Field(ge=-MAX_SORT_ORDER, le=MAX_SORT_ORDER)] = 0
    notes: SetNotes = ""
    target_rpe: Annotated[Number | None, Field(ge=1, le=10)] = None

    @model_validator(mode="after")
    def _reps_fit_rep_type(self) -> PrescribedSetItem:
        # The generator's rule: what it could not read back is refused here, at import.
        problem = reps_problem(self.reps, str(self.rep_type))
        if problem is not None:
            raise ValueError(problem)
        return self


class ProgressionRuleItem(_Lenient):
    exercise: ExerciseName
    increment: Annotated[Number, Field(ge=0, le=MAX_INCREMENT)]


class ProgramItem(_Lenient):
    name: ProgramName
    description: Description = ""
    num_weeks: Annotated[WholeNumber, Field(ge=1, le=MAX_WEEKS)]
    num_days: Annotated[WholeNumber, Field(ge=1, le=MAX_DAYS)]
    is_loop: Boolean = False
    audience: Annotated[AudienceValue | None, BeforeValidator(_blank_is_none)] = None
    prescribed_sets: Annotated[Sequence[PrescribedSetItem], BeforeValidator(_list_or_null)] = ()
    progression_rules: Annotated[Sequence[ProgressionRuleItem], BeforeValidator(_list_or_null)] = ()
    weeks: Annotated[Sequence[ProgramWeek], BeforeValidator(_list_or_null)] = ()


def _version(value: Any) -> str:
    text = _text(value).strip()
    if not VERSION_RE.match(text):
        raise ValueError(
            f'version {text!r} is not supported: this app reads CatalogJSON 1.x (e.g. "1.0")'
        )
    return text


class Catalog(_Lenient):
    type: Literal["catalog"]
    version: Annotated[str, BeforeValidator(_version)]
    # Written on export, ignored on import; kept only so it is not reported as unknown.
    exported_at: Any = None
    equipment: Annotated[Sequence[EquipmentItem], BeforeValidator(_list_or_null)] = ()
    exercises: Annotated[Sequence[ExerciseItem], BeforeValidator(_list_or_null)] = ()
    programs: Annotated[Sequence[ProgramItem], BeforeValidator(_list_or_null)] = ()


# --- The strict family: same fields, unknown keys are errors. --------------------------------

_FORBID = ConfigDict(extra="forbid")


class StrictEquipmentItem(EquipmentItem):
    model_config = _FORBID


class StrictExerciseEquipmentItem(ExerciseEquipmentItem):
    model_config = _FORBID


class StrictExerciseItem(ExerciseItem):
    model_config = _FORBID
    equipment: Annotated[Sequence[StrictExerciseEquipmentItem], BeforeValidator(_list_or_null)] = ()


class StrictProgramWeek(ProgramWeek):
    model_config = _FORBID


class StrictPrescribedSetItem(PrescribedSetItem):
    model_config = _FORBID


class StrictProgressionRuleItem(ProgressionRuleItem):
    model_config = _FORBID


class StrictProgramItem(ProgramItem):
    model_config = _FORBID
    prescribed_sets: Annotated[
        Sequence[StrictPrescribedSetItem], BeforeValidator(_list_or_null)
    ] = ()
    progression_rules: Annotated[
        Sequence[StrictProgressionRuleItem], BeforeValidator(_list_or_null)
    ] = ()
    weeks: Annotated[Sequence[StrictProgramWeek], BeforeValidator(_list_or_null)] = ()


class StrictCatalog(Catalog):
    model_config = _FORBID
    equipment: Annotated[Sequence[StrictEquipmentItem], BeforeValidator(_list_or_null)] = ()
    exercises: Annotated[Sequence[StrictExerciseItem], BeforeValidator(_list_or_null)] = ()
    programs: Annotated[Sequence[StrictProgramItem], BeforeValidator(_list_or_null)] = ()
