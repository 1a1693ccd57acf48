"""The one rule for a prescribed set's reps, read by the importer (the CatalogJSON schema) and
by the generator's hard constraints alike: what one accepts the other must read, or an imported
program fails every later generation for its athlete with advice about something else."""

from __future__ import annotations

# rep type → (min, max) reps; seconds are a hold, an interval or a timed run (six hours at
# most), distance is metres (up to a 100 km ultra: a running plan's marathon is 42,195).
REP_BOUNDS: dict[str, tuple[int, int]] = {
    "reps": (1, 100),
    "each_side": (1, 100),
    "seconds": (1, 21_600),
    "distance": (1, 100_000),
}
# Null reps = AMRAP: "as many as possible" has a meaning only for counted reps.
AMRAP_REP_TYPES = ("reps", "each_side")


def reps_problem(reps: int | None, rep_type: str) -> str | None:
    """What is wrong with `reps` for `rep_type`, in the coach's words; None when fine."""
    if reps is None:
        if rep_type in AMRAP_REP_TYPES:
            return None
        unit = "seconds" if rep_type == "seconds" else "metres"
        return f"reps is null (AMRAP) on a {rep_type} set; give the {unit}"
    low, high = REP_BOUNDS.get(rep_type, REP_BOUNDS["reps"])
    if not low <= reps <= high:
        return f"reps {reps} is outside {low}–{high} for rep type {rep_type}"
    return None
