"""Hard rules every draft obeys, whichever engine wrote it.

    result = enforce(draft.catalog, packet, request)

returns the draft as it may be shown (names mapped, exercises the athlete cannot do replaced like
for like, tier rules applied, excess sets trimmed, set numbers restarting per exercise and day),
the warnings (what was changed, or what the coach should look at, each naming its exercise) and
the errors (what could not be fixed: a number out of range, no substitute for an exercise). An LLM
draft with errors gets a repair round; any draft with errors cannot be approved as is.

`enforce` is deterministic and idempotent: enforcing its own output changes nothing and only
repeats warnings that still apply (the injury warnings). It reads the exercise catalog and the
athlete's training maxes and heaviest logged loads (five queries, settings included); it
writes nothing.

Every limit is stated once in common.py, the body part → exercise map behind the injury rule in
injury_map.py. One module per family of rules — names (catalog and equipment), health (injury
flags), loads (intensity and bounds), plausible (absolute loads bounded by what the athlete has
done, youth caps), structure (volume and shape), program (deload weeks, weekly caps per movement
pattern, variety) — each a function over the Enforcement state (state.py); apply.py runs them in
order.
"""

from __future__ import annotations

from generation.constraints.apply import enforce
from generation.constraints.common import LIMITS, ConstraintResult, Limits
from generation.constraints.injury_map import (
    INJURY_MAP,
    PATTERN_KEYWORDS,
    JointLoad,
    guess_pattern,
    high_risk_for,
    loads_part,
)

__all__ = [
    "INJURY_MAP",
    "LIMITS",
    "PATTERN_KEYWORDS",
    "ConstraintResult",
    "JointLoad",
    "Limits",
    "enforce",
    "guess_pattern",
    "high_risk_for",
    "loads_part",
]
