"""The name matcher's section of `make bench` (`bench/run.py --matcher-only` runs it alone):
the labelled benchmark in tests/programs/matcher_benchmark.tsv against the seed catalog."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.harness import open_throwaway

MATCHER_PAIRS = (
    Path(__file__).resolve().parent.parent / "tests" / "programs" / "matcher_benchmark.tsv"
)


def matcher_benchmark() -> dict[str, Any]:
    """The labelled name-matcher benchmark against the seed catalog (loaded on migrate)."""
    from programs.catalog.matching.benchmark import read_pairs, run_benchmark

    started = time.perf_counter()
    result = run_benchmark(read_pairs(MATCHER_PAIRS))
    return {**result.as_dict(), "summary": result.summary(), "s": time.perf_counter() - started}


def print_matcher(matcher: dict[str, Any]) -> None:
    print(f"Name matcher: {matcher['summary']} ({matcher['s']:.2f} s).")
    for miss in matcher["misses"]:
        print(f"  miss: {miss}")


def matcher_only(database_url: str | None) -> int:
    with open_throwaway(database_url, name="replog_bench"):
        matcher = matcher_benchmark()
    print_matcher(matcher)
    return 0 if matcher["precision"] >= 0.99 and matcher["recall_at_1"] >= 0.95 else 1
