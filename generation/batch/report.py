"""The closing table of a batch: one row per athlete, the totals and the packet sizes."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from generation.batch.planning import Item
from generation.models import GenerationRun, RunStatus
from settings_app.resolution import setting_int

# ---------------------------------------------------------------------------------------------
# The summary table


@dataclass(frozen=True)
class Row:
    athlete: str
    status: str
    engine: str
    tokens: str
    cost: str
    duration: str
    preview: str
    note: str
    failed: bool = False
    refused: bool = False


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# What a row shows: loading a run's other fields (its request, notes, mapping) would cost more
# than the whole table.
ROW_FIELDS: tuple[str, ...] = (
    "athlete__name",
    "status",
    "engine_used",
    "engine_requested",
    "fallback_reason",
    "error_message",
    "tokens_in",
    "tokens_out",
    "cost_usd",
    "duration_s",
)


def summary_rows(items: Sequence[Item], run_ids: Sequence[int] = ()) -> list[Row]:
    """One row per athlete: their run of this batch, or why none was created."""
    wanted = {i.run_id for i in items if i.run_id} | set(run_ids)
    runs = {
        r.pk: r
        for r in GenerationRun.objects.filter(pk__in=wanted)
        .select_related("athlete")
        .only(*ROW_FIELDS)
    }
    rows: list[Row] = []
    covered: set[int] = set()
    for item in items:
        if item.run_id is None:
            blocking = (
                GenerationRun(pk=item.blocking_run_id, athlete=item.athlete).get_absolute_url()
                if item.blocking_run_id
                else ""
            )
            rows.append(
                Row(
                    athlete=item.athlete.name,
                    status="not queued",
                    engine=item.engine,
                    tokens="",
                    cost="",
                    duration="",
                    preview=blocking,
                    note=_shorten(item.problem),
                    refused=True,
                )
            )
            continue
        run = runs.get(item.run_id)
        if run is not None:
            rows.append(_run_row(run))
            covered.add(run.pk)
    for pk in sorted(set(runs) - covered):
        rows.append(_run_row(runs[pk]))
    return rows


def _run_row(run: GenerationRun) -> Row:
    engine = run.engine_used or f"{run.engine_requested}?"
    if run.fallback_reason:
        engine = f"{engine} (LLM fallback)"
    # The stored reason is already the whole label ("LLM failed: … — rules-engine draft shown").
    note = run.error_message or run.fallback_label
    tokens = run.tokens_in + run.tokens_out
    return Row(
        athlete=run.athlete.name,
        status=run.status,
        engine=engine,
        tokens=f"{run.tokens_in:,}+{run.tokens_out:,}" if tokens else "0",
        cost=f"${run.cost_usd:.4f}",
        duration=f"{run.duration_s:.1f} s" if run.duration_s is not None else "",
        preview=run.get_absolute_url(),
        note=_shorten(note),
        failed=run.status == RunStatus.FAILED,
    )


HEADERS = ("Athlete", "Status", "Engine", "Tokens", "Cost", "Duration", "Preview", "Note")


def format_table(rows: Sequence[Row]) -> str:
    cells = [HEADERS] + [
        (r.athlete, r.status, r.engine, r.tokens, r.cost, r.duration, r.preview, r.note)
        for r in rows
    ]
    widths = [max(len(row[c]) for row in cells) for c in range(len(HEADERS))]
    right = {3, 4, 5}  # numbers
    lines = []
    for n, row in enumerate(cells):
        line = "  ".join(
            (cell.rjust(widths[c]) if c in right else cell.ljust(widths[c]))
            for c, cell in enumerate(row)
        )
        lines.append(line.rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def totals_line(rows: Sequence[Row], run_ids: Sequence[int]) -> str:
    tokens, cost = 0, Decimal("0")
    durations = []
    for tokens_in, tokens_out, cost_usd, duration_s in GenerationRun.objects.filter(
        pk__in=run_ids
    ).values_list("tokens_in", "tokens_out", "cost_usd", "duration_s"):
        tokens += tokens_in + tokens_out
        cost += cost_usd
        if duration_s is not None:
            durations.append(duration_s)
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row.status] = by_status.get(row.status, 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
    median = f", median {statistics.median(durations):.1f} s per run" if durations else ""
    return f"{len(rows)} athletes: {parts} · tokens {tokens:,} · cost ${cost:.4f}{median}"


def token_summary(items: Sequence[Item]) -> str:
    sizes = sorted(i.packet_tokens for i in items if i.packet_tokens is not None)
    if not sizes:
        return ""
    p95 = sizes[min(len(sizes) - 1, math.ceil(0.95 * len(sizes)) - 1)]
    return (
        f"Packet sizes: median {int(statistics.median(sizes)):,} tokens, p95 {p95:,}, "
        f"max {sizes[-1]:,} (budget {setting_int('generation.packet_token_budget'):,})."
    )
