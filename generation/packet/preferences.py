"""The packet's "coach preferences" section, from generation.feedback's learned preferences."""

from __future__ import annotations

import datetime as dt

from athletes.models import Athlete
from generation.feedback.models import LearnedPreference
from generation.feedback.selectors import is_stable, packet_preferences, preference_text
from generation.packet.models import CoachPreference

RUNS_LISTED = 5


def preferences_section(athlete: Athlete) -> list[CoachPreference]:
    """At most PACKET_PREFERENCES lines, each naming at most RUNS_LISTED drafts: one query."""
    return [_line(p) for p in packet_preferences(athlete)]


def _line(pref: LearnedPreference) -> CoachPreference:
    runs = [r for r in pref.runs if isinstance(r, dict)][:RUNS_LISTED]
    return CoachPreference(
        kind=pref.kind,
        exercise=pref.subject,
        detail=pref.detail,
        text=preference_text(pref),
        count=pref.count,
        out_of=pref.out_of,
        stable=is_stable(pref),
        typical_change_pct=pref.typical_change_pct,
        first_seen=pref.first_seen.date(),
        last_seen=pref.last_seen.date(),
        runs=[int(r["run"]) for r in runs],
        run_dates=[dt.date.fromisoformat(str(r["date"])) for r in runs],
        recent=pref.recent,
    )
