"""Stage 0, applied: the coach's directions and pinned notes that the engine can act on, and a
line for every one of them — said before the draft, including the ones it cannot follow."""

from __future__ import annotations

from generation.checker.answers import DIRECTION, direction_sentences, quote
from generation.engines.rules.directions import Wish, read_wish
from generation.engines.rules.model import Drafting, Plan, Week, listing, pattern_words


def read_wishes(ctx: Drafting) -> None:
    today = ctx.packet.meta.generated_on
    names = sorted((e.name for e in ctx.catalog.values()), key=len, reverse=True)
    sources = [
        (f"{DIRECTION} “{quote(s)}”", s) for s in direction_sentences(ctx.request.coach_directions)
    ]
    sources += [(f"Pinned note of {n.date:%Y-%m-%d}", n.text) for n in ctx.packet.notes.pinned]
    for label, text in sources:
        wish = read_wish(label, text, today=today, exercises=names)
        ctx.wishes.append(wish)
        ctx.reasoning.append(f"{label}: {_read_as(ctx, wish)}.")
        if not wish.actionable and label.startswith(DIRECTION):
            ctx.warnings.append(f"{label} is not something the rules engine can follow.")


def _read_as(ctx: Drafting, wish: Wish) -> str:
    parts = [
        f"{'more' if delta > 0 else 'less'} {pattern_words(p)} volume (one set "
        f"{'more' if delta > 0 else 'fewer'} a session)"
        for p, delta in sorted(wish.volume.items())
    ]
    avoided = [*wish.avoid_names, *(pattern_words(p) for p in sorted(wish.avoid_patterns))]
    if avoided:
        parts.append(f"no {listing(avoided)}")
    if wish.keep_names:
        parts.append(f"keep {listing(list(wish.keep_names))} (no swap or variation for it)")
    if wish.event_day:
        parts.append(f"an event on {wish.event_day:%Y-%m-%d} (a taper, see the weeks)")
    if parts:
        return "read as " + "; ".join(parts)
    flagged = any(f.date.isoformat() in wish.source for f in ctx.packet.notes.health_flags)
    if flagged:
        return "read as a health note — the lines citing it say what the draft does about it"
    return (
        "the rules engine cannot follow this (none of volume, avoid, keep or an event date): "
        "nothing in the draft changes for it — apply it in the preview"
    )


def kept(ctx: Drafting, name: str) -> bool:
    return any(name in wish.keep_names for wish in ctx.wishes)


def apply_volume(ctx: Drafting, plans: dict[str, Plan]) -> None:
    for wish in ctx.wishes:
        for pattern, delta in sorted(wish.volume.items()):
            touched = [
                p
                for plan in plans.values()
                for p in (plan, plan.alternate)
                if p is not None and p.name and p.pattern == pattern
            ]
            for p in touched:
                p.sets_delta += delta
            names = listing(sorted({p.name for p in touched}, key=str.casefold)) or "no exercise"
            how = "one more set" if delta > 0 else "one set fewer"
            ctx.exercise_lines.append(
                f"{wish.source}: {how} a session for {names} ({pattern_words(pattern)})."
            )


def taper(ctx: Drafting, weeks: list[Week]) -> list[Week]:
    """The last full week before an event becomes a taper (lighter, one set fewer)."""
    for wish in ctx.wishes:
        if wish.event_day is None:
            continue
        days = (wish.event_day - ctx.packet.meta.generated_on).days
        number = max(1, days // 7)
        when = f"{wish.event_day:%Y-%m-%d}"
        if days < 0 or number > len(weeks):
            ctx.structure_lines.append(
                f"{wish.source}: the event on {when} falls outside this "
                f"{len(weeks)}-week block, so no taper in it."
            )
            continue
        old = weeks[number - 1]
        notes = (
            f"Taper for the event on {when}: loads −{ctx.t.deload_points} points (absolute "
            f"loads −{ctx.t.deload_points} %), one set fewer."
        )
        weeks[number - 1] = Week(old.number, old.source, True, "taper", notes)
        ctx.structure_lines.append(
            f"{wish.source}: week {number} is a taper before the event on {when}."
        )
    return weeks
