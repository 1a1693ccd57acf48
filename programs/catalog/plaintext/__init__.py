"""Free-text plans → CatalogJSON, deterministically (no LLM): clean → read → build.

plan = read_plan(text)                  # one Entry per input line, with its fate
data = to_catalog(plan, name=…, unit=…) # CatalogJSON for parse → validate → map → preview
"""

from __future__ import annotations

from programs.catalog.plaintext.build import (
    HEADING,
    IGNORED,
    LLM,
    PARSED,
    UNPARSED,
    Entry,
    PlanText,
    read_plan,
    set_lines,
    to_catalog,
)
from programs.catalog.plaintext.notation import SetSpec

__all__ = [
    "HEADING",
    "IGNORED",
    "LLM",
    "PARSED",
    "UNPARSED",
    "Entry",
    "PlanText",
    "SetSpec",
    "read_plan",
    "set_lines",
    "to_catalog",
]
