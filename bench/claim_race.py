"""Several processes race to execute the same queued generation runs; each must run once.

    .venv/bin/python bench/claim_race.py                       # SQLite file, 3 processes
    .venv/bin/python bench/claim_race.py --processes 4 --threads 4 --runs 40 \\
        --database-url postgres://replog:replog@127.0.0.1:5432/replog

On a throwaway database it queues one run per athlete (as generate_programs does: the runs are
enqueued on the database task backend), then starts processes that all go after the same runs at
once: the first is a `db_worker`, the second runs `generate_programs --batch … --wait
--processes 2` (which forks two more), the others execute the whole list with a pool of threads.
The engine is replaced by a recorder that notes which process executed which run, so the check
is exact: every run executed exactly once, every run ready with its own athlete's packet.
Exits 1 otherwise.
tests/generation/test_batch_workers.py runs it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import attach, open_throwaway  # noqa: E402

EXERCISE = "Air Squat"
BATCH_ID = "claim-race"
ENV = {
    "REPLOG_GENERATION_COACH_RUNS_PER_HOUR": "0",
    "REPLOG_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
}


def _fixed_engine(record: Path, hold_s: float) -> Any:
    """A stand-in engine: records (athlete, pid) and returns a one-set draft."""
    from generation.engines.base import Draft, EngineName, Usage

    def generate_draft(packet: Any, request: Any) -> Draft:
        with record.open("a") as fh:  # O_APPEND: one short line per write, never interleaved
            fh.write(f"{packet.meta.athlete_id} {os.getpid()}\n")
        time.sleep(hold_s)  # hold the run long enough for the others to try to take it
        program = {
            "name": request.program_name,
            "description": None,
            "num_weeks": 1,
            "num_days": 1,
            "is_loop": False,
            "audience": "adult",
            "prescribed_sets": [
                {
                    "exercise": EXERCISE,
                    "week": 1,
                    "day": 1,
                    "set_number": 1,
                    "reps": 10,
                    "rep_type": "reps",
                    "percentage": None,
                    "absolute_weight": 0,
                    "sort_order": 1,
                    "notes": None,
                }
            ],
            "progression_rules": [],
        }
        return Draft(
            catalog={"type": "catalog", "version": "1.1", "programs": [program]},
            reasoning=["fixed draft (claim race)"],
            usage=Usage(engine=EngineName.RULES),
        )

    return generate_draft


def child(args: argparse.Namespace) -> int:
    attach(args.url, Path(args.dir), env=ENV)
    import math

    from django.core.management import call_command

    from generation import batch, context
    from generation.engines import dispatch

    dispatch.generate_draft = _fixed_engine(Path(args.record), args.hold)
    # Token counting would import LiteLLM (seconds) in every process; claiming is under test.
    context.count_tokens = lambda text: (math.ceil(len(text) / 4), "approximation")
    ids = [int(i) for i in args.ids.split(",")]
    if args.role == "worker":
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    elif args.role == "command":
        # The operator's command, forking two processes of its own.
        from django.core.management.base import CommandError

        try:
            call_command(
                "generate_programs",
                "--batch",
                BATCH_ID,
                "--wait",
                "--processes",
                "2",
                "--concurrency",
                str(2 * args.threads),
                "--poll-interval",
                "0.05",
                stdout=io.StringIO(),
            )
        except CommandError as exc:
            print(f"generate_programs: {exc}", file=sys.stderr)
            return 1
    else:
        batch.execute_runs(ids, concurrency=args.threads)
    return 0


def parent(args: argparse.Namespace) -> int:
    with open_throwaway(
        args.database_url, name="replog_claimrace", seed_catalog=False, env=ENV
    ) as db:
        from athletes.models import Athlete, Role, User
        from generation import batch
        from generation.engines.base import EngineChoice
        from generation.models import GenerationRun
        from programs.models import Exercise

        Exercise.objects.create(name=EXERCISE, movement_pattern="squat")
        coach = User.objects.create(username="race-coach", role=Role.COACH)
        athletes = Athlete.objects.bulk_create(
            Athlete(name=f"Racer {n:03d}", coach=coach) for n in range(args.runs)
        )
        items = batch.plan_batch(
            athletes, overrides=batch.Overrides(engine=EngineChoice.RULES, days=1, weeks=1)
        )
        batch.create_runs(items, batch_id=BATCH_ID)
        ids = [i.run_id for i in items if i.run_id is not None]
        record = db.directory / "executions.txt"
        record.touch()
        from django.db import connections

        connections.close_all()
        procs = []
        for n in range(args.processes):
            role = ["worker" if args.with_worker else "pool", "command"][n] if n < 2 else "pool"
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        "--role",
                        role,
                        "--url",
                        db.url,
                        "--dir",
                        str(db.directory),
                        "--record",
                        str(record),
                        "--ids",
                        ",".join(str(i) for i in ids),
                        "--threads",
                        str(args.threads),
                        "--hold",
                        str(args.hold),
                    ],
                    env=os.environ.copy(),
                )
            )
        codes = [p.wait(timeout=args.timeout) for p in procs]
        by_athlete: dict[int, list[int]] = {}
        for line in record.read_text().splitlines():
            athlete_id, pid = (int(x) for x in line.split())
            by_athlete.setdefault(athlete_id, []).append(pid)
        run_athletes = dict(GenerationRun.objects.filter(pk__in=ids).values_list("athlete", "pk"))
        statuses = dict(GenerationRun.objects.filter(pk__in=ids).values_list("pk", "status"))
        # Runs are prepared ahead (generate_programs, pools): each packet must be its own.
        wrong_packet = sorted(
            pk
            for pk, athlete_id, packet in GenerationRun.objects.filter(pk__in=ids).values_list(
                "pk", "athlete", "packet"
            )
            if not packet or packet["meta"]["athlete_id"] != athlete_id
        )
        executions = {run_athletes[a]: len(p) for a, p in by_athlete.items()}
        result = {
            "database": db.vendor,
            "runs": len(ids),
            "processes": args.processes,
            "threads": args.threads,
            "with_worker": args.with_worker,
            "exit_codes": codes,
            "executions": sum(executions.values()),
            "duplicates": sorted(pk for pk, n in executions.items() if n > 1),
            "missing": sorted(set(ids) - set(executions)),
            "not_ready": sorted(pk for pk, s in statuses.items() if s != "ready"),
            "wrong_packet": wrong_packet,
            "processes_that_executed": len({pid for p in by_athlete.values() for pid in p}),
        }
    problems = ("duplicates", "missing", "not_ready", "wrong_packet")
    ok = not any(result[p] for p in problems) and not any(codes)
    result["ok"] = ok
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="threads per pool process")
    parser.add_argument(
        "--no-worker",
        dest="with_worker",
        action="store_false",
        help="pools only (by default the first process is a db_worker)",
    )
    parser.add_argument("--hold", type=float, default=0.05, help="seconds the engine takes")
    parser.add_argument("--database-url")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json", action="store_true", help="one line of JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("--role", "--url", "--dir", "--record", "--ids"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    args = parser.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
