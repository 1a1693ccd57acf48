"""The built-in rules engine: deterministic, explainable, always available.

It starts from a program — a reference program the coach named, else the athlete's current
program, else the global template that fits best — and derives the next block from the packet:
loads carried forward and adjusted per exercise by how the athlete coped (RPE, completion,
plateau), exercises the athlete cannot do replaced like for like, deload weeks in fixed blocks.
Every decision leaves a sentence in the reasoning naming the datum behind it.

It reads programs from the database (read-only); it writes nothing.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from generation.engines.base import Draft, EngineName, GenerationRequest, Usage
from programs.loads import round_load
from programs.models import PrescribedSet, ProgramTemplate, ProgressionRule
from settings_app.registry import setting_float

if TYPE_CHECKING:
    from generation.context import ExerciseSummary, Packet


@dataclass(frozen=True)
class Thresholds:
    """Every number the rules engine decides by, in one place."""

    easy_rpe: float = 7.0  # avg RPE at or below this …
    easy_completion: float = 90.0  # … with completion at or above this (%) → progress
    hard_rpe: float = 8.5  # avg RPE at or above this → hold
    low_completion: float = 70.0  # completion below this (%) → hold
    progress_points: Decimal = Decimal(5)  # percentage points added for an easy exercise
    steady_points: Decimal = Decimal("2.5")  # … for one going as planned
    reduce_points: Decimal = Decimal(5)  # … taken off when hard and incomplete
    deload_points: Decimal = Decimal(10)  # off every set in a deload week
    deload_every: int = 4  # fixed blocks: every 4th week is a deload …
    deload_every_foundational: int = 3  # … every 3rd for foundational athletes
    min_percentage: Decimal = Decimal(20)
    max_percentage: Decimal = Decimal(110)


THRESHOLDS = Thresholds()

# Movement patterns that load a joint, for the injury-note warning.
JOINT_PATTERNS: dict[str, frozenset[str]] = {
    "knee": frozenset({"squat", "lunge", "plyometric", "olympic", "run"}),
    "hip": frozenset({"squat", "hinge", "lunge", "olympic"}),
    "back": frozenset({"squat", "hinge", "olympic", "carry"}),
    "shoulder": frozenset({"vertical_push", "horizontal_push", "vertical_pull", "olympic"}),
    "elbow": frozenset({"horizontal_push", "vertical_push", "horizontal_pull", "vertical_pull"}),
    "wrist": frozenset({"horizontal_push", "vertical_push", "olympic"}),
    "ankle": frozenset({"plyometric", "run", "lunge", "olympic"}),
}

GENERIC_PATTERNS: tuple[str, ...] = (
    "squat",
    "hinge",
    "horizontal_push",
    "horizontal_pull",
    "vertical_push",
    "vertical_pull",
    "lunge",
    "core",
)


@dataclass
class _Row:
    exercise: str
    pattern: str
    week: int
    day: int
    set_number: int
    reps: int | None
    rep_type: str
    percentage: Decimal | None
    absolute_weight: Decimal | None
    sort_order: int
    notes: str
    target_rpe: Decimal | None


@dataclass
class _Source:
    name: str
    why: str
    num_weeks: int
    num_days: int
    rows: list[_Row]
    rules: dict[str, Decimal] = field(default_factory=dict)
    recovery_weeks: set[int] = field(default_factory=set)


def _n(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _fmt(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:g}{suffix}"


class RulesEngine:
    name = EngineName.RULES

    def __init__(self, thresholds: Thresholds = THRESHOLDS) -> None:
        self.t = thresholds

    def generate(self, packet: Packet, request: GenerationRequest) -> Draft:
        started = time.monotonic()
        reasoning: list[str] = []
        warnings: list[str] = []
        source = self._source(packet, request)
        reasoning.append(source.why)

        available = {
            name.casefold(): (pattern, name)
            for pattern, tiers in packet.catalog.available.items()
            for names in tiers.values()
            for name in names
        }
        by_pattern: dict[str, list[str]] = defaultdict(list)
        for pattern, name in sorted(available.values()):
            by_pattern[pattern].append(name)
        stats = {e.name.casefold(): e for e in packet.exercises}

        replacements = self._replacements(source, available, by_pattern, reasoning)
        adjustments = self._adjustments(source, stats, replacements, reasoning)
        self._injury_warnings(packet, source, replacements, warnings)

        tier = packet.profile.tier
        every = self.t.deload_every_foundational if tier == "foundational" else self.t.deload_every
        deloads = (
            set()
            if request.is_loop or request.weeks < every
            else {w for w in range(every, request.weeks + 1, every)}
        )
        if deloads:
            reasoning.append(
                f"Deload in week {', '.join(str(w) for w in sorted(deloads))}: a fixed block "
                f"deloads every {every}th week"
                + (" (foundational tier)" if tier == "foundational" else "")
                + f" — loads −{self.t.deload_points:g} points and one set fewer."
            )
        elif request.is_loop:
            reasoning.append("A loop repeats as written, so it has no built-in deload week.")

        if request.days_per_week != source.num_days:
            reasoning.append(
                f"{request.days_per_week} days a week instead of {source.num_days}: "
                + (
                    "sessions repeat in order to fill the extra days."
                    if request.days_per_week > source.num_days
                    else f"days {request.days_per_week + 1}–{source.num_days} of the source "
                    "are left out."
                )
            )

        sets = self._build_sets(source, request, replacements, adjustments, deloads, reasoning)
        kept = {s["exercise"].casefold() for s in sets}
        rules: list[dict[str, Any]] = []
        for source_name, increment in sorted(source.rules.items()):
            name = replacements.get(source_name.casefold(), (source_name, ""))[0]
            if name and name.casefold() in kept:
                rules.append({"exercise": name, "increment": _n(increment)})
        weeks = [
            {
                "week": w,
                "week_type": "recovery" if w in deloads else ("base" if w == 1 else "build"),
                "coach_notes": "",
            }
            for w in range(1, request.weeks + 1)
        ]
        if request.focus_areas:
            reasoning.append(
                "Focus areas noted (" + ", ".join(request.focus_areas) + "); the rules engine "
                "keeps the source's exercise selection and leaves emphasis changes to the coach."
            )
        if request.coach_directions:
            reasoning.append(
                "Coach directions are shown to the coach with the draft; the rules engine does "
                "not interpret free text."
            )
        program = {
            "name": request.program_name,
            "description": f"Drafted by the built-in rules engine from {source.name}.",
            "num_weeks": request.weeks,
            "num_days": request.days_per_week,
            "is_loop": request.is_loop,
            "audience": packet.profile.audience or None,
            "prescribed_sets": sets,
            "progression_rules": rules,
            "weeks": weeks,
        }
        catalog = {"type": "catalog", "version": "1.1", "programs": [program]}
        return Draft(
            catalog=catalog,
            reasoning=reasoning,
            usage=Usage(
                engine=EngineName.RULES,
                model="rules-v1",
                duration_s=time.monotonic() - started,
            ),
            warnings=warnings,
        )

    # --- where the next block starts -----------------------------------------------------

    def _source(self, packet: Packet, request: GenerationRequest) -> _Source:
        athlete_id = packet.meta.athlete_id
        for template_id in request.reference_program_ids:
            template = ProgramTemplate.objects.filter(
                Q(owner__isnull=True) | Q(owner_id=athlete_id), pk=template_id
            ).first()
            if template is not None:
                return self._load(
                    template,
                    f"Started from {template.name}, the reference program the coach chose.",
                )
        current = packet.current_program
        if current is not None:
            template = ProgramTemplate.objects.filter(pk=current.template_id).first()
            if template is not None:
                done = "complete" if current.block_complete else f"at {current.position}"
                return self._load(
                    template,
                    f"Started from {template.name}, the current program "
                    f"({current.num_days} days × {current.num_weeks} weeks, {done}).",
                )
        audience = packet.profile.audience
        tier_words = packet.profile.tier.replace("_", " ")
        candidates = list(
            ProgramTemplate.objects.filter(owner__isnull=True)
            .annotate(set_count=Count("sets"))
            .filter(set_count__gt=0)
        )
        if candidates:

            def fit(t: ProgramTemplate) -> tuple[int, str]:
                score = 0
                score += 3 if t.audience == audience else (1 if not t.audience else -3)
                score += 2 if tier_words and tier_words in t.name.casefold() else 0
                score -= abs(t.num_days - request.days_per_week)
                return (-score, t.name.casefold())

            best = min(candidates, key=fit)
            return self._load(
                best,
                f"No current program: started from {best.name}, the global template that fits "
                f"best (audience {audience}, tier {packet.profile.tier}, "
                f"{request.days_per_week} days).",
            )
        return self._generic(packet, request)

    def _load(self, template: ProgramTemplate, why: str) -> _Source:
        rows = [
            _Row(
                exercise=s.exercise.name,
                pattern=s.exercise.movement_pattern,
                week=s.week,
                day=s.day,
                set_number=s.set_number,
                reps=s.reps,
                rep_type=s.rep_type,
                percentage=s.percentage,
                absolute_weight=s.absolute_weight,
                sort_order=s.sort_order,
                notes=s.notes,
                target_rpe=s.target_rpe,
            )
            for s in PrescribedSet.objects.filter(template=template).select_related("exercise")
        ]
        rules = {
            r.exercise.name: r.increment
            for r in ProgressionRule.objects.filter(template=template).select_related("exercise")
        }
        recovery = {
            int(w.get("week", 0))
            for w in template.weeks or []
            if isinstance(w, dict) and w.get("week_type") in ("recovery", "taper")
        }
        return _Source(
            name=template.name,
            why=why,
            num_weeks=template.num_weeks,
            num_days=template.num_days,
            rows=rows,
            rules=rules,
            recovery_weeks=recovery,
        )

    def _generic(self, packet: Packet, request: GenerationRequest) -> _Source:
        rows: list[_Row] = []
        patterns = [p for p in GENERIC_PATTERNS if packet.catalog.available.get(p)]
        per_day = max(1, min(request.max_exercises_per_day, 5))
        for day in range(1, request.days_per_week + 1):
            for order in range(per_day):
                if not patterns:
                    break
                pattern = patterns[((day - 1) * per_day + order) % len(patterns)]
                names = sorted(n for ns in packet.catalog.available[pattern].values() for n in ns)
                name = names[(day - 1) % len(names)]
                if any(r.exercise == name and r.day == day for r in rows):
                    continue
                rows.extend(
                    _Row(name, pattern, 1, day, n, 10, "reps", None, None, order + 1, "", None)
                    for n in (1, 2, 3)
                )
        return _Source(
            name="the exercise catalog",
            why="No current program and no global template: built a full-body base of 3×10 from "
            "the exercises the athlete can do, one per movement pattern.",
            num_weeks=1,
            num_days=request.days_per_week,
            rows=rows,
        )

    # --- per-exercise decisions ----------------------------------------------------------

    def _replacements(
        self,
        source: _Source,
        available: dict[str, tuple[str, str]],
        by_pattern: dict[str, list[str]],
        reasoning: list[str],
    ) -> dict[str, tuple[str, str]]:
        """Source exercise (casefold) → (exercise to use, pattern); "" name = drop it."""
        out: dict[str, tuple[str, str]] = {}
        used = {r.exercise.casefold() for r in source.rows}
        for name, pattern in sorted({(r.exercise, r.pattern) for r in source.rows}):
            key = name.casefold()
            if key in available or key in out:
                continue
            options = [n for n in by_pattern.get(pattern, []) if n.casefold() not in used]
            if options:
                out[key] = (options[0], pattern)
                used.add(options[0].casefold())
                reasoning.append(
                    f"{name} replaced by {options[0]}: it needs equipment the athlete does not "
                    f"have; same movement pattern ({pattern.replace('_', ' ')})."
                )
            else:
                out[key] = ("", pattern)
                reasoning.append(
                    f"{name} left out: it needs equipment the athlete does not have and no "
                    f"{pattern.replace('_', ' ') or 'similar'} exercise they can do is in the "
                    "catalog."
                )
        return out

    def _adjustments(
        self,
        source: _Source,
        stats: dict[str, ExerciseSummary],
        replacements: dict[str, tuple[str, str]],
        reasoning: list[str],
    ) -> dict[str, Decimal]:
        """Percentage points to add to each source exercise's loads."""
        t = self.t
        out: dict[str, Decimal] = {}
        for name in sorted({r.exercise for r in source.rows}, key=str.casefold):
            key = name.casefold()
            if key in replacements:
                out[key] = Decimal(0)
                continue
            loaded = any(
                r.percentage is not None or r.absolute_weight
                for r in source.rows
                if r.exercise.casefold() == key
            )
            e = stats.get(key)
            if e is None:
                out[key] = t.steady_points if loaded else Decimal(0)
                if loaded:
                    reasoning.append(
                        f"{name}: +{t.steady_points:g} % — no logged sessions yet, standard step."
                    )
                continue
            rpe = e.avg_rpe
            completion = e.completion.rate_pct if e.completion is not None else None
            trend = e.rpe_trend.direction
            data = (
                f"avg RPE {_fmt(rpe)}"
                + (f", {trend}" if trend and trend != "insufficient" else "")
                + f", completion {_fmt(completion, ' %')}"
            )
            hard = rpe is not None and rpe >= t.hard_rpe
            incomplete = completion is not None and completion < t.low_completion
            easy = (
                rpe is not None
                and rpe <= t.easy_rpe
                and (completion is None or completion >= t.easy_completion)
            )
            if hard and incomplete:
                out[key] = -t.reduce_points
                reasoning.append(f"{name}: reduced {t.reduce_points:g} % — {data}.")
            elif hard or incomplete:
                out[key] = Decimal(0)
                reasoning.append(f"{name}: held at the same loads — {data}.")
            elif e.plateau.flagged:
                out[key] = Decimal(0)
                reasoning.append(
                    f"{name}: held — plateau ({e.plateau.reason}); consider a variation."
                )
            elif easy:
                out[key] = t.progress_points
                reasoning.append(f"{name}: +{t.progress_points:g} % — {data}.")
            else:
                out[key] = t.steady_points if loaded else Decimal(0)
                if loaded:
                    reasoning.append(f"{name}: +{t.steady_points:g} % — {data}.")
        return out

    def _injury_warnings(
        self,
        packet: Packet,
        source: _Source,
        replacements: dict[str, tuple[str, str]],
        warnings: list[str],
    ) -> None:
        """One warning per exercise that loads a joint named in a health note (the latest)."""
        flagged: dict[str, str] = {}
        for flag in sorted(packet.notes.health_flags, key=lambda f: f.date, reverse=True):
            for part in flag.body_parts:
                patterns = JOINT_PATTERNS.get(part.casefold().rstrip("s"), frozenset())
                for row in source.rows:
                    if row.pattern not in patterns:
                        continue
                    name = replacements.get(row.exercise.casefold(), (row.exercise, ""))[0]
                    if name and name not in flagged:
                        flagged[name] = (
                            f"{name} loads the {part}: health note of {flag.date:%Y-%m-%d} "
                            f"(“{flag.text[:80]}{'…' if len(flag.text) > 80 else ''}”). "
                            "Check it before approving."
                        )
        warnings.extend(flagged[name] for name in sorted(flagged))

    # --- the sets ------------------------------------------------------------------------

    def _build_sets(
        self,
        source: _Source,
        request: GenerationRequest,
        replacements: dict[str, tuple[str, str]],
        adjustments: dict[str, Decimal],
        deloads: set[int],
        reasoning: list[str],
    ) -> list[dict[str, Any]]:
        t = self.t
        increment = Decimal(str(setting_float("defaults.plate_increment")))
        by_session: dict[tuple[int, int], list[_Row]] = defaultdict(list)
        for r in source.rows:
            by_session[(r.week, r.day)].append(r)
        out: list[dict[str, Any]] = []
        trimmed_days: set[int] = set()
        for week in range(1, request.weeks + 1):
            src_week = (week - 1) % max(1, source.num_weeks) + 1
            deload = week in deloads and src_week not in source.recovery_weeks
            for day in range(1, request.days_per_week + 1):
                src_day = (day - 1) % max(1, source.num_days) + 1
                rows = sorted(
                    by_session.get((src_week, src_day), []),
                    key=lambda r: (r.sort_order, r.exercise.casefold(), r.set_number),
                )
                order: list[str] = []
                for r in rows:
                    if r.exercise.casefold() not in order:
                        order.append(r.exercise.casefold())
                if len(order) > request.max_exercises_per_day:
                    trimmed_days.add(day)
                    order = order[: request.max_exercises_per_day]
                blocks: dict[str, list[_Row]] = defaultdict(list)
                for r in rows:
                    if r.exercise.casefold() in order:
                        blocks[r.exercise.casefold()].append(r)
                used: set[str] = set()
                for key in order:
                    name = replacements.get(key, (blocks[key][0].exercise, ""))[0]
                    if not name or name.casefold() in used:
                        continue
                    used.add(name.casefold())
                    block = blocks[key]
                    if deload and len(block) > 1:
                        block = block[:-1]
                    for number, r in enumerate(block, start=1):
                        pct = r.percentage
                        absolute = r.absolute_weight
                        step = adjustments.get(key, Decimal(0))
                        if deload:
                            step -= t.deload_points
                        if pct is not None:
                            pct = min(t.max_percentage, max(t.min_percentage, pct + step))
                        elif absolute and step:
                            # Absolute loads move by the same share as the percentage points.
                            absolute = round_load(
                                absolute * (Decimal(100) + step) / Decimal(100), increment
                            )
                        out.append(
                            {
                                "exercise": name,
                                "week": week,
                                "day": day,
                                "set_number": number,
                                "reps": r.reps,
                                "rep_type": r.rep_type or "reps",
                                "percentage": _n(pct),
                                "absolute_weight": _n(absolute),
                                "sort_order": r.sort_order,
                                "notes": r.notes or None,
                                "target_rpe": _n(r.target_rpe),
                            }
                        )
        if trimmed_days:
            reasoning.append(
                f"At most {request.max_exercises_per_day} exercises a day: later exercises of "
                f"day {', '.join(str(d) for d in sorted(trimmed_days))} left out."
            )
        return out
