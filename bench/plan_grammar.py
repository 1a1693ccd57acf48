"""The free-text grammar on a 200-line plan: how long one read (read_plan + to_catalog) takes.

Part of `make bench` (bench/run.py); on its own, no database needed:

    .venv/bin/python bench/plan_grammar.py

The issue's bar is under 50 ms for a 200-line plan; the median of 20 reads is reported.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LIMIT_MS = 50.0
RUNS = 20

# Notations as coaches paste them, cycled until the plan is 200 lines long.
_DAY = [
    "Back Squat 5x5 @ 75%",
    "- Bench Press 3 x 8-12 @ RPE 8",
    "• Deadlift 1x5 65%, 1x5 75%, 1x5+ 85%",
    "A1) DB Row 3x10 (slow eccentric)",
    "A2. Face Pull 3x15 // light",
    "OHP 4 sets of 3 at 95 pounds",
    "Front Squat 160x5@8",
    "RDL 225 x 5, 5, 4",
    "Plank 3x30s rest 60s",
    "Walking Lunges 3x10 each side",
    "Pull-ups AMRAP",
    "3 rounds of:",
    "10 Push-ups",
    "Run 400m",
    "",
    "Felt strong today",
]


def sample_plan(lines: int = 200) -> str:
    out: list[str] = []
    week = day = 0
    while len(out) < lines:
        if day % 3 == 0:
            week += 1
            out.append(f"## Week {week}")
        day += 1
        out.append(f"Day {(day - 1) % 3 + 1}: Session {day}")
        out.extend(_DAY)
    return "\n".join(out[:lines])


def plan_grammar_200() -> dict[str, Any]:
    from programs.catalog.plaintext import read_plan, to_catalog

    text = sample_plan()
    timings, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        data = to_catalog(read_plan(text), name="Bench plan", unit="kg")
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    median = statistics.median(timings)
    return {
        "lines": len(text.splitlines()),
        "sets": len(data["programs"][0]["prescribed_sets"]),
        "median_ms": round(median, 2),
        "max_ms": round(max(timings), 2),
        # CPU time too: on a shared machine the wall clock also counts other people's work.
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "limit_ms": LIMIT_MS,
        "ok": median < LIMIT_MS,
    }


def describe(result: dict[str, Any]) -> str:
    verdict = "under" if result["ok"] else "OVER"
    return (
        f"Plan grammar: {result['lines']} lines → {result['sets']} sets in "
        f"{result['median_ms']} ms (median of {RUNS}, max {result['max_ms']} ms, CPU "
        f"{result['cpu_median_ms']} ms; "
        f"{verdict} the {result['limit_ms']:g} ms bar)"
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "replog.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    import django

    django.setup()
    print(describe(plan_grammar_200()))
