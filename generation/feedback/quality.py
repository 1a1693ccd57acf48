"""The generation-quality page's figures: edit rate per engine and model (share of a draft's
sets the coach changed before approving), approval and rejection rates with the reasons, the
most swapped-out exercises, and the time from draft to decision.

Two queries whatever the number of runs: the decided runs in the user's scope (one row each,
with the draft only to count its sets), and the learned preferences beside them. Everything else
is arithmetic on those rows (`summarise`, pure)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from generation.feedback.models import LearnedPreference
from generation.models import GenerationRun, RunStatus
from replog.access import athlete_scope

TOP = 10


@dataclass(frozen=True)
class RunRow:
    engine: str
    model: str
    approved: bool
    draft_sets: int
    edits: Sequence[dict[str, Any]]
    rejection_reason: str
    drafted_at: dt.datetime | None
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class EngineLine:
    engine: str
    model: str
    decided: int
    approved: int
    rejected: int
    sets_changed: int
    sets_drafted: int
    median_decision_hours: float | None

    @property
    def approval_rate(self) -> float:
        return 100 * self.approved / self.decided if self.decided else 0.0

    @property
    def rejection_rate(self) -> float:
        return 100 * self.rejected / self.decided if self.decided else 0.0

    @property
    def edit_rate(self) -> float:
        return 100 * self.sets_changed / self.sets_drafted if self.sets_drafted else 0.0


@dataclass(frozen=True)
class Quality:
    engines: list[EngineLine]
    reasons: list[tuple[str, int]]
    swapped_out: list[tuple[str, int]]


def sets_changed(edits: Iterable[dict[str, Any]]) -> int:
    """The sets an approval's diff touched, each once: a set both swapped and re-loaded is one."""
    touched: set[tuple[Any, ...]] = set()
    count = 0
    for change in edits:
        op = change.get("op")
        if op == "change":
            touched.add((change.get("week"), change.get("day"), change.get("set_number")))
        elif op == "swap_exercise":
            count += int(change.get("sets") or 0)
        elif op in ("add_set", "remove_set"):
            count += 1
    return count + len(touched)


def _hours(row: RunRow) -> float | None:
    if row.drafted_at is None or row.decided_at is None:
        return None
    return max(0.0, (row.decided_at - row.drafted_at).total_seconds() / 3600)


def _line(engine: str, model: str, rows: list[RunRow]) -> EngineLine:
    approved = [r for r in rows if r.approved]
    hours = [h for h in map(_hours, rows) if h is not None]
    return EngineLine(
        engine=engine,
        model=model,
        decided=len(rows),
        approved=len(approved),
        rejected=len(rows) - len(approved),
        # A draft can gain sets; its changed share is capped at all of it.
        sets_changed=sum(min(sets_changed(r.edits), r.draft_sets) for r in approved),
        sets_drafted=sum(r.draft_sets for r in approved),
        median_decision_hours=round(statistics.median(hours), 1) if hours else None,
    )


def summarise(rows: Sequence[RunRow]) -> Quality:
    by_engine: dict[tuple[str, str], list[RunRow]] = defaultdict(list)
    reasons: Counter[str] = Counter()
    swapped: Counter[str] = Counter()
    for row in rows:
        by_engine[(row.engine, row.model)].append(row)
        if not row.approved:
            reasons[row.rejection_reason.strip() or "(no reason given)"] += 1
        for change in row.edits:
            if change.get("op") == "swap_exercise":
                swapped[str(change.get("from"))] += 1
    return Quality(
        engines=[_line(e, m, r) for (e, m), r in sorted(by_engine.items())],
        reasons=reasons.most_common(TOP),
        swapped_out=swapped.most_common(TOP),
    )


def _draft_sets(draft: Any) -> int:
    try:
        return len(draft["programs"][0]["prescribed_sets"])
    except (TypeError, KeyError, IndexError):
        return 0


def quality_rows(user: Any) -> list[RunRow]:
    runs = GenerationRun.objects.filter(status__in=[RunStatus.APPROVED, RunStatus.REJECTED])
    scope = athlete_scope(user, prefix="athlete__", self_included=False)
    if scope is not None:
        runs = runs.filter(scope)
    fields = ("engine_used", "model", "status", "draft", "edits", "rejection_reason")
    rows = runs.values_list(*fields, "finished_at", "decided_at")
    return [
        RunRow(engine, model, status == RunStatus.APPROVED, _draft_sets(draft), edits or [],
               reason or "", drafted, decided)
        for engine, model, status, draft, edits, reason, drafted, decided in rows
    ]  # fmt: skip


def preferences_for(user: Any) -> list[LearnedPreference]:
    prefs = LearnedPreference.objects.filter(count__gt=0, cleared=False).select_related("athlete")
    scope = athlete_scope(user, prefix="athlete__", self_included=False)
    if scope is not None:
        prefs = prefs.filter(scope)
    return list(prefs.order_by("athlete__name", "-recent", "-count", "pk"))


def quality_for(user: Any) -> tuple[Quality, list[LearnedPreference]]:
    return summarise(quality_rows(user)), preferences_for(user)
