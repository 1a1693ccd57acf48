"""`make bench`: batch generation against a local fake LLM, on a throwaway database.

    .venv/bin/python bench/run.py                          # SQLite, 100 athletes, 0.5 s latency
    .venv/bin/python bench/run.py --latency 2              # the issue's figure (slower)
    .venv/bin/python bench/run.py --athletes 20 --concurrency 1,5
    .venv/bin/python bench/run.py --database-url postgres://replog:replog@127.0.0.1:5432/replog

It seeds N athletes with months of history, points the LLM settings at a fake OpenAI-compatible
server on 127.0.0.1 — in a process of its own, as a provider is on a machine of its own — that
answers every request after `--latency` seconds with a valid draft, then runs
`manage.py generate_programs --engine llm --wait` once per concurrency level (`--repeat` times,
reporting the median) and measures: wall time, throughput, efficiency (ideal N × latency ÷
concurrency, over measured), our overhead per generation outside the LLM call (packet
assembly — counted also when a batch process did it ahead, before the claim — validation,
mapping, saving), packet and prompt sizes, a 1,000-set catalog import, and packet assembly
for 6 vs 12 months of history, and the name matcher's labelled benchmark (`--matcher-only`
runs that alone: precision of automatic mappings, recall@1 and every miss).
Prints a table and writes bench/results/latest-<sqlite|postgresql>.json. The database (a temp
SQLite file, or a database `replog_bench` created on the given PostgreSQL server) is dropped at
the end.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.answers import answer_extraction  # noqa: E402
from bench.answers import describe as describe_answer_extraction  # noqa: E402
from bench.harness import open_throwaway  # noqa: E402
from bench.history_import import describe as describe_history_import  # noqa: E402
from bench.history_import import history_import_7000  # noqa: E402
from bench.import_preview import describe as describe_import_preview  # noqa: E402
from bench.import_preview import import_preview_render  # noqa: E402
from bench.matcher import matcher_benchmark, matcher_only, print_matcher  # noqa: E402
from bench.sections import catalog_import_1000, packet_assembly, session_formula  # noqa: E402
from bench.stats import pct  # noqa: E402

RESULTS = ROOT / "bench" / "results"
ADR_PROMPT_TOKENS = (8_000, 12_000)
PROMPT_TARGET_TOKENS = 6_000  # issue 16: the whole prompt, as sent
BENCH_DAYS, BENCH_WEEKS = 3, 4

# The draft the fake model returns: 4 weeks × 3 days, five exercises a day, loads as a model
# would write them. Barbell lifts every bench athlete's program already uses, plus bodyweight
# work anyone can do.
DAY_PLAN: dict[int, list[tuple[str, int | None, float | None, float | None, str]]] = {
    1: [
        ("Back Squat", 5, 75, None, "reps"),
        ("Bench Press", 5, 75, None, "reps"),
        ("Walking Lunge", 10, None, 0, "each_side"),
        ("Push-Up", 12, None, 0, "reps"),
        ("Plank", 45, None, 0, "seconds"),
    ],
    2: [
        ("Bench Press", 3, 80, None, "reps"),
        ("Back Squat", 3, 80, None, "reps"),
        ("Nordic Hamstring Curl", 6, None, 0, "reps"),
        ("Feet-Elevated Push-Up", 10, None, 0, "reps"),
        ("Side Plank", 30, None, 0, "seconds"),
    ],
    3: [
        ("Back Squat", 5, 70, None, "reps"),
        ("Bench Press", 8, 70, None, "reps"),
        ("Bulgarian Split Squat", 8, None, 0, "each_side"),
        ("Glute Bridge", 12, None, 0, "reps"),
        ("Dead Bug", 10, None, 0, "each_side"),
    ],
}


def fake_answer() -> dict[str, Any]:
    """The answer in the LLM engine's compact format (generation/engines/draft_schema.py): one
    entry per exercise and day, its sets week by week as [reps, %, weight, target RPE]."""
    exercises: list[dict[str, Any]] = []
    for day, plan in DAY_PLAN.items():
        for name, reps, percent, weight, rep_type in plan:
            weeks = []
            for week in range(1, BENCH_WEEKS + 1):
                bump = 2.5 * (week - 1) if week < BENCH_WEEKS else -10
                value = [
                    reps,
                    percent + bump if percent is not None else None,
                    weight,
                    7.5 if percent is not None else None,
                ]
                weeks.append({"weeks": [week], "sets": [value] * 3})
            exercises.append(
                {"day": day, "exercise": name, "rep_type": rep_type, "notes": None, "plan": weeks}
            )
    return {
        "reasoning": [
            "Back Squat +2.5 % a week from 75 %: avg RPE 7.4 and 96 % completion last block.",
            "Bench Press ramps the same way: RPE stable at 7.6 over the last 6 sessions.",
            "Week 4 is a deload (−10 %): a fixed block of four weeks.",
            "Walking Lunge and Bulgarian Split Squat keep single-leg work without extra load.",
        ],
        "program": {
            "name": "Next block",
            "description": "Four weeks of strength with a deload week.",
            "num_weeks": BENCH_WEEKS,
            "num_days": BENCH_DAYS,
            "is_loop": False,
            "audience": "adult",
            "weeks": [],
            "exercises": exercises,
            "progression_rules": [
                {"exercise": "Back Squat", "increment": 10},
                {"exercise": "Bench Press", "increment": 5},
            ],
        },
    }


# ---------------------------------------------------------------------------------------------
# Measuring


T = TypeVar("T")


class RunTimer:
    """Time spent per generation run inside generation.llm.complete (the LLM wait) and in
    preparing the run's packet ahead (batch.pool._prepare_one: packet assembly done before the
    claim, so outside the run's own duration). Appended to a file, one line per call, so that
    forked batch processes report to the parent too."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.local = threading.local()
        self.lock = threading.Lock()

    def clear(self) -> None:
        self.path.write_text("")

    def _record(self, kind: str, run_id: int, seconds: float) -> None:
        with self.lock, self.path.open("a") as fh:
            fh.write(f"{kind} {run_id} {seconds:.6f}\n")

    def by_run(self, kind: str = "llm") -> dict[int, float]:
        totals: dict[int, float] = {}
        for line in self.path.read_text().splitlines():
            what, run_id, seconds = line.split()
            if what == kind:
                totals[int(run_id)] = totals.get(int(run_id), 0.0) + float(seconds)
        return totals

    def wrap_execute(self, execute: Callable[..., str]) -> Callable[..., str]:
        def timed(*, run_id: int, **kwargs: Any) -> str:
            self.local.run_id = run_id
            try:
                return execute(run_id=run_id, **kwargs)
            finally:
                self.local.run_id = None

        return timed

    def wrap_complete(self, complete: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return complete(*args, **kwargs)
            finally:
                run_id = getattr(self.local, "run_id", None)
                if run_id is not None:
                    self._record("llm", run_id, time.perf_counter() - started)

        return timed

    def wrap_prepare(self, prepare: Callable[[int], T]) -> Callable[[int], T]:
        def timed(run_id: int) -> T:
            started = time.perf_counter()
            try:
                return prepare(run_id)
            finally:
                self._record("prepare", run_id, time.perf_counter() - started)

        return timed


@contextmanager
def instrumented(timer: RunTimer) -> Iterator[None]:
    from generation.batch import pool
    from generation.engines import llm_engine

    saved = (pool.generation_execute, pool._prepare_one, llm_engine.complete)
    pool.generation_execute = timer.wrap_execute(pool.generation_execute)
    setattr(pool, "_prepare_one", timer.wrap_prepare(pool._prepare_one))  # noqa: B010
    llm_engine.complete = timer.wrap_complete(llm_engine.complete)
    try:
        yield
    finally:
        pool.generation_execute, _, llm_engine.complete = saved
        setattr(pool, "_prepare_one", saved[1])  # noqa: B010


def prompt_tokens(messages: list[dict[str, Any]]) -> int:
    # The counter the prompt-size test and the packet's room use: one measure everywhere.
    from generation.engines.prompts import message_tokens

    return message_tokens(messages)


def prompt_parts(messages: list[dict[str, Any]]) -> dict[str, int]:
    """Tokens per message as sent: the system message (rules, format, canary) and the user's
    (request, health guidance, packet with its exercise list)."""
    return {f"{m.get('role', '')}_{n}": prompt_tokens([m]) for n, m in enumerate(messages[:2])}


def run_batch(
    concurrency: int, latency: float, server: Any, timer: RunTimer, processes: int | None = None
) -> dict[str, Any]:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from generation.batch import auto_processes
    from generation.models import GenerationRun, RunStatus

    processes = min(processes or auto_processes(concurrency), concurrency)

    server.reset()
    timer.clear()
    before = set(GenerationRun.objects.values_list("pk", flat=True))
    out = io.StringIO()
    started = time.perf_counter()
    failed = ""
    try:
        with instrumented(timer):
            call_command(
                "generate_programs",
                "--coach",
                "bench-coach",
                "--engine",
                "llm",
                "--days",
                str(BENCH_DAYS),
                "--weeks",
                str(BENCH_WEEKS),
                "--no-loop",
                "--concurrency",
                str(concurrency),
                "--processes",
                str(processes),
                "--wait",
                # Progress polls hold the interpreter lock too: not more often than needed.
                "--poll-interval",
                "0.25",
                stdout=out,
            )
    except CommandError as exc:
        failed = str(exc)
    wall = time.perf_counter() - started
    llm_by_run = timer.by_run("llm")
    prepared_by_run = timer.by_run("prepare")
    runs = list(
        GenerationRun.objects.exclude(pk__in=before).values(
            "pk", "status", "engine_used", "duration_s", "fallback_reason", "packet", "prompt"
        )
    )
    n = len(runs)
    ready_llm = [r for r in runs if r["status"] == RunStatus.READY and r["engine_used"] == "llm"]
    # Our own time per run: its duration outside the LLM wait, plus its packet's assembly when
    # that was done ahead (before the claim, so outside the duration).
    overhead = [
        r["duration_s"] - llm_by_run[r["pk"]] + prepared_by_run.get(r["pk"], 0.0)
        for r in runs
        if r["duration_s"] is not None and r["pk"] in llm_by_run
    ]
    llm_wait = list(llm_by_run.values())
    ideal = n * latency / concurrency
    packets = [int(r["packet"]["meta"]["token_estimate"]) for r in runs if r["packet"]]
    prompts = [prompt_tokens(r["prompt"]) for r in runs[:10] if r["prompt"]]
    parts = [prompt_parts(r["prompt"]) for r in runs[:10] if r["prompt"]]
    return {
        "concurrency": concurrency,
        "processes": processes,
        "runs": n,
        "ready_llm": len(ready_llm),
        "fallbacks": sum(1 for r in runs if r["fallback_reason"]),
        "llm_requests": server.request_count(),
        "wall_s": round(wall, 3),
        "throughput_per_min": round(n / wall * 60, 1) if wall else None,
        "ideal_s": round(ideal, 3),
        "efficiency": round(ideal / wall, 3) if wall else None,
        "prepared_ahead": len(prepared_by_run),
        "overhead_median_ms": round(statistics.median(overhead) * 1000, 1) if overhead else None,
        "overhead_p95_ms": round(pct(overhead, 95) * 1000, 1) if overhead else None,
        "llm_call_median_s": round(statistics.median(llm_wait), 3) if llm_wait else None,
        "packet_tokens_median": int(statistics.median(packets)) if packets else None,
        "packet_tokens_max": max(packets) if packets else None,
        "prompt_tokens_median": int(statistics.median(prompts)) if prompts else None,
        "prompt_tokens_max": max(prompts) if prompts else None,
        "prompt_parts_median": {
            k: int(statistics.median(p[k] for p in parts if k in p)) for k in parts[0]
        }
        if parts
        else {},
        "failed": failed,
    }


def median_batch(tries: list[dict[str, Any]]) -> dict[str, Any]:
    """The batch of median efficiency (the lower middle one of an even number), with every
    try's efficiency alongside."""
    ordered = sorted(tries, key=lambda b: b["efficiency"] or 0.0)
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["efficiency_tries"] = [b["efficiency"] for b in tries]
    if any(b["failed"] for b in tries):
        chosen["failed"] = "; ".join(b["failed"] for b in tries if b["failed"])
    return chosen


def print_report(report: dict[str, Any]) -> None:
    meta = report["meta"]
    print()
    print(
        f"RepLog bench — {meta['database']} · {meta['athletes']} athletes × {meta['months']} months"
        f" · fake LLM latency {meta['latency_s']} s · seeded in {meta['seed_s']} s"
    )
    header = (
        "conc",
        "procs",
        "runs",
        "llm ok",
        "wall s",
        "ideal s",
        "effic.",
        "per min",
        "overhead med ms",
        "p95 ms",
        "llm call s",
    )
    rows = [header]
    for b in report["batches"]:
        rows.append(
            (
                str(b["concurrency"]),
                str(b["processes"]),
                str(b["runs"]),
                str(b["ready_llm"]),
                f"{b['wall_s']:.1f}",
                f"{b['ideal_s']:.1f}",
                f"{b['efficiency']:.2f}",
                f"{b['throughput_per_min']:.0f}",
                f"{b['overhead_median_ms']}",
                f"{b['overhead_p95_ms']}",
                f"{b['llm_call_median_s']}",
            )
        )
    widths = [max(len(r[c]) for r in rows) for c in range(len(header))]
    for n, row in enumerate(rows):
        print("  ".join(cell.rjust(widths[c]) for c, cell in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    first = report["batches"][0] if report["batches"] else {}
    if first:
        low, high = ADR_PROMPT_TOKENS
        print(
            f"Packet: median {first['packet_tokens_median']:,} tokens, max "
            f"{first['packet_tokens_max']:,}. Whole prompt: median "
            f"{first['prompt_tokens_median']:,}, max {first['prompt_tokens_max']:,} tokens "
            f"(original ADR: {low:,}–{high:,}; target ≤ {PROMPT_TARGET_TOKENS:,} as sent)."
        )
        shown = ", ".join(f"{k} {v:,}" for k, v in first.get("prompt_parts_median", {}).items())
        print(f"Prompt as sent, median per message: {shown}.")
    imp = report["catalog_import"]
    print(
        f"Catalog import of {imp['sets']:,} sets: {imp['total_s']:.2f} s "
        f"(parse+map {imp['parse_and_map_s']:.2f} s, import {imp['import_s']:.2f} s), "
        f"{imp['queries_total']} queries ({imp['queries_import']} in the import)."
    )
    if "answer_extraction" in report:
        print(describe_answer_extraction(report["answer_extraction"]))
    pa = report["packet_assembly"]
    print(
        f"Packet assembly: 6 months {pa['6_months']['median_ms']} ms "
        f"({pa['6_months']['queries']} queries), 12 months {pa['12_months']['median_ms']} ms "
        f"({pa['12_months']['queries']} queries): ratio {pa['ratio_12_to_6']}."
    )
    if "history_import" in report:
        print(describe_history_import(report["history_import"]))
    if "import_preview" in report:
        print(describe_import_preview(report["import_preview"]))
    sf = report.get("session_formula") or {}
    if sf:
        print(
            f"Session adjustment (formula): median {sf['median_ms']} ms, p95 {sf['p95_ms']} ms, "
            f"{sf['queries']} queries, {sf['exercises']} exercises, {sf['changes']} changes."
        )
    if "matcher" in report:
        print_matcher(report["matcher"])
    for b in report["batches"]:
        if len(b.get("efficiency_tries", [])) > 1:
            shown = ", ".join(f"{e:.2f}" for e in b["efficiency_tries"])
            print(f"Concurrency {b['concurrency']}: efficiency of each try {shown}.")
    for b in report["batches"]:
        if b["failed"]:
            print(f"!! concurrency {b['concurrency']}: {b['failed']}")
    from bench.plan_grammar import describe as describe_plan_grammar

    print(describe_plan_grammar(report["plan_grammar"]))
    print(f"JSON: {report['meta']['json']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--athletes", type=int, default=100)
    parser.add_argument("--months", type=int, default=6, help="history per athlete")
    parser.add_argument(
        "--concurrency",
        default="1,5,10,20",
        help="comma-separated levels, e.g. 1,5,10,20",
    )
    parser.add_argument("--latency", type=float, default=0.5, help="fake LLM seconds per call")
    parser.add_argument(
        "--processes",
        type=int,
        help="generate_programs --processes (default: as the command chooses, one per core)",
    )
    parser.add_argument(
        "--database-url",
        help="postgres://user:pass@host:port/db — the bench creates and drops its own "
        "database `replog_bench` on that server",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="batches per concurrency; the one of median efficiency is reported, with the "
        "range (a shared VM's CPU speed can vary twofold from one minute to the next)",
    )
    parser.add_argument("--output", type=Path, help="JSON path (default bench/results/…)")
    parser.add_argument(
        "--matcher-only",
        action="store_true",
        help="only the name-matcher benchmark (precision, recall@1, every miss)",
    )
    args = parser.parse_args(argv)
    if args.matcher_only:
        return matcher_only(args.database_url)
    try:
        levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    except ValueError:
        parser.error("--concurrency takes numbers separated by commas, e.g. 1,5,10")
    if not levels or min(levels) < 1 or args.athletes < 1 or args.latency < 0:
        parser.error("--athletes and --concurrency must be at least 1, --latency at least 0")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.processes is not None and args.processes < 1:
        parser.error("--processes must be at least 1")

    from bench.llm_server import ServerProcess

    answer = json.dumps(fake_answer())
    server = ServerProcess(
        content=answer,
        delay=args.latency,
        prompt_tokens=6_000,
        completion_tokens=len(answer) // 4,
    ).start()
    env = {
        "REPLOG_LLM_PROVIDER": "openai_compatible",
        "REPLOG_LLM_MODEL": "fake-model",
        "REPLOG_LLM_BASE_URL": server.openai_base_url,
        "REPLOG_LLM_MAX_RETRIES": "0",
        "REPLOG_LLM_TIMEOUT_SECONDS": str(int(max(60, args.latency * 10))),
        # The bench measures our throughput, not the limits: nothing may throttle it.
        "REPLOG_GENERATION_REQUESTS_PER_MINUTE": "100000",
        "REPLOG_GENERATION_MAX_CONCURRENCY": str(max(max(levels), 20)),
        "REPLOG_GENERATION_COACH_RUNS_PER_HOUR": "0",
        "REPLOG_GENERATION_RUN_DEADLINE_SECONDS": "86400",
    }
    try:
        with open_throwaway(args.database_url, name="replog_bench", env=env) as db:
            from bench.seed import seed_athletes

            matcher = matcher_benchmark()  # on the seed catalog, before the bench adds to it

            started = time.perf_counter()
            seeded = seed_athletes(args.athletes, weeks=round(args.months * 52 / 12))
            seed_s = time.perf_counter() - started
            print(
                f"Seeded {len(seeded.athletes)} athletes, {seeded.workouts:,} workouts, "
                f"{seeded.sets:,} sets in {seed_s:.1f} s ({db.vendor}).",
                flush=True,
            )
            # Pay the one-off costs before measuring: LiteLLM's import, and what its first
            # request imports and builds (a refused loopback request, generation.llm.warm_up).
            # Both are once per process, not per batch: generate_programs pays the second in
            # its own warm-up before forking, and measuring it here would be measuring imports.
            from generation.engines.draft_schema import DraftAnswer
            from generation.llm import LLMConfig, count_tokens, warm_up

            count_tokens("warm up")
            warm_up(LLMConfig.from_settings(), response_format=DraftAnswer)
            timer = RunTimer(db.directory / "llm-calls.txt")
            batches = []
            for level in levels:
                tries = []
                for attempt in range(args.repeat):
                    print(
                        f"Batch of {args.athletes} at concurrency {level}"
                        + (f" ({attempt + 1} of {args.repeat})" if args.repeat > 1 else "")
                        + "…",
                        flush=True,
                    )
                    tries.append(run_batch(level, args.latency, server, timer, args.processes))
                batches.append(median_batch(tries))
            report: dict[str, Any] = {
                "meta": {
                    "database": db.vendor,
                    "athletes": args.athletes,
                    "months": args.months,
                    "latency_s": args.latency,
                    "processes": args.processes,
                    "repeat": args.repeat,
                    "seed_s": round(seed_s, 1),
                    "workouts": seeded.workouts,
                    "sets": seeded.sets,
                    "python": platform.python_version(),
                    "machine": platform.machine(),
                    "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                },
                "batches": batches,
                "catalog_import": catalog_import_1000(),
                "answer_extraction": answer_extraction(),
                "packet_assembly": packet_assembly(),
                "history_import": history_import_7000(),
                "import_preview": import_preview_render(),
                "session_formula": session_formula(),
                "matcher": matcher,
            }
    finally:
        server.stop()
    from bench.plan_grammar import plan_grammar_200

    report["plan_grammar"] = plan_grammar_200()  # pure: needs no database
    path = args.output or RESULTS / f"latest-{report['meta']['database']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    report["meta"]["json"] = str(path)
    path.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    return 1 if any(b["failed"] for b in report["batches"]) else 0


if __name__ == "__main__":
    sys.exit(main())
