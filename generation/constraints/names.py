"""Names and catalog: each draft exercise mapped to the catalog, or replaced like for like by
one the athlete's equipment and tier allow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generation.constraints.common import _FOUNDATIONAL, _Exercise, _neighbours, _safe_dec
from generation.constraints.injury_map import guess_pattern, high_risk_for
from generation.constraints.state import Enforcement
from programs.catalog.matching import normalise, similarity

if TYPE_CHECKING:
    pass


def map_names(e: Enforcement, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names: dict[str, str] = {}
    for row in rows:
        name = " ".join(str(row.get("exercise") or "").split())
        row["exercise"] = name
        names.setdefault(name.casefold(), name)
    note_sessions(e, rows)
    final: dict[str, str | None] = {}
    for key, name in sorted(names.items()):
        if not name:
            e.errors.append("A set has no exercise name.")
            final[key] = None
            continue
        final[key] = resolve_name(e, name)
    out = []
    for row in rows:
        target = final.get(row["exercise"].casefold())
        if target is None:
            continue
        if target != row["exercise"]:
            e._replace(row["exercise"], target)
            row["exercise"] = target
        out.append(row)
    return out


def note_sessions(e: Enforcement, rows: list[dict[str, Any]]) -> None:
    """Who trains with whom, and what is loaded by percentage: what a substitute is
    chosen by."""
    e.neighbours = _neighbours(rows)
    e.by_percentage = {
        r["exercise"].casefold() for r in rows if _safe_dec(r.get("percentage")) is not None
    }


def resolve_name(e: Enforcement, name: str) -> str | None:
    """The catalog exercise the athlete will do in place of `name`; None = no way (error)."""
    key = name.casefold()
    found = e.exact.get(key)
    if found is None and key in e.available:
        found = key
    if found is None:
        ranked = e.index.ranked(name, limit=3)
        best = ranked[0] if ranked else None
        # Only the same exercise under another spelling is taken as it is; a near name that
        # differs in a word that changes the exercise (windmill/swing) is substituted below.
        if best is not None and best.score >= e.thresholds.high and best.same_exercise:
            found = best.ref  # the index's refs are catalog keys
            e.warnings.append(
                f"“{name}” is not a catalog name; mapped to {e.catalog[found].name} "
                f"(name match {round(best.score * 100)} %)."
            )
        else:
            pattern = ""
            if best is not None and best.score >= e.thresholds.low:
                pattern = e.catalog[best.ref].pattern
            pattern = pattern or guess_pattern(name)
            sub = substitute_for(e, name, pattern, "", origin=key)
            if sub is None:
                e.errors.append(
                    f"“{name}” is not in the exercise catalog and no "
                    f"{pattern.replace('_', ' ') or 'like-for-like'} exercise "
                    f"{e.first_name} can do replaces it: use a catalog exercise."
                )
                return None
            e.warnings.append(
                f"“{name}” is not in the exercise catalog; replaced by {sub.name} "
                f"(same movement pattern: {pattern.replace('_', ' ')})."
            )
            return sub.name
    ex = e.meta(found)
    assert ex is not None
    if found not in e.available:
        lacking = ", ".join(ex.equipment) or "equipment"
        sub = substitute_for(e, ex.name, ex.pattern, ex.tier, origin=key)
        if sub is None:
            e.errors.append(
                f"{ex.name} needs equipment {e.first_name} does not have ({lacking}) and "
                f"no {ex.pattern.replace('_', ' ') or 'like-for-like'} exercise they can do "
                "replaces it."
            )
            return None
        e.warnings.append(
            f"{ex.name} needs equipment {e.first_name} does not have ({lacking}); "
            f"replaced by {sub.name} (same movement pattern: {ex.pattern.replace('_', ' ')})."
        )
        ex = sub
    if e.foundational and ex.tier != _FOUNDATIONAL:
        sub = substitute_for(e, ex.name, ex.pattern, _FOUNDATIONAL, origin=key)
        if sub is None:
            e.errors.append(
                f"{ex.name} is not a foundational exercise and no foundational "
                f"{ex.pattern.replace('_', ' ') or 'like-for-like'} exercise {e.first_name} "
                "can do replaces it (foundational tier: bodyweight, bands, light dumbbells)."
            )
            return None
        e.warnings.append(
            f"{ex.name} replaced by {sub.name}: {e.first_name} is in the foundational tier "
            f"(bodyweight, bands, light dumbbells); same movement pattern "
            f"({ex.pattern.replace('_', ' ')})."
        )
        ex = sub
    return ex.name


def substitute_for(
    e: Enforcement, name: str, pattern: str, tier: str, *, origin: str
) -> _Exercise | None:
    """The athlete's best like-for-like for `name` (whose sets are written under `origin`):
    same movement pattern, possible with their equipment, right for their tier; preferring
    one not already in the same sessions, not high-risk for a flagged body part, with a
    training max when the sets are loaded by percentage, of the same tier, with the closest
    name. The choice joins those sessions, so the next substitute avoids it."""
    if not pattern:
        return None
    used = e.neighbours[origin]
    needs_tm = origin in e.by_percentage
    target = normalise(name)
    options = []
    for key, ex in e.available.items():
        if ex.pattern != pattern or key == name.casefold():
            continue
        if e.foundational and ex.tier != _FOUNDATIONAL:
            continue
        options.append(
            (
                key in used,
                any(high_risk_for(ex.name, part) for part in e.flags),
                needs_tm and key not in e.tms,
                ex.tier != tier,
                -similarity(target, normalise(ex.name)),
                ex.name.casefold(),
                ex,
            )
        )
    if not options:
        return None
    best = min(options, key=lambda o: o[:6])[6]
    chosen = best.name.casefold()
    for other in used:
        e.neighbours[other].add(chosen)
    e.neighbours[chosen] |= used
    if needs_tm:
        e.by_percentage.add(chosen)
    return best
