"""One athlete's story told from its facts: training maxes, blocks of workouts, body weights,
the coach's notes and reviews. Every random choice comes from the athlete's own seeded generator,
in the same order on every run, so the demo is the same whatever the order of the cast."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from athletes.demo.catalog import monday
from athletes.demo.efforts import SeriesSets, TMs, adult_sets, home_sets
from athletes.demo.facts import AthleteFacts, BodyWeightPlan, Number, on, story, weekdays
from athletes.demo.writer import Block, SetStory, StoryWriter
from athletes.models import ReviewStatus, Workout

WEIGH_IN_NOISE = (-0.4, -0.2, 0.0, 0.2, 0.4)
TmRow = tuple[str, dt.date, Number]
Review = Callable[[Workout], tuple[str, str] | None]


def tell(w: StoryWriter, facts: AthleteFacts, start: dt.date, rng: random.Random) -> None:
    tm_rows = _tm_rows(facts, start)
    w.training_maxes(tm_rows)
    missed = {d: n.text for n in facts.missed if (d := on(start, n)) < w.today}
    workout_notes = {on(start, n): n.text for n in facts.workout_notes}
    sets = _set_story(w, facts, TMs(tm_rows), rng)
    for number, block in enumerate(_blocks(facts, start, missed), start=1):
        w.block(block, sets, number, workout_notes)
    workouts = w.flush()
    if facts.body_weight is not None:
        w.body_weights(_body_weights(facts.body_weight, start, w.today, rng))
    w.notes(_notes(facts, start, missed))
    if facts.review_texts:
        w.reviews(workouts, _reviewer(facts, start, w.today, rng))


def _tm_rows(facts: AthleteFacts, start: dt.date) -> list[TmRow]:
    return [
        (lift, on(start, (week, "Mon")), weight)
        for week, lifts in facts.training_maxes.items()
        for lift, weight in lifts.items()
    ]


def _set_story(w: StoryWriter, facts: AthleteFacts, tms: TMs, rng: random.Random) -> SetStory:
    if facts.story == "series":
        return SeriesSets(facts, tms, rng)
    if facts.story == "home":
        return home_sets(facts, w.cat, rng)
    return adult_sets(facts, tms, rng)


def _blocks(facts: AthleteFacts, start: dt.date, missed: dict[dt.date, str]) -> list[Block]:
    if facts.program is not None:
        p = facts.program
        return [Block(p.name, start, weekdays(p.days), cycle_goal=p.goal, missed=missed)]
    series = story().series
    blocks = []
    for i, (name, goal) in enumerate(zip(series.programs, series.goals, strict=True)):
        block_start = start + dt.timedelta(weeks=4 * i)
        last = i == len(series.programs) - 1
        blocks.append(
            Block(
                template=name,
                start=block_start,
                weekdays=weekdays(series.days),
                ended_on=None if last else block_start + dt.timedelta(days=27),
                cycle_goal=goal,
                missed={d: r for d, r in missed.items() if 0 <= (d - block_start).days < 28},
            )
        )
    return blocks


def _body_weights(
    plan: BodyWeightPlan, start: dt.date, today: dt.date, rng: random.Random
) -> list[tuple[dt.date, float]]:
    days = [on(start, (n, "Mon")) for n in range(1, plan.weeks + 1, plan.every)]
    if plan.kind == "weekly_change":
        return [(d, plan.start + plan.per_week * i) for i, d in enumerate(days) if d < today]
    days = [d for d in days if d < today]
    if plan.kind == "steady":
        return [(d, plan.lb + rng.choice(WEIGH_IN_NOISE)) for d in days]
    return _ramp(plan, days, rng)


def _ramp(
    plan: BodyWeightPlan, days: list[dt.date], rng: random.Random
) -> list[tuple[dt.date, float]]:
    """From `from` to `to` over the weigh-ins, with noise on all but the first and last."""
    span = max(1, len(days) - 1)
    weights = []
    for i, day in enumerate(days):
        value = plan.start + (plan.to - plan.start) * i / span
        if 0 < i < len(days) - 1:
            value += rng.choice(WEIGH_IN_NOISE)
        weights.append((day, round(value, 1)))
    return weights


def _notes(
    facts: AthleteFacts, start: dt.date, missed: dict[dt.date, str]
) -> list[tuple[dt.date, str, bool, bool]]:
    notes = [(on(start, n), n.text, n.private, n.pinned) for n in facts.notes_log]
    notes += [(d, f"Missed {d:%a} — {why}.", False, False) for d, why in sorted(missed.items())]
    return notes


def _reviewer(facts: AthleteFacts, start: dt.date, today: dt.date, rng: random.Random) -> Review:
    """Needs-work reviews on their days; Mondays approved up to last week, so the coach has the
    last two weeks waiting."""
    needs_work = {on(start, n): n.text for n in facts.needs_work}
    cutoff = monday(today) - dt.timedelta(weeks=1)

    def review(wk: Workout) -> tuple[str, str] | None:
        if wk.date in needs_work:
            return ReviewStatus.NEEDS_WORK, needs_work[wk.date]
        if wk.date.weekday() == 0 and wk.date < cutoff:
            return ReviewStatus.APPROVED, rng.choice(facts.review_texts)
        return None

    return review
