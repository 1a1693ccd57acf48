"""Learned preferences: refreshed from an athlete's decided runs, cleared by the coach."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from athletes.models import Athlete, User
from generation.feedback.derive import DecidedRun, Derived, derive
from generation.feedback.models import LearnedPreference
from generation.models import GenerationRun, RunStatus

# Enough drafts to see a pattern; the oldest stop counting (coaches change their minds).
HISTORY_RUNS = 20


def decided_runs(athlete: Athlete) -> list[DecidedRun]:
    rows = (
        GenerationRun.objects.filter(
            athlete=athlete, status__in=[RunStatus.APPROVED, RunStatus.REJECTED]
        )
        .order_by("-decided_at", "-pk")
        .values_list("pk", "decided_at", "status", "edits", "rejection_reason")[:HISTORY_RUNS]
    )
    return [
        DecidedRun(pk, at, status == RunStatus.APPROVED, edits or [], reason or "")
        for pk, at, status, edits, reason in rows
        if at is not None
    ]


def preferences_refresh(*, athlete: Athlete) -> list[LearnedPreference]:
    """Re-derive the athlete's preferences from their decided runs (called when a run is
    approved or rejected). Counts are replaced, never added to, so a refresh is idempotent."""
    with transaction.atomic():
        existing = {
            (p.kind, p.subject, p.detail): p
            for p in LearnedPreference.objects.select_for_update().filter(athlete=athlete)
        }
        cleared = {k: p.cleared_at for k, p in existing.items() if p.cleared_at is not None}
        derived = derive(decided_runs(athlete), cleared=cleared)
        for key, pref in existing.items():
            if key not in derived:
                _fill(pref, None)
                pref.save()
        for key, item in derived.items():
            pref = existing.get(key) or LearnedPreference(
                athlete=athlete, kind=key[0], subject=key[1][:200], detail=key[2][:200]
            )
            pref.coach_id = athlete.coach_id
            _fill(pref, item)
            pref.save()
        return list(LearnedPreference.objects.filter(athlete=athlete))


def _fill(pref: LearnedPreference, item: Derived | None) -> None:
    if item is None:
        pref.count, pref.recent, pref.runs, pref.typical_change_pct = 0, 0, [], None
        return
    pref.count, pref.out_of, pref.recent = item.count, item.out_of, item.recent
    pref.typical_change_pct = item.typical_change_pct
    pref.runs = [{"run": r.run_id, "date": r.decided_at.date().isoformat()} for r in item.runs]
    pref.first_seen, pref.last_seen = item.runs[-1].decided_at, item.runs[0].decided_at
    # The coach made the edit again after clearing it: learned again.
    pref.cleared = False


def preference_clear(*, preference: LearnedPreference, by: User | None) -> LearnedPreference:
    """Forget a preference: it leaves the packet and is no longer applied; only edits made
    after now can teach it again."""
    preference.cleared, preference.cleared_at = True, timezone.now()
    preference.count, preference.recent, preference.runs = 0, 0, []
    preference.save(update_fields=["cleared", "cleared_at", "count", "recent", "runs"])
    return preference
