"""`make bench` sections measured in-process on the throwaway database: a 1,000-set catalog
import, packet assembly, and today's-session formula. bench/run.py runs and prints them."""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from bench.stats import pct


def catalog_import_1000() -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programs.catalog.matching import propose_mapping
    from programs.catalog.parse import parse_catalog
    from programs.services import catalog_import

    names = [
        "Back Squat",
        "Bench Press",
        "Deadlift",
        "Overhead Press",
        "Barbell Row",
        "Chin-Up",
        "Walking Lunge",
        "Push-Up",
        "Plank",
        "Glute Bridge",
    ]
    sets = [
        {
            "exercise": name,
            "week": week,
            "day": day,
            "set_number": number,
            "reps": 5,
            "rep_type": "reps",
            "percentage": 75 if order < 5 else None,
            "absolute_weight": None if order < 5 else 0,
            "sort_order": order,
            "notes": None,
        }
        for week in range(1, 5)
        for day in range(1, 6)
        for order, name in enumerate(names)
        for number in range(1, 6)
    ]
    document = {
        "type": "catalog",
        "version": "1.1",
        "programs": [
            {
                "name": "Bench Import 1000",
                "description": None,
                "num_weeks": 4,
                "num_days": 5,
                "is_loop": True,
                "audience": "adult",
                "prescribed_sets": sets,
                "progression_rules": [{"exercise": "Back Squat", "increment": 10}],
            }
        ],
    }
    raw = json.dumps(document).encode()
    with CaptureQueriesContext(connection) as whole:
        started = time.perf_counter()
        parsed = parse_catalog(raw)
        if not parsed.ok or parsed.catalog is None:
            raise SystemExit(f"bench catalog does not parse: {parsed.errors[:3]}")
        decisions = propose_mapping(parsed.catalog).decide()
        if not decisions.complete:
            raise SystemExit(f"bench catalog does not map: {decisions.unresolved[:3]}")
        mapped = time.perf_counter()
        with CaptureQueriesContext(connection) as writes:
            result = catalog_import(catalog=parsed.catalog, mapping=decisions)
        done = time.perf_counter()
    return {
        "sets": result.sets_created,
        "total_s": round(done - started, 3),
        "parse_and_map_s": round(mapped - started, 3),
        "import_s": round(done - mapped, 3),
        "queries_total": len(whole.captured_queries),
        "queries_import": len(writes.captured_queries),
    }


def packet_assembly() -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from athletes.models import Athlete
    from bench.seed import seed_athletes
    from generation.packet import build_packet

    out: dict[str, Any] = {}
    for months, weeks in ((6, 26), (12, 52)):
        seed_athletes(1, weeks=weeks, coach_username=f"bench-{months}m", prefix=f"P{months} ")
        athlete = Athlete.objects.get(coach__username=f"bench-{months}m")
        build_packet(athlete)  # warm caches (settings, imports)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            packet = build_packet(athlete)
            times.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            build_packet(athlete)
        out[f"{months}_months"] = {
            "median_ms": round(statistics.median(times) * 1000, 1),
            "queries": len(queries.captured_queries),
            "tokens": int(packet.meta.token_estimate),
            "workouts": athlete.workouts.count(),
        }
    out["ratio_12_to_6"] = round(out["12_months"]["median_ms"] / out["6_months"]["median_ms"], 2)
    return out


def session_formula() -> dict[str, Any]:
    """Today's-session adjustment, formula strategy, on the 12-month athlete: the issue asks
    for under 50 ms with a constant number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from athletes.models import Athlete
    from generation.session.plan import Readiness
    from generation.session.services import session_adjust

    athlete = Athlete.objects.filter(coach__username="bench-12m").first()
    if athlete is None:
        return {}
    readiness = Readiness(sleep=2, energy=2, soreness={"quads": 7}, minutes=45)

    def once() -> Any:
        return session_adjust(
            athlete=athlete, readiness=readiness, today=timezone.localdate(), strategy="formula"
        )

    once()  # warm: settings, imports
    times = []
    for _ in range(20):
        started = time.perf_counter()
        result = once()
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        once()
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(pct(times, 95) * 1000, 1),
        "queries": len(queries.captured_queries),
        "exercises": len(result.snapshot.lifts),
        "changes": len(result.session.rationale),
    }


# ---------------------------------------------------------------------------------------------
# Output
