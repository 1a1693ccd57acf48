"""Reads of learned preferences: the packet's section and the coach's list."""

from __future__ import annotations

from django.db.models import QuerySet

from athletes.models import Athlete
from generation.feedback.derive import STABLE_MIN, describe
from generation.feedback.models import LearnedPreference, PreferenceKind

# The packet's section is budgeted: a handful of lines, the most telling first.
PACKET_PREFERENCES = 8


def active_preferences(athlete: Athlete) -> QuerySet[LearnedPreference]:
    return LearnedPreference.objects.filter(athlete=athlete, cleared=False, count__gt=0).order_by(
        "-recent", "-count", "-last_seen", "pk"
    )


def packet_preferences(athlete: Athlete) -> list[LearnedPreference]:
    return list(active_preferences(athlete)[:PACKET_PREFERENCES])


def is_stable(pref: LearnedPreference) -> bool:
    return pref.kind == PreferenceKind.SWAP and pref.recent >= STABLE_MIN


def preference_text(pref: LearnedPreference) -> str:
    return describe(pref.kind, pref.subject, pref.detail, pref.count, pref.out_of)
