"""`make bench` section: render the import preview of a Go-app-sized catalog (30 programs,
about 5,400 sets), the page a coach sees after the upload. One program's weeks are shown at
a time; the figure is the server time of that page and its query count.

    .venv/bin/python bench/import_preview.py      # this section alone, on a throwaway SQLite
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LIFTS = ("Back Squat", "Bench Press", "Deadlift", "Overhead Press", "Barbell Row")


def go_catalog(programs: int = 30, weeks: int = 4, days: int = 3) -> dict[str, Any]:
    def sets(week: int, day: int) -> list[dict[str, Any]]:
        return [
            {
                "exercise": lift,
                "week": week,
                "day": day,
                "set_number": n,
                "reps": 5,
                "rep_type": "reps",
                "percentage": 70 + 2.5 * n,
                "absolute_weight": None,
                "sort_order": order,
                "notes": None,
            }
            for order, lift in enumerate(LIFTS, start=1)
            for n in range(1, 4)
        ]

    return {
        "type": "catalog",
        "version": "1.1",
        "programs": [
            {
                "name": f"Go Block {p}",
                "description": None,
                "num_weeks": weeks,
                "num_days": days,
                "is_loop": False,
                "audience": "adult",
                "prescribed_sets": [
                    row
                    for w in range(1, weeks + 1)
                    for d in range(1, days + 1)
                    for row in sets(w, d)
                ],
                "progression_rules": [],
            }
            for p in range(1, programs + 1)
        ],
    }


def import_preview_render() -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from athletes.models import Role, User
    from programs.drafts import import_draft_create

    admin = User.objects.create(
        username="bench-import-admin", role=Role.COACH, is_staff=True, is_superuser=True
    )
    document = go_catalog()
    draft, parsed = import_draft_create(raw=document, by=admin)
    if draft is None:
        raise SystemExit(f"bench catalog does not parse: {parsed.errors[:3]}")
    client = Client()
    client.force_login(admin)
    url = draft.get_absolute_url()
    # The test client's host; the page is what it measures, not host checking.
    from django.conf import settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
        client.get(url)  # warm: templates, settings
        times, size = [], 0
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            size = len(response.content)
            if response.status_code != 200:
                raise SystemExit(f"the preview answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
    return {
        "programs": len(document["programs"]),
        "sets": sum(len(p["prescribed_sets"]) for p in document["programs"]),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "queries": len(queries.captured_queries),
        "html_kb": round(size / 1024, 1),
    }


def describe(figures: dict[str, Any]) -> str:
    return (
        f"Import preview of {figures['programs']} programs ({figures['sets']:,} sets): "
        f"{figures['median_ms']:.0f} ms, {figures['queries']} queries, "
        f"{figures['html_kb']:.0f} KB of HTML."
    )


def main() -> int:
    from bench.harness import open_throwaway

    with open_throwaway(name="replog_bench_import_preview"):
        print(describe(import_preview_render()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
