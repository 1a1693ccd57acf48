"""Stage 3a: an exercise's verdict from its numbers (pure)."""

from __future__ import annotations

from generation.engines.rules.model import Drafting, Stat, Verdict


def verdict_for(ctx: Drafting, stat: Stat | None) -> Verdict:
    t = ctx.t
    if stat is None or (stat.avg_rpe is None and stat.completion is None):
        return Verdict.NO_DATA
    hard = stat.avg_rpe is not None and stat.avg_rpe >= t.hard_rpe
    incomplete = stat.completion is not None and stat.completion < t.low_completion
    if hard and incomplete:
        return Verdict.REDUCE
    if hard or incomplete:
        return Verdict.HOLD
    if stat.plateau:
        return Verdict.PLATEAU
    easy = (
        stat.avg_rpe is not None
        and stat.avg_rpe <= t.easy_rpe
        and stat.completion is not None
        and stat.completion >= t.easy_completion
        and not stat.rising
    )
    return Verdict.PROGRESS if easy else Verdict.STEADY
