"""The labelled matcher benchmark: (name as people write it, expected exercise or NONE) pairs
run against the catalog in the database.

Two figures: the precision of automatic mappings (of the names mapped without a coach, the share
mapped to the right exercise — a wrong one silently turns one exercise into another) and the
recall at one (of the names the catalog has, the share found automatically or offered as the
first suggestion). Run by a test (tests/programs/test_matcher_benchmark.py) and `make bench`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from programs.catalog.matching.names import Proposal, Thresholds, database_indexes, match_names

NONE = "NONE"


@dataclass(frozen=True)
class Pair:
    line: int
    name: str
    expected: str | None  # None: not in the catalog, must never be mapped


def read_pairs(path: Path) -> list[Pair]:
    """`name<TAB>expected` lines; blank lines and `#` comments are skipped."""
    pairs = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = raw.split("\t")
        if len(fields) != 2 or not all(f.strip() for f in fields):
            raise ValueError(f"{path.name} line {number}: expected 'name<TAB>exercise or NONE'")
        name, expected = (f.strip() for f in fields)
        pairs.append(Pair(number, name, None if expected == NONE else expected))
    return pairs


@dataclass
class BenchmarkResult:
    pairs: int = 0
    automatic: int = 0
    correct_automatic: int = 0
    positives: int = 0
    found: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct_automatic / self.automatic if self.automatic else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 1.0

    def summary(self) -> str:
        return (
            f"{self.pairs} names: precision of automatic mappings {self.precision:.3f} "
            f"({self.correct_automatic}/{self.automatic}), recall@1 {self.recall:.3f} "
            f"({self.found}/{self.positives}), {len(self.misses)} misses"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "pairs": self.pairs,
            "precision": round(self.precision, 4),
            "recall_at_1": round(self.recall, 4),
            "automatic": self.automatic,
            "positives": self.positives,
            "misses": list(self.misses),
        }


def _describe(pair: Pair, proposal: Proposal) -> str:
    got = proposal.best.name if proposal.best else "nothing"
    how = "mapped to" if proposal.mapped else "suggested"
    return f"line {pair.line}: {pair.name!r} → {how} {got!r}, expected {pair.expected or NONE!r}"


def _score(result: BenchmarkResult, pair: Pair, proposal: Proposal) -> None:
    got = proposal.best.name if proposal.best else None
    right = got is not None and got == pair.expected
    result.automatic += proposal.mapped
    result.correct_automatic += proposal.mapped and right
    if pair.expected is not None:
        result.positives += 1
        result.found += right
    if (proposal.mapped and not right) or (pair.expected is not None and not right):
        result.misses.append(_describe(pair, proposal))


def run_benchmark(
    pairs: Sequence[Pair], *, thresholds: Thresholds | None = None
) -> BenchmarkResult:
    """Raises ValueError when an expected exercise is not in the catalog (a typo in the pairs
    would otherwise count against the matcher)."""
    known = {name.casefold() for name in database_indexes()["exercise"].display.values()}
    unknown = [p for p in pairs if p.expected and p.expected.casefold() not in known]
    if unknown:
        shown = ", ".join(f"line {p.line}: {p.expected!r}" for p in unknown[:5])
        raise ValueError(f"expected exercises not in the catalog: {shown}")
    result = BenchmarkResult(pairs=len(pairs))
    proposals = match_names([p.name for p in pairs], thresholds=thresholds)
    for pair, proposal in zip(pairs, proposals, strict=True):
        _score(result, pair, proposal)
    return result
