"""The demo behind `manage.py seed_demo`: logins, two coaches and their athletes' stories.

The story's facts (who, which programs, training maxes, loads, missed days, notes, reviews) are
data in `story.toml`; the code here only tells it. Every date is relative to today, so the demo
always looks current. Training weeks are calendar weeks (Monday start) because weekly adherence is
counted per calendar week; sessions fall on the program's weekdays and only on days before today,
so a coach can log today's session without clashing with the one-workout-per-day rule.

Idempotent: users are found or created by username, athletes by (name, coach); an athlete that
already exists keeps its history untouched, so re-running never duplicates anything.

Modules: `facts` (story.toml, checked), `catalog` (name lookups, date and load helpers),
`writer` (bulk inserts of one athlete's rows), `efforts` (how a prescribed set is logged),
`stories` (one athlete's story from its facts), `seed` (the entry point).
"""

from __future__ import annotations

from athletes.demo.catalog import DemoDataError, monday
from athletes.demo.facts import SARAH_SUBSTITUTES, SERIES
from athletes.demo.seed import DEMO_PASSWORD, LOGINS, DemoLogin, DemoSummary, demo_seed

__all__ = [
    "DEMO_PASSWORD",
    "LOGINS",
    "SARAH_SUBSTITUTES",
    "SERIES",
    "DemoDataError",
    "DemoLogin",
    "DemoSummary",
    "demo_seed",
    "monday",
]
