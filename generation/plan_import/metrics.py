"""What the admins' metrics page shows about free-text parses, in a fixed number of queries."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from django.db.models import Count, Q, Sum

from generation.plan_import.models import PlanImportLog
from programs.models import Exercise

RECENT = 500  # distributions over the latest parses: enough to see a trend, cheap to read
SHOWN = 20


def _percentile(values: list[int], p: float) -> int:
    if not values:
        return 0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def _corrections(logs: list[PlanImportLog]) -> list[dict[str, Any]]:
    """Names coaches re-mapped by hand in the preview: the matcher's to-do list."""
    changed: Counter[tuple[str, str]] = Counter()
    for log in logs:
        mapping = (log.draft.mapping or {}).get("exercise", {}) if log.draft else {}
        for name, value in mapping.items():
            changed[(name, str(value))] += 1
    ids = {int(v[3:]) for _, v in changed if v.startswith("db:") and v[3:].isdigit()}
    names = dict(Exercise.objects.filter(pk__in=ids).values_list("pk", "name"))

    def label(value: str) -> str:
        if value.startswith("db:") and value[3:].isdigit():
            return names.get(int(value[3:]), "(deleted exercise)")
        return "a new exercise" if value == "new" else value

    return [
        {"name": name, "to": label(value), "times": times}
        for (name, value), times in changed.most_common(SHOWN)
    ]


def plan_import_metrics() -> dict[str, Any]:
    totals = PlanImportLog.objects.aggregate(
        parses=Count("pk"),
        ok=Count("pk", filter=Q(ok=True)),
        llm=Count("pk", filter=Q(used_llm=True)),
        tokens_in=Sum("tokens_in"),
        tokens_out=Sum("tokens_out"),
        cost=Sum("cost_usd"),
        lines=Sum("lines_total"),
        lines_llm=Sum("lines_llm"),
        lines_unparsed=Sum("lines_unparsed"),
    )
    recent = list(
        PlanImportLog.objects.select_related("owner", "athlete", "draft")
        .defer("raw_text", "result")
        .order_by("-created_at", "-pk")[:RECENT]
    )
    confidence: Counter[str] = Counter(
        str(line["confidence"]) for log in recent for line in log.lines if line.get("confidence")
    )
    durations = [log.duration_ms for log in recent]
    parses = totals["parses"] or 0
    return {
        "totals": totals,
        "success_rate": (totals["ok"] / parses) if parses else None,
        "confidence": [
            (level, confidence[level]) for level in ("high", "medium", "low", "unmatched")
        ],
        "duration": {
            "median": int(statistics.median(durations)) if durations else 0,
            "p95": _percentile(durations, 0.95),
            "max": max(durations, default=0),
        },
        "corrections": _corrections(recent),
        "recent": recent[:SHOWN],
    }
