"""Stage 4a: weeks (deloads) and days (merged or repeated sessions)."""

from __future__ import annotations

from collections import defaultdict

from generation.engines.rules.model import Drafting, Source, Week, fmt, listing, ordinal, plural


def build_weeks(ctx: Drafting, source: Source) -> list[Week]:
    t, request = ctx.t, ctx.request
    every = t.deload_every_foundational if ctx.foundational else t.deload_every
    recovery = source.recovery_weeks
    active = source.active_weeks
    normal = [w for w in active if w not in recovery] or active

    def meta(src: int, number: int) -> tuple[str, str]:
        kind, notes = source.weeks.get(src, ("", ""))
        return (kind or ("base" if number == 1 else "build")), notes

    if len(active) < source.num_weeks:
        ctx.structure_lines.append(
            f"{source.name} has {plural(source.num_weeks, 'week')} but sets in week"
            f"{'s' if len(active) > 1 else ''} {listing([str(w) for w in active])} only: "
            "those are the weeks repeated."
        )
    out: list[Week] = []
    if request.is_loop:
        for w in range(1, request.weeks + 1):
            src = active[(w - 1) % len(active)]
            kind, notes = meta(src, w)
            out.append(Week(w, src, False, kind, notes))
        kept = [str(w) for w in recovery if w <= request.weeks]
        own = f" (the source's own recovery week {listing(kept)} stays)" if kept else ""
        ctx.structure_lines.append(f"A loop repeats as written: no deload week is added{own}.")
        return out
    deloads: list[int] = []
    done = 0
    for w in range(1, request.weeks + 1):
        if w % every == 0:
            deloads.append(w)
            if recovery:
                _, notes = meta(recovery[0], w)
                out.append(Week(w, recovery[0], False, "recovery", notes))
            else:
                notes = (
                    f"Deload: loads −{fmt(t.deload_points)} points (absolute loads "
                    f"−{fmt(t.deload_points)} %), one set fewer."
                )
                out.append(Week(w, normal[(w - 1) % len(normal)], True, "recovery", notes))
            continue
        src = normal[done % len(normal)]
        done += 1
        kind, notes = meta(src, w)
        out.append(Week(w, src, False, kind, notes))
    tier = " (foundational tier)" if ctx.foundational else ""
    if deloads:
        how = (
            f"the source's own recovery week (week {recovery[0]}) is used"
            if recovery
            else f"loads −{fmt(t.deload_points)} points and one set fewer"
        )
        ctx.structure_lines.append(
            f"Deload in week {listing([str(w) for w in deloads])}: a fixed block deloads "
            f"every {ordinal(every)} week{tier} — {how}."
        )
    else:
        ctx.structure_lines.append(
            f"No deload week: a fixed block of {plural(request.weeks, 'week')} ends before "
            f"the {ordinal(every)} week, when it would deload{tier}."
        )
    return out


def source_days_of(ctx: Drafting, source: Source) -> dict[int, list[int]]:
    """Draft day → the source days it takes its sessions from: the same day, merged days
    (fewer days a week), or repeated days (more)."""
    days = ctx.request.days_per_week
    active = sorted({r.day for r in source.rows}) or [1]
    count = len(active)
    if count < source.num_days:
        ctx.structure_lines.append(
            f"{source.name} has {plural(source.num_days, 'day')} a week but sets on day"
            f"{'s' if count > 1 else ''} {listing([str(d) for d in active])} only: those "
            "are the sessions used."
        )
    if days == count:
        return {d: [active[d - 1]] for d in range(1, days + 1)}
    if days < count:
        merged: dict[int, list[int]] = defaultdict(list)
        for i, d in enumerate(active):
            merged[i * days // count + 1].append(d)
        parts = [
            f"day{'s' if len(ds) > 1 else ''} {'+'.join(str(x) for x in ds)} → day {k}"
            for k, ds in sorted(merged.items())
        ]
        ctx.structure_lines.append(
            f"{days} days a week instead of {count}: the source's sessions are merged "
            f"({', '.join(parts)}), the opening exercises of each first."
        )
        return dict(merged)
    repeats = {d: [active[(d - 1) % count]] for d in range(1, days + 1)}
    extra = [f"day {d} repeats day {s[0]}" for d, s in repeats.items() if d > count]
    ctx.structure_lines.append(f"{days} days a week instead of {count}: {', '.join(extra)}.")
    return repeats
