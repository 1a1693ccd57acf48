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

With --kill-one only `generate_programs --wait` runs (two forked processes of --threads threads
each), and one of them is killed (SIGKILL) in its second run, after it has taken its next run
ahead: that run must still be executed; the killed run, and any run another thread of the dead
process held, must fail at once saying the worker process died (their deadlines are minutes
away: the command must not wait for them); nothing else may be lost.
tests/generation/test_batch_workers.py runs both.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
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


def _fixed_engine(record: Path, hold_s: float, kill_marker: Path | None = None) -> Any:
    """A stand-in engine: records (athlete, pid) and returns a one-set draft. With
    `kill_marker`, the first process to reach its second run writes that run's athlete to the
    marker and dies there (SIGKILL), mid-"LLM call", as a worker killed by the OOM killer or
    an operator would: after it has taken its next run ahead."""
    from generation.engines.base import Draft, EngineName, Usage

    calls = {"n": 0}  # per process: a forked child starts from the fork's copy

    def generate_draft(packet: Any, request: Any) -> Draft:
        with record.open("a") as fh:  # O_APPEND: one short line per write, never interleaved
            fh.write(f"{packet.meta.athlete_id} {os.getpid()}\n")
        calls["n"] += 1
        if kill_marker is not None and calls["n"] == 2:
            try:
                fd = os.open(kill_marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            except FileExistsError:
                pass  # another process died already: one is enough
            else:
                os.write(fd, str(packet.meta.athlete_id).encode())
                os.close(fd)
                os.kill(os.getpid(), signal.SIGKILL)
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

    from generation import batch
    from generation.engines import dispatch
    from generation.packet import budget

    kill_marker = Path(args.record + ".killed") if args.kill_one else None
    dispatch.generate_draft = _fixed_engine(Path(args.record), args.hold, kill_marker)
    # Token counting would import LiteLLM (seconds) in every process; claiming is under test.
    budget.count_tokens = lambda text: (math.ceil(len(text) / 4), "approximation")
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
        roles = [
            ["worker" if args.with_worker else "pool", "command"][n] if n < 2 else "pool"
            for n in range(args.processes)
        ]
        if args.kill_one:
            roles = ["command"]  # its own two processes, one of which dies
        for role in roles:
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
                        *(["--kill-one"] if args.kill_one else []),
                    ],
                    env=os.environ.copy(),
                )
            )
        killed_run = _watch_for_the_kill(procs, record, args) if args.kill_one else None
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
        if killed_run is not None:
            result["killed_run"] = killed_run
            errors = dict(
                GenerationRun.objects.filter(pk__in=result["not_ready"]).values_list(
                    "pk", "error_message"
                )
            )
            result["killed_run_error"] = errors.get(killed_run, "")
            result["failed_errors"] = sorted(set(errors.values()))
    problems = ("duplicates", "missing", "wrong_packet")
    if args.kill_one:
        # The killed run fails with the reason, and so do the runs the dead process's other
        # threads held (at most one each); the command says so (exit 1); every other run - those
        # the dead process had taken ahead included - is ready.
        failed = result["not_ready"]
        ok = (
            not any(result[p] for p in problems)
            and result.get("killed_run") in failed
            and len(failed) <= args.threads
            and all("worker process died" in e for e in result["failed_errors"])
            and codes == [1]
        )
    else:
        ok = not any(result[p] for p in (*problems, "not_ready")) and not any(codes)
    result["ok"] = ok
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0 if ok else 1


def _watch_for_the_kill(
    procs: list[subprocess.Popen[bytes]], record: Path, args: argparse.Namespace
) -> int | None:
    """Wait for a batch process to die (--kill-one); the run it died in. Its deadline, and the
    deadlines of the runs its other threads held, stay as they are: the command must fail them
    because it saw the process die, not because they timed out."""
    from generation.models import GenerationRun

    marker = Path(str(record) + ".killed")
    give_up = time.monotonic() + args.timeout
    while not marker.exists() or not marker.read_text():
        if time.monotonic() > give_up or all(p.poll() is not None for p in procs):
            return None
        time.sleep(0.05)
    athlete_id = int(marker.read_text())
    return int(
        GenerationRun.objects.filter(athlete_id=athlete_id, batch_id=BATCH_ID)
        .values_list("pk", flat=True)
        .get()
    )


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
    parser.add_argument(
        "--kill-one",
        action="store_true",
        help="only generate_programs --wait (two forked processes), one of which is killed "
        "in its second run: nothing may be lost, and the command must end without waiting "
        "for the dead process's runs to time out",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("--role", "--url", "--dir", "--record", "--ids"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    args = parser.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
