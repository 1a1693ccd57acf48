"""The built-in rules engine: deterministic, explainable, always available.

A pipeline of small stages over plain data, read in order:

1. `source` — choose the source program (a reference, the current one, the last one, the best
   global template, else a full-body base from the catalog).
2. `pool` + `decide` — pick each exercise: equipment, tier, health notes, variations, the coach's
   preferences; like-for-like substitutes keep the movement pattern.
3. `verdict` + `loads` + `progress` — each exercise's verdict from its numbers and its load.
4. `structure` + `sessions` + `prescribe` — weeks, days and deloads, the sets.
5. `reasoning` — lines written from the decisions.

Every number is in `thresholds.Thresholds`. The engine reads the catalog, programs, training maxes
and the training log; it writes nothing.
"""

from __future__ import annotations

from generation.engines.rules.engine import RulesEngine, swap_order
from generation.engines.rules.model import MODEL
from generation.engines.rules.thresholds import THRESHOLDS, Thresholds

__all__ = ["MODEL", "THRESHOLDS", "RulesEngine", "Thresholds", "swap_order"]
