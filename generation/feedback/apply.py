"""The post-draft stage that pre-applies the coach's stable swaps (generation.feedback.derive:
made in >= 2 of the athlete's last 3 approved drafts), whichever engine wrote the draft.

Pure: it reads the packet's "coach preferences" section and rewrites the draft's catalog, so it
depends on no engine's internals. Called from generation.engines.dispatch before the hard
constraints are enforced, so a swapped-in exercise is held to them like any other.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generation.engines.base import Draft
    from generation.packet import Packet
    from generation.packet.models import CoachPreference


def _key(name: object) -> str:
    return str(name or "").strip().casefold()


def _sets(catalog: dict[str, Any]) -> list[dict[str, Any]]:
    programs = catalog.get("programs") or []
    if not programs or not isinstance(programs[0], dict):
        return []
    sets = programs[0].get("prescribed_sets") or []
    return [r for r in sets if isinstance(r, dict)]


def swap_in(catalog: dict[str, Any], old: str, new: str) -> int:
    """Rename `old` to `new` in every session that has `old` and not yet `new` (two blocks of
    one exercise in a session would collide on set numbers); returns the sets changed."""
    sets = _sets(catalog)
    has_new = {(r.get("week"), r.get("day")) for r in sets if _key(r.get("exercise")) == _key(new)}
    changed = 0
    for row in sets:
        if (
            _key(row.get("exercise")) == _key(old)
            and (row.get("week"), row.get("day")) not in has_new
        ):
            row["exercise"] = new
            changed += 1
    return changed


def reason_line(pref: CoachPreference, sets: int) -> str:
    """Names the earlier edits: "… as you did in run #12 (2026-12-01) and run #14 (…)"."""
    earlier = [
        f"run #{run} ({day.isoformat()})"
        for run, day in zip(pref.runs[: pref.recent], pref.run_dates[: pref.recent], strict=False)
    ]
    named = " and ".join([", ".join(earlier[:-1]), earlier[-1]] if len(earlier) > 1 else earlier)
    return (
        f"Coach preference: {pref.exercise} replaced with {pref.detail} ({sets} sets), as you "
        f"swapped it in {pref.recent} of your last 3 approved drafts: {named}."
    )


def apply_preferences(draft: Draft, packet: Packet) -> Draft:
    """`draft` with the stable swaps made and a reasoning line for each one made."""
    lines: list[str] = []
    renamed: dict[str, str] = {}
    for pref in packet.coach_preferences:
        if not pref.stable or _key(pref.exercise) in {_key(k) for k in renamed}:
            continue
        sets = swap_in(draft.catalog, pref.exercise, pref.detail)
        if sets:
            renamed[pref.exercise] = pref.detail
            lines.append(reason_line(pref, sets))
    if not lines:
        return draft
    draft.reasoning = [*draft.reasoning, *lines]
    draft.decisions = [_renamed(d, renamed) for d in draft.decisions]
    # The swapped-in exercise has not been through the hard constraints yet.
    draft.constraints_applied = False
    return draft


def _renamed(decision: Any, renamed: dict[str, str]) -> Any:
    for old, new in renamed.items():
        if _key(decision.exercise) == _key(old):
            return dataclasses.replace(decision, exercise=new)
    return decision
