"""The page's flow: upload → preview (names, dates that already have a workout, warnings) →
import. A draft holds the parsed rows and the coach's choices between requests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from athletes.history.detect import parse_history
from athletes.history.names import map_names, name_key, name_problems, names_catalog
from athletes.history.rows import Format, ParsedHistory, Problem, Unit
from athletes.history.service import (
    HistoryImportError,
    HistoryResult,
    MergePolicy,
    history_import,
    set_keys,
    workout_identity,
)
from athletes.models import Athlete, HistoryImportDraft, User, Workout, WorkoutSet
from programs.catalog.parse import catalog_to_data
from programs.catalog.preview import NameRow, build_preview

POLICIES: tuple[MergePolicy, ...] = ("merge", "separate")


def history_draft_create(
    *,
    athlete: Athlete,
    raw: bytes,
    by: User,
    filename: str = "",
    format: Format | None = None,
    unit: Unit = "lbs",
) -> HistoryImportDraft:
    """Raises HistoryFileError for a file that cannot be read and HistoryImportError with a
    message per bad row; nothing is stored then."""
    parsed = parse_history(raw, format=format, unit=unit)
    problems = parsed.problems + name_problems(parsed)
    if problems:
        raise HistoryImportError([str(p) for p in problems])
    if (
        not parsed.rows
        and not parsed.extra.get("training_maxes")
        and not parsed.extra.get("body_weights")
        and not parsed.extra.get("programs")
    ):
        raise HistoryImportError(["The file holds no sets: nothing to import."])
    return HistoryImportDraft.objects.create(
        athlete=athlete,
        created_by=by,
        filename=filename[:255],
        format=parsed.format,
        parsed=parsed.as_dict(),
    )


def _owner(draft: HistoryImportDraft) -> int | None:
    # Names map into the athlete's coach's catalog, whoever uploaded the file.
    return draft.athlete.coach_id


def history_draft_choose(
    *, draft: HistoryImportDraft, choices: dict[str, str], merge_policy: str
) -> list[str]:
    """Keep the valid choices (key → "db:<id>" | "new"); returns a message per refused one."""
    parsed = ParsedHistory.from_dict(draft.parsed)
    mp = map_names(parsed, coach=None, owner_id=_owner(draft)).proposal
    kept, refused = dict(draft.choices), []
    for key, value in choices.items():
        if not value:
            kept.pop(key, None)
        elif mp.valid_choice("exercise", key, value):
            kept[key] = value
        else:
            refused.append(f"{key!r}: that choice is not available any more; choose again")
    draft.choices = kept
    if merge_policy in POLICIES:
        draft.merge_policy = merge_policy
    draft.save(update_fields=["choices", "merge_policy"])
    return refused


def history_draft_import(*, draft: HistoryImportDraft, by: User) -> HistoryResult:
    result = history_import(
        athlete=draft.athlete,
        parsed=ParsedHistory.from_dict(draft.parsed),
        choices=draft.choices,
        merge_policy=draft.merge_policy,  # type: ignore[arg-type]
        by=by,
    )
    draft.delete()
    return result


@dataclass
class DateClash:
    date: Any
    sets_in_file: int
    existing_sets: int


@dataclass
class HistoryPreview:
    draft: HistoryImportDraft
    parsed: ParsedHistory
    names: list[NameRow]
    uses: dict[str, int]
    unresolved: list[str]
    clashes: list[DateClash]
    already_imported: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def warnings(self) -> list[Problem]:
        return self.parsed.warnings

    @property
    def rows(self) -> list[tuple[NameRow, int]]:
        return [(row, self.uses.get(row.key, 0)) for row in self.names]


def history_preview(draft: HistoryImportDraft) -> HistoryPreview:
    parsed = ParsedHistory.from_dict(draft.parsed)
    owner_id = _owner(draft)
    mapping = map_names(parsed, coach=draft.created_by, owner_id=owner_id, choices=draft.choices)
    data = catalog_to_data(names_catalog(parsed))
    preview = build_preview(
        data=data, overrides={"exercise": mapping.choices}, rename_clashes=True, owner_id=owner_id
    )
    uses = Counter(name_key(r.exercise) for r in parsed.rows)
    imported = WorkoutSet.objects.filter(workout__athlete=draft.athlete).exclude(import_key="")
    done = len(set(set_keys(parsed.rows)) & set(imported.values_list("import_key", flat=True)))
    return HistoryPreview(
        draft=draft,
        parsed=parsed,
        names=preview.exercises,
        uses=dict(uses),
        unresolved=mapping.unresolved,
        clashes=_clashes(draft.athlete, parsed),
        already_imported=done,
        counts={
            "workouts": len({workout_identity(r) for r in parsed.rows}),
            "sets": len(parsed.rows),
            "warmups": sum(1 for r in parsed.rows if r.kind == "warmup"),
            "skipped": parsed.skipped,
            "training_maxes": len(parsed.extra.get("training_maxes", [])),
            "body_weights": len(parsed.extra.get("body_weights", [])),
            "programs": len(parsed.extra.get("programs", [])),
        },
    )


def _clashes(athlete: Athlete, parsed: ParsedHistory) -> list[DateClash]:
    if not parsed.rows:
        return []
    per_date = Counter(r.date for r in parsed.rows)
    existing = (
        Workout.objects.filter(athlete=athlete, date__gte=min(per_date), date__lte=max(per_date))
        .values("date")
        .annotate(n=Count("sets"))
        .order_by("date")
    )
    return [
        DateClash(row["date"], per_date[row["date"]], row["n"])
        for row in existing
        if row["date"] in per_date
    ]
