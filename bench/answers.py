"""How long reading an untrusted LLM answer takes (generation/llm_parse.py): finding the JSON
in a flood of braces, a deep nest, and prose around a real-sized answer. Linear means the
1 MB figure is about four times the 0.25 MB one (the old scan was quadratic: 12.7 s and 190 s).
No database, no server."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any


def _median_ms(job: Callable[[], object], tries: int = 3) -> float:
    times = []
    for _ in range(tries):
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


def answer_extraction() -> dict[str, Any]:
    from generation.llm_parse import excerpt, extract_json

    quarter, whole = "{" * 250_000, "{" * 1_000_000
    sets = [[5, 75, None, 8]] * 40
    answer = {"reasoning": ["r"], "program": {"exercises": [{"plan": sets}] * 100}}
    prose = "Here you go: {not json} " + json.dumps(answer) + " Enjoy {the} program."
    out: dict[str, Any] = {
        "braces_0_25_mb_ms": _median_ms(lambda: extract_json(quarter)),
        "braces_1_mb_ms": _median_ms(lambda: extract_json(whole)),
        "nested_200k_ms": _median_ms(lambda: extract_json('{"a": ' * 200_000)),
        "prose_answer_chars": len(prose),
        "prose_answer_ms": _median_ms(lambda: extract_json(prose)),
        "repair_excerpt_1_mb_chars": len(excerpt(whole, 4_000, around=500_000)),
    }
    out["ratio_1_to_0_25"] = round(out["braces_1_mb_ms"] / max(out["braces_0_25_mb_ms"], 0.1), 2)
    return out


def describe(figures: dict[str, Any]) -> str:
    return (
        f"Answer extraction: 1 MB of braces {figures['braces_1_mb_ms']} ms, 0.25 MB "
        f"{figures['braces_0_25_mb_ms']} ms (ratio {figures['ratio_1_to_0_25']}, linear ≈ 4); "
        f"200,000-deep nesting {figures['nested_200k_ms']} ms; a {figures['prose_answer_chars']:,}"
        f"-character answer in prose {figures['prose_answer_ms']} ms; the repair excerpt of "
        f"1 MB is {figures['repair_excerpt_1_mb_chars']:,} characters."
    )
