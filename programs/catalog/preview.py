"""What an import will do, as data for the preview page and the `import_catalog` command.

Both show the same thing: counts of new vs mapped entities, each name with its proposed mapping
(score, level, alternatives), program-name clashes, every program as a week × day grid where each
set is itself (ramps and per-set percentages stay visible), and the warnings beside the rows they
concern.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from programs.catalog.matching import (
    NEW,
    Decisions,
    Kind,
    Level,
    MappingProposal,
    ProgramProposal,
    Proposal,
    propose_mapping,
)
from programs.catalog.parse import Issue, json_number, parse_catalog
from programs.catalog.schema import Catalog, PrescribedSetItem
from programs.models import RepType

_SET_PATH = re.compile(r"^programs\[(\d+)\]\.prescribed_sets\[(\d+)\]")
_PROGRAM_PATH = re.compile(r"^programs\[(\d+)\]")
_NAME_PATH = re.compile(r"^(equipment|exercises)\[(\d+)\]")


@dataclass
class Option:
    value: str
    label: str


@dataclass
class OptionGroup:
    label: str
    options: list[tuple[str, str, bool]]  # value, label, selected


@dataclass
class NameRow:
    proposal: Proposal
    decision: str | None
    decision_label: str
    chosen: bool  # the coach changed it by hand
    suggested: list[Option]
    in_file: list[Option]
    warnings: list[Issue] = field(default_factory=list)
    groups: list[OptionGroup] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        digest = hashlib.sha1(self.key.encode(), usedforsecurity=False).hexdigest()[:12]
        return f"name-{self.kind}-{digest}"

    @property
    def locked(self) -> bool:
        """An exact name match is the same entity: nothing to choose."""
        return self.proposal.level is Level.EXACT and not self.chosen

    @property
    def settled(self) -> bool:
        """Nothing for the coach to look at: the same name in the catalog, no warning."""
        return self.locked and not self.warnings

    @property
    def kind(self) -> Kind:
        return self.proposal.kind

    @property
    def key(self) -> str:
        return self.proposal.key

    @property
    def unresolved(self) -> bool:
        return self.decision is None

    @property
    def is_new(self) -> bool:
        return self.decision == NEW

    @property
    def level(self) -> Level:
        return self.proposal.level

    @property
    def badge(self) -> str:
        if self.chosen:
            return "chosen"
        if self.unresolved:
            return "unresolved"
        return self.proposal.level.value

    @property
    def badge_label(self) -> str:
        if self.chosen:
            return "chosen by you"
        if self.unresolved:
            return "needs a choice"
        if self.is_new:
            return "new" if self.proposal.declared else "create new"
        return self.proposal.level.label


@dataclass
class SetRow:
    program: int
    index: int
    item: PrescribedSetItem
    edited_fields: list[str]
    warnings: list[Issue]

    @property
    def edited(self) -> bool:
        return bool(self.edited_fields)

    @property
    def reps_label(self) -> str:
        st = self.item
        if st.reps is None:
            return "AMRAP"
        unit = {
            RepType.EACH_SIDE: " each side",
            RepType.SECONDS: " s",
            RepType.DISTANCE: " m",
        }.get(RepType(st.rep_type), "")
        return f"{st.reps}{unit}"

    @property
    def load_label(self) -> str:
        st = self.item
        if st.percentage is not None:
            return f"{json_number(st.percentage)} %"
        if st.absolute_weight is not None:
            if st.absolute_weight == 0:
                return "bodyweight"
            return str(json_number(st.absolute_weight))
        return ""

    @property
    def load_is_weight(self) -> bool:
        st = self.item
        return st.percentage is None and bool(st.absolute_weight)

    @property
    def rpe_label(self) -> str:
        rpe = self.item.target_rpe
        return "" if rpe is None else f"RPE {json_number(rpe)}"

    def value(self, name: str) -> Any:
        raw = getattr(self.item, name)
        if raw is None:
            return ""
        if name in ("percentage", "absolute_weight", "target_rpe"):
            return json_number(raw)
        return raw


@dataclass
class WeekRow:
    week: int
    week_type: str
    coach_notes: str
    days: list[list[SetRow]]


@dataclass
class ProgramBlock:
    index: int
    name: str
    description: str
    num_weeks: int
    num_days: int
    is_loop: bool
    audience: str
    weeks: list[WeekRow]
    rules: list[tuple[str, Any]]
    proposal: ProgramProposal
    decision: dict[str, Any]
    chosen: dict[str, Any] | None
    warnings: list[Issue]
    set_count: int

    @property
    def day_numbers(self) -> list[int]:
        return list(range(1, self.num_days + 1))

    @property
    def final_name(self) -> str:
        return str(self.decision.get("name") or self.name)

    @property
    def unresolved(self) -> bool:
        return self.decision.get("action") == "unresolved"


@dataclass
class Preview:
    catalog: Catalog
    proposal: MappingProposal
    decisions: Decisions
    equipment: list[NameRow]
    exercises: list[NameRow]
    programs: list[ProgramBlock]
    warnings: list[Issue]  # not tied to one set, program or name
    errors: list[Issue]
    counts: dict[str, int]

    @property
    def unresolved(self) -> list[str]:
        return self.decisions.unresolved

    @property
    def can_approve(self) -> bool:
        return not self.errors and self.decisions.complete

    def rows(self, kind: Kind) -> list[NameRow]:
        return self.equipment if kind == "equipment" else self.exercises

    # The names to look at first; exact matches (214 for the Go app's catalog) are collapsed.
    @property
    def exercises_to_check(self) -> list[NameRow]:
        return [r for r in self.exercises if not r.settled]

    @property
    def exercises_settled(self) -> list[NameRow]:
        return [r for r in self.exercises if r.settled]

    @property
    def equipment_to_check(self) -> list[NameRow]:
        return [r for r in self.equipment if not r.settled]

    @property
    def equipment_settled(self) -> list[NameRow]:
        return [r for r in self.equipment if r.settled]

    def row(self, kind: Kind, key: str) -> NameRow | None:
        return next((r for r in self.rows(kind) if r.key == key), None)

    def lines(self) -> list[str]:
        """The same facts as plain text, for the command line."""
        c = self.counts
        out = [
            f"Equipment: {c['equipment_new']} new, {c['equipment_mapped']} mapped to the catalog",
            f"Exercises: {c['exercises_new']} new, {c['exercises_mapped']} mapped to the catalog",
            f"Programs: {c['programs']} ({c['sets']} sets, {c['rules']} progression rules)",
        ]
        for row in self.equipment + self.exercises:
            p = row.proposal
            if row.unresolved:
                hint = ", ".join(f"{a.name} ({a.percent} %)" for a in p.alternatives)
                out.append(
                    f"  ? {p.kind} {p.name!r}: no match" + (f" — closest: {hint}" if hint else "")
                )
            elif not row.is_new and p.level not in (Level.EXACT,):
                out.append(
                    f"  ~ {p.kind} {p.name!r} → {row.decision_label!r} "
                    f"({round(p.score * 100)} %, {p.level.label})"
                )
        for block in self.programs:
            if block.proposal.clash is not None:
                out.append(
                    f"  ! program {block.name!r} clashes with an existing program"
                    + (f" → imported as {block.final_name!r}" if not block.unresolved else "")
                )
        return out


def _location(issue: Issue) -> tuple[str, int, int]:
    m = _SET_PATH.match(issue.path)
    if m:
        return "set", int(m.group(1)), int(m.group(2))
    m = _NAME_PATH.match(issue.path)
    if m:
        return m.group(1), int(m.group(2)), -1
    m = _PROGRAM_PATH.match(issue.path)
    if m:
        return "program", int(m.group(1)), -1
    return "general", -1, -1


def _options(proposal: Proposal, mp: MappingProposal) -> tuple[list[Option], list[Option]]:
    suggested: list[Option] = []
    candidates = ([proposal.best] if proposal.best and proposal.mapped else []) + list(
        proposal.alternatives
    )
    for cand in candidates:
        where = " (in this file)" if cand.in_file else ""
        suggested.append(Option(cand.ref, f"{cand.name}{where} — {cand.percent} %"))
    in_file = (
        []
        if proposal.declared
        else [Option(v, n) for v, n in mp.file_choices(proposal.kind, proposal.key)]
    )
    return suggested, in_file


def _groups(
    proposal: Proposal,
    decision: str | None,
    suggested: list[Option],
    in_file: list[Option],
    catalog: list[tuple[str, str]],
    containing: list[tuple[str, str]],
) -> list[OptionGroup]:
    selected_done = False

    def pick(value: str) -> bool:
        nonlocal selected_done
        if value == decision and not selected_done:
            selected_done = True
            return True
        return False

    groups: list[OptionGroup] = []
    if proposal.level is not Level.EXACT:
        label = f"Create new “{proposal.name}”"
        groups.append(OptionGroup("", [(NEW, label, pick(NEW))]))
    if suggested:
        groups.append(
            OptionGroup("Suggested", [(o.value, o.label, pick(o.value)) for o in suggested])
        )
    shown = {o.value for o in suggested}
    related = [(v, label) for v, label in containing if v not in shown]
    if related:
        groups.append(
            OptionGroup(
                f"Containing “{proposal.name}”", [(v, label, pick(v)) for v, label in related]
            )
        )
    if in_file:
        groups.append(
            OptionGroup(
                "Declared in this file", [(o.value, o.label, pick(o.value)) for o in in_file]
            )
        )
    groups.append(OptionGroup("Catalog", [(v, label, pick(v)) for v, label in catalog]))
    return groups


def build_preview(
    *,
    data: dict[str, Any],
    overrides: dict[str, Any] | None = None,
    edited: dict[str, dict[str, Any]] | None = None,
    stored_warnings: list[dict[str, Any]] | None = None,
    athlete_id: int | None = None,
    create_missing: bool = False,
    rename_clashes: bool = False,
    owner_id: int | None = None,
    library_coach_id: int | None = None,
) -> Preview:
    """`data` is the catalog to show (with any set edits applied); `edited` says which fields of
    which sets ("p:s") were changed; `stored_warnings` are the warnings of the original upload,
    kept for the facts a re-check cannot see (fractions converted on the way in)."""
    parsed = parse_catalog(data)
    if parsed.catalog is None:
        raise ValueError(
            "build_preview needs a valid catalog: " + "; ".join(map(str, parsed.errors))
        )
    catalog = parsed.catalog
    mp = propose_mapping(
        catalog, athlete_id=athlete_id, owner_id=owner_id, library_coach_id=library_coach_id
    )
    overrides = overrides or {}
    decisions = mp.decide(overrides, create_missing=create_missing, rename_clashes=rename_clashes)

    fresh = list(parsed.issues)
    seen = {(i.path, i.message) for i in fresh}
    for raw in stored_warnings or []:
        issue = Issue.from_dict(raw)
        # Set-level warnings are recomputed from the edited sets; keep only the others.
        if _SET_PATH.match(issue.path) or (issue.path, issue.message) in seen:
            continue
        fresh.append(issue)
        seen.add((issue.path, issue.message))

    by_set: dict[tuple[int, int], list[Issue]] = defaultdict(list)
    by_program: dict[int, list[Issue]] = defaultdict(list)
    by_name: dict[tuple[str, int], list[Issue]] = defaultdict(list)
    general: list[Issue] = []
    for issue in fresh:
        where, a, b = _location(issue)
        if where == "set":
            by_set[(a, b)].append(issue)
        elif where == "program":
            by_program[a].append(issue)
        elif where in ("equipment", "exercises"):
            by_name[(where, a)].append(issue)
        else:
            general.append(issue)

    rows: dict[Kind, list[NameRow]] = {"equipment": [], "exercise": []}
    kinds: tuple[Kind, Kind] = ("equipment", "exercise")
    db_choices = {kind: mp.db_choices(kind) for kind in kinds}
    declared_index = {
        "equipment": {eq.name.casefold(): i for i, eq in enumerate(catalog.equipment)},
        "exercise": {ex.name.casefold(): i for i, ex in enumerate(catalog.exercises)},
    }
    for kind in ("equipment", "exercise"):
        chosen = overrides.get(kind, {}) or {}
        target = decisions.equipment if kind == "equipment" else decisions.exercise
        section = "equipment" if kind == "equipment" else "exercises"
        for proposal in mp.proposals(kind):
            decision = target.get(proposal.key)
            suggested, in_file = _options(proposal, mp)
            index = declared_index[kind].get(proposal.key, -1)
            containing = (
                [] if proposal.level is Level.EXACT else mp.db[kind].containing(proposal.name)
            )
            groups = _groups(proposal, decision, suggested, in_file, db_choices[kind], containing)
            rows[kind].append(
                NameRow(
                    groups=groups,
                    proposal=proposal,
                    decision=decision,
                    decision_label=mp.label(kind, decision),
                    chosen=proposal.key in chosen and chosen[proposal.key] == decision,
                    suggested=suggested,
                    in_file=in_file,
                    warnings=by_name.get((section, index), []),
                )
            )

    edited = edited or {}
    program_choices = overrides.get("programs", {}) or {}
    blocks: list[ProgramBlock] = []
    for p, program in enumerate(catalog.programs):
        grid: dict[tuple[int, int], list[SetRow]] = defaultdict(list)
        order = sorted(
            range(len(program.prescribed_sets)),
            key=lambda s: (
                program.prescribed_sets[s].sort_order,
                program.prescribed_sets[s].exercise.casefold(),
                program.prescribed_sets[s].set_number,
            ),
        )
        for s in order:
            st = program.prescribed_sets[s]
            grid[(st.week, st.day)].append(
                SetRow(p, s, st, sorted(edited.get(f"{p}:{s}", {})), by_set.get((p, s), []))
            )
        week_info = {w.week: w for w in program.weeks}
        weeks = [
            WeekRow(
                week=w,
                week_type=(week_info[w].week_type or "") if w in week_info else "",
                coach_notes=week_info[w].coach_notes if w in week_info else "",
                days=[grid.get((w, d), []) for d in range(1, program.num_days + 1)],
            )
            for w in range(1, program.num_weeks + 1)
        ]
        blocks.append(
            ProgramBlock(
                index=p,
                name=program.name,
                description=program.description,
                num_weeks=program.num_weeks,
                num_days=program.num_days,
                is_loop=program.is_loop,
                audience=program.audience or "",
                weeks=weeks,
                rules=[(r.exercise, json_number(r.increment)) for r in program.progression_rules],
                proposal=mp.programs[p],
                decision=decisions.programs[p],
                chosen=program_choices.get(str(p)),
                warnings=by_program.get(p, []),
                set_count=len(program.prescribed_sets),
            )
        )

    def count(kind: Kind, new: bool) -> int:
        return sum(1 for r in rows[kind] if not r.unresolved and r.is_new == new)

    counts = {
        "equipment_new": count("equipment", True),
        "equipment_mapped": count("equipment", False),
        "exercises_new": count("exercise", True),
        "exercises_mapped": count("exercise", False),
        "programs": len(catalog.programs),
        "sets": sum(len(p.prescribed_sets) for p in catalog.programs),
        "rules": sum(len(p.progression_rules) for p in catalog.programs),
        "unresolved": len(decisions.unresolved),
        "review": sum(
            1
            for r in rows["equipment"] + rows["exercise"]
            if not r.chosen
            and r.decision == (r.proposal.best.ref if r.proposal.best else None)
            and r.level is Level.REVIEW
        ),
    }
    return Preview(
        catalog=catalog,
        proposal=mp,
        decisions=decisions,
        equipment=rows["equipment"],
        exercises=rows["exercise"],
        programs=blocks,
        warnings=general,
        errors=parsed.errors,
        counts=counts,
    )
