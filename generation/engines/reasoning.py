"""The engine's reasoning after the hard constraints: a line about an exercise the checks
replaced or left out would describe a program the coach is not looking at ("Depth jumps: the
athlete loves them" above a draft without them), so such a line is marked with what changed."""

from __future__ import annotations

import re
from typing import Any


def _names(catalog: dict[str, Any]) -> set[str]:
    try:
        rows = catalog["programs"][0]["prescribed_sets"]
    except (KeyError, IndexError, TypeError):
        return set()
    return {
        r["exercise"] for r in rows if isinstance(r, dict) and isinstance(r.get("exercise"), str)
    }


def _mention(name: str) -> re.Pattern[str]:
    # "Depth Jump" is also "depth jumps" and "depth-jumps" in a sentence.
    words = [re.escape(w) for w in re.split(r"[\s-]+", name.strip()) if w]
    return re.compile(r"(?<!\w)" + r"[\s-]+".join(words) + r"(?:e?s)?(?!\w)", re.IGNORECASE)


def mark_reasoning(
    reasoning: list[str], before: dict[str, Any], after: dict[str, Any], replaced: dict[str, str]
) -> list[str]:
    """`reasoning` with every line about an exercise of `before` that is not in `after` marked:
    "[RepLog's checks replaced Depth Jump with Box Jump]" or "[… left Depth Jump out]"."""
    now = {n.casefold() for n in _names(after)}
    gone = sorted((n for n in _names(before) if n.casefold() not in now), key=len, reverse=True)
    if not gone:
        return reasoning
    swaps = {k.casefold(): v for k, v in replaced.items()}
    out = []
    for line in reasoning:
        marks = []
        for name in gone:
            if _mention(name).search(line):
                new = swaps.get(name.casefold())
                marks.append(f"replaced {name} with {new}" if new else f"left {name} out")
        out.append(f"{line} [RepLog's checks {'; '.join(marks)}.]" if marks else line)
    return out
