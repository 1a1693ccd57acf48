"""Applies the hard constraints to a draft, family by family, in order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generation.constraints.common import LIMITS, ConstraintResult, Limits
from generation.constraints.health import apply_injuries
from generation.constraints.loads import apply_loads, check_bounds, read_fractions
from generation.constraints.names import map_names
from generation.constraints.plausible import bound_loads, cap_youth
from generation.constraints.program import check_pattern_caps, check_variety, keep_deloads
from generation.constraints.state import Enforcement
from generation.constraints.structure import (
    cap_set_counts,
    check_empty_sessions,
    check_shape,
    keep_progression_rules,
    renumber_sets,
)
from replog.jsondata import copy_json

if TYPE_CHECKING:
    from generation.engines.base import GenerationRequest
    from generation.packet import Packet


def run(e: Enforcement, catalog: Any) -> dict[str, Any]:
    if not isinstance(catalog, dict):
        e.errors.append("The draft is not a CatalogJSON document.")
        return {}
    doc = copy_json(catalog)
    programs = doc.get("programs")
    if not isinstance(programs, list) or not programs or not isinstance(programs[0], dict):
        e.errors.append("The draft holds no program.")
        return doc
    if len(programs) > 1:
        e.warnings.append(f"The draft held {len(programs)} programs; only the first one is kept.")
        doc["programs"] = programs[:1]
    program: dict[str, Any] = doc["programs"][0]
    rows = program.get("prescribed_sets")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        e.errors.append("The program's prescribed_sets must be a list of sets.")
        return doc
    if not rows:
        e.errors.append("The program has no sets.")
        return doc
    check_shape(e, program)
    read_fractions(e, program, rows)
    rows = map_names(e, rows)
    rows = apply_injuries(e, rows)
    rows = apply_loads(e, rows)
    check_bounds(e, rows, program)
    rows = cap_youth(e, bound_loads(e, rows))
    rows = cap_set_counts(e, rows)
    check_empty_sessions(e, rows)
    rows = keep_deloads(e, program, rows)
    check_pattern_caps(e, rows)
    check_variety(e, rows)
    program["prescribed_sets"] = renumber_sets(e, rows)
    keep_progression_rules(e, program)
    return doc


def enforce(
    catalog: dict[str, Any],
    packet: Packet,
    request: GenerationRequest | None = None,
    *,
    limits: Limits = LIMITS,
) -> ConstraintResult:
    """The draft as the athlete may get it, with what changed (warnings) and what blocks it
    (errors). Never raises on a malformed draft: that is an error in the result."""
    from settings_app.resolution import settings_scope

    with settings_scope():
        enforcer = Enforcement(packet, request, limits)
        result = run(enforcer, catalog)
    warnings = list(dict.fromkeys(enforcer.warnings))
    errors = list(dict.fromkeys(enforcer.errors))
    return ConstraintResult(
        result, warnings, errors, dict(enforcer.replaced), list(enforcer.dropped)
    )
