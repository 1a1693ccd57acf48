"""Batch generation: the next-program drafts of many athletes at once (generate_programs).

Every athlete gets an ordinary GenerationRun from `generation_request` — the service behind the
Generate page — so a batch's drafts wait in "Drafts awaiting review" and are previewed, edited,
approved or rejected one by one; nothing is approved here. The runs are enqueued as normal
tasks, so any worker may take them, and an operator who waits executes them here as well with a
pool of threads (optionally in forked processes). Either way a run is executed by
`generation_execute`, whose atomic queued → assembling claim lets exactly one of the pool threads,
the processes and the workers run it.

planning (who, what, creating the runs) → pool (threads) → processes (forked pools) →
progress (waiting, counts) → report (the closing table).
"""

from __future__ import annotations

from generation.batch.planning import (
    DEFAULT_NAME_TEMPLATE,
    NAME_FIELDS,
    BatchError,
    Item,
    Overrides,
    batch_run_ids,
    check_name_template,
    create_runs,
    effective_concurrency,
    extend_queue_deadlines,
    failed_items,
    measure_packets,
    new_batch_id,
    plan_batch,
    preview_problems,
    render_name,
    select_athletes,
)
from generation.batch.pool import RunQueue, execute_runs, other_connections_problem
from generation.batch.processes import (
    AUTO_PROCESSES_MAX,
    auto_processes,
    check_processes,
    start_processes,
    thread_shares,
    warm_up,
)
from generation.batch.progress import (
    Counts,
    Progress,
    count,
    run_statuses,
    wait_for_children,
    wait_for_runs,
)
from generation.batch.report import (
    HEADERS,
    ROW_FIELDS,
    Row,
    format_table,
    summary_rows,
    token_summary,
    totals_line,
)

__all__ = [
    "AUTO_PROCESSES_MAX",
    "DEFAULT_NAME_TEMPLATE",
    "HEADERS",
    "NAME_FIELDS",
    "ROW_FIELDS",
    "BatchError",
    "Counts",
    "Item",
    "Overrides",
    "Progress",
    "Row",
    "RunQueue",
    "auto_processes",
    "batch_run_ids",
    "check_name_template",
    "check_processes",
    "count",
    "create_runs",
    "effective_concurrency",
    "execute_runs",
    "extend_queue_deadlines",
    "failed_items",
    "format_table",
    "measure_packets",
    "new_batch_id",
    "other_connections_problem",
    "plan_batch",
    "preview_problems",
    "render_name",
    "run_statuses",
    "select_athletes",
    "start_processes",
    "summary_rows",
    "thread_shares",
    "token_summary",
    "totals_line",
    "wait_for_children",
    "wait_for_runs",
    "warm_up",
]
