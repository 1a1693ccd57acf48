"""The exercise pool: what the athlete can do, what a health note rules out, substitutes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generation.constraints import high_risk_for, loads_part
from generation.engines.rules.model import PINNED, Drafting, Ex, Stat, clip
from generation.engines.rules.thresholds import TIER_RANK, VARIATION_LADDERS
from programs.catalog.matching import normalise, similarity
from programs.models import (
    Tier,
)

if TYPE_CHECKING:
    from generation.packet import HealthFlag


def stat_of(ctx: Drafting, name: str) -> Stat | None:
    key = name.casefold()
    found = ctx.stats.get(key)
    if found is not None and key in ctx.from_log:
        ctx.read_from_log.add(found.name)
    return found


def ex_of(ctx: Drafting, name: str) -> Ex:
    return ctx.catalog.get(name.casefold()) or Ex(name, "", "", (), False)


def tier_ok(ctx: Drafting, ex: Ex) -> bool:
    return not ctx.foundational or ex.tier == Tier.FOUNDATIONAL


def can_use(ctx: Drafting, ex: Ex) -> bool:
    return ex.can_do and tier_ok(ctx, ex) and not wished_away(ctx, ex)


def wished_away(ctx: Drafting, ex: Ex) -> str:
    """The coach's direction or note that rules the exercise out, if any."""
    for wish in ctx.wishes:
        if ex.pattern in wish.avoid_patterns or ex.name in wish.avoid_names:
            return wish.source
    return ""


def risk_of(ctx: Drafting, name: str) -> tuple[str, str, HealthFlag] | None:
    """(body part, keyword, the note) when `name` is high-risk for a flagged body part."""
    for part in sorted(ctx.flags):
        keyword = high_risk_for(name, part)
        if keyword is not None:
            return part, keyword, ctx.flags[part][0]
    return None


def is_recent(ctx: Drafting, flag: HealthFlag) -> bool:
    age = (ctx.packet.meta.generated_on - flag.date).days
    return flag.source == PINNED or age <= ctx.t.injury_recent_days


def loaded_part(ctx: Drafting, ex: Ex) -> tuple[str, HealthFlag] | None:
    """(body part, the note) when the exercise loads a part named in a recent note."""
    for part in sorted(ctx.flags):
        recent = [f for f in ctx.flags[part] if is_recent(ctx, f)]
        if recent and loads_part(ex.name, ex.pattern, part):
            return part, recent[0]
    return None


def substitute_for(
    ctx: Drafting, ex: Ex, *, safe_only: bool = False, own_for: str = "", gentle: bool = False
) -> Ex | None:
    options = swap_options(ctx, ex, safe_only=safe_only, own_for=own_for, gentle=gentle)
    return options[0] if options else None


def swap_options(
    ctx: Drafting, ex: Ex, *, safe_only: bool = False, own_for: str = "", gentle: bool = False
) -> list[Ex]:
    """Like-for-like candidates for `ex`, best first: same movement pattern and body region,
    possible and right for the athlete's tier; preferring one not high-risk for a flagged body
    part, then one no rule flags at all, the athlete's own swap for `own_for`, one not already in
    the program, one they already train; for a health swap the gentler tier, else the same
    tier; the closest name, then the name."""
    if not ex.pattern:
        return []
    target = normalise(ex.name)
    region = region_of(ex.name, ex.pattern)
    options = []
    for cand in ctx.catalog.values():
        if cand.pattern != ex.pattern or cand.key == ex.key or not can_use(ctx, cand):
            continue
        if region and region_of(cand.name, cand.pattern) not in (region, ""):
            continue
        risky = risk_of(ctx, cand.name) is not None
        if risky and safe_only:
            continue
        stat = ctx.stats.get(cand.key)
        own = bool(own_for) and stat is not None and own_for in stat.replaces
        tier = TIER_RANK.get(cand.tier, 1) if gentle else int(cand.tier != ex.tier)
        options.append(
            (
                risky,
                loaded_part(ctx, cand) is not None,
                not own,
                cand.key in ctx.taken,
                tier if gentle else 0,
                not ctx.trained.get(cand.key),
                tier,
                -similarity(target, normalise(cand.name)),
                cand.key,
                cand,
            )
        )
    return [o[-1] for o in sorted(options, key=lambda o: o[:-1])]


# Words that put a plyometric or olympic exercise on the upper body (a depth jump's substitute
# is another lower-body jump, never a plyometric push-up).
_UPPER_WORDS = ("push-up", "press", "chest", "throw", "slam", "pass", "pull", "row", "dip")
_REGIONS = {
    "upper": frozenset({"horizontal_push", "vertical_push", "horizontal_pull", "vertical_pull"}),
    "lower": frozenset({"squat", "hinge", "lunge", "run"}),
}


def region_of(name: str, pattern: str) -> str:
    for region, patterns in _REGIONS.items():
        if pattern in patterns:
            return region
    if pattern not in ("plyometric", "olympic"):
        return ""
    low = name.casefold()
    return "upper" if any(w in low for w in _UPPER_WORDS) else "lower"


def next_variation(ctx: Drafting, ex: Ex) -> Ex | None:
    """The next step of its ladder the athlete can do; off every ladder, a same-pattern
    exercise one tier up that needs no equipment the exercise did not."""

    def usable(cand: Ex | None) -> bool:
        return (
            cand is not None
            and cand.pattern == ex.pattern
            and can_use(ctx, cand)
            and cand.key not in ctx.taken
            and risk_of(ctx, cand.name) is None
        )

    on_ladder = False
    for ladder in VARIATION_LADDERS:
        keys = [n.casefold() for n in ladder]
        if ex.key not in keys:
            continue
        on_ladder = True
        for key in keys[keys.index(ex.key) + 1 :]:
            cand = ctx.catalog.get(key)
            if cand is not None and usable(cand):
                return cand
    if on_ladder or not ex.pattern:
        return None
    rank = TIER_RANK.get(ex.tier, 1)
    target = normalise(ex.name)
    kit = set(ex.needs)
    options = [
        (cand.needs != ex.needs, -similarity(target, normalise(cand.name)), cand.key)
        for cand in ctx.catalog.values()
        if TIER_RANK.get(cand.tier, 1) == rank + 1 and set(cand.needs) <= kit and usable(cand)
    ]
    return ctx.catalog[min(options)[2]] if options else None


def cite(ctx: Drafting, flag: HealthFlag) -> str:
    return f"{flag.source} of {flag.date:%Y-%m-%d} (“{clip(flag.text, 90)}”)"


def plainest(ctx: Drafting, patterns: frozenset[str], *, spare_taken: bool = False) -> Ex | None:
    """The exercise of these patterns to start with: one no health note rules out, one the
    athlete already trains, a foundational one, then the name."""
    options = sorted(
        (risk_of(ctx, e.name) is not None, not ctx.trained.get(e.key),
         e.tier != Tier.FOUNDATIONAL, e.key)
        for e in ctx.catalog.values()
        if e.pattern and e.pattern in patterns and can_use(ctx, e)
        and not (spare_taken and e.key in ctx.taken)
    )  # fmt: skip
    return ctx.catalog[options[0][3]] if options else None
