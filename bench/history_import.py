"""`make bench` section: import a generated 7,000-set Strong CSV for one athlete, then the same
file again (which must add nothing). Prints time and query counts.

    .venv/bin/python bench/history_import.py      # this section alone, on a throwaway SQLite
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LIFTS = ("Back Squat", "Bench Press", "Deadlift", "Overhead Press")
HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE\n"


def strong_file(sets: int = 7_000) -> str:
    """Workouts of 4 lifts × (1 warm-up + 4 working sets) = 20 sets, one every other day."""
    rows, day = [], dt.date(2020, 1, 1)
    while len(rows) < sets:
        stamp = f"{day.isoformat()} 07:30:00"
        for lift in LIFTS:
            rows.append(f"{stamp},Session,1h 5m,{lift},W,45,10,0,0,\n")
            rows += [f"{stamp},Session,1h 5m,{lift},{n},185,5,0,0,8\n" for n in range(1, 5)]
        day += dt.timedelta(days=2)
    return HEADER + "".join(rows[:sets])


def history_import_7000() -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from athletes.history.detect import parse_history
    from athletes.history.service import history_import
    from athletes.models import Athlete, Role, User

    coach = User.objects.create(username="bench-history-coach", role=Role.COACH)
    athlete = Athlete.objects.create(name="Bench History", coach=coach)
    text = strong_file()
    runs = []
    for _ in range(2):  # the second import of the same file must add nothing
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            parsed = parse_history(text.encode())
            parsed_at = time.perf_counter()
            result = history_import(athlete=athlete, parsed=parsed, by=coach)
            done = time.perf_counter()
        runs.append((result, parsed_at - started, done - parsed_at, len(queries.captured_queries)))
    (first, parse_s, import_s, queries_n), (again, _p, again_s, again_q) = runs
    return {
        "sets": first.sets_created,
        "workouts": first.workouts_created,
        "parse_s": round(parse_s, 3),
        "import_s": round(import_s, 3),
        "queries": queries_n,
        "reimport_sets_added": again.sets_created,
        "reimport_s": round(again_s, 3),
        "reimport_queries": again_q,
    }


def describe(figures: dict[str, Any]) -> str:
    return (
        f"History import of {figures['sets']:,} Strong sets ({figures['workouts']} workouts): "
        f"parse {figures['parse_s']:.2f} s, import {figures['import_s']:.2f} s, "
        f"{figures['queries']} queries; the same file again added "
        f"{figures['reimport_sets_added']} sets in {figures['reimport_s']:.2f} s "
        f"({figures['reimport_queries']} queries)."
    )


def main() -> int:
    from bench.harness import open_throwaway

    with open_throwaway(name="replog_bench_history"):
        print(describe(history_import_7000()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
