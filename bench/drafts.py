"""`make bench`, the drafts part: the scenario suite (tests/generation/scenarios.py and the demo
story) through both engines, each draft held to the draft checker and the hard constraints.

    .venv/bin/python bench/drafts.py

The LLM engine runs through the real LiteLLM client against the fake OpenAI-compatible server of
tests/fakes/, on 127.0.0.1, which answers each scenario with a scripted draft: the rules engine's
sets and reasoning in the model's compact format, as a model following the prompt would write
them. Figures per athlete and engine: stated changes checked, mismatches, flags and notes
answered, hard-constraint errors, and whether the constraints had to change the draft. Prints a
table and writes bench/results/drafts.json.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import open_throwaway  # noqa: E402

RESULTS = ROOT / "bench" / "results"
COLUMNS = ("athlete", "engine", "checked", "mismatches", "answered", "hard errors", "changed")


def measure(packet: Any, request: Any, draft: Any) -> dict[str, Any]:
    from generation.checker import check_draft
    from generation.checker.answers import topics
    from generation.constraints import enforce

    report = check_draft(
        catalog=draft.catalog,
        reasoning=draft.reasoning,
        packet=packet,
        directions=request.coach_directions,
        decisions=draft.decisions or None,
    )
    wanted = len(topics(packet, request.coach_directions))
    result = enforce(draft.catalog, packet, request)
    return {
        "checked": report.checked,
        "mismatches": len(report.mismatches),
        "answered": f"{wanted - len(report.unanswered)}/{wanted}",
        "hard errors": len(result.errors),
        "changed": "yes" if result.catalog != draft.catalog else "no",
        "fallback": draft.fallback_reason,
        "problems": report.mismatches + [t.label for t in report.unanswered],
    }


def cases() -> list[tuple[str, Any, Any]]:
    from athletes.demo import demo_seed
    from athletes.models import Athlete, User
    from generation.engines.base import GenerationRequest
    from generation.packet import build_packet
    from tests.generation.scenarios import SCENARIOS, TODAY

    demo_seed(today=TODAY)
    coach = User.objects.filter(role="coach").order_by("pk").first()
    assert coach is not None
    out = []
    for name in ("Tommy Carter", "Sarah Carter"):
        packet = build_packet(Athlete.objects.get(name=name), today=TODAY)
        out.append((name, packet, GenerationRequest("Month 4", days_per_week=4, weeks=4)))
    out += [(s.name, s.build(coach), s.generation_request()) for s in SCENARIOS]
    return out


def run() -> list[dict[str, Any]]:
    from generation.engines.llm_engine import LLMEngine
    from generation.engines.rules import RulesEngine
    from tests.fakes.openai_server import FakeLLMServer, FakeReply
    from tests.generation.data.compact import compact_answer

    server = FakeLLMServer().start()
    os.environ.update({
        "REPLOG_LLM_PROVIDER": "openai_compatible", "REPLOG_LLM_MODEL": "fake-model",
        "REPLOG_LLM_BASE_URL": server.openai_base_url, "REPLOG_LLM_API_KEY": "",
        "REPLOG_LLM_MAX_RETRIES": "0", "REPLOG_GENERATION_REQUESTS_PER_MINUTE": "100000",
    })  # fmt: skip
    rows = []
    try:
        for name, packet, request in cases():
            rules = RulesEngine().generate(packet, request)
            rows.append({"athlete": name, "engine": "rules", **measure(packet, request, rules)})
            program = rules.catalog["programs"][0]
            server.queue(FakeReply.json(compact_answer(rules.reasoning, program)))
            llm = LLMEngine().generate(packet, request)
            rows.append({"athlete": name, "engine": "llm", **measure(packet, request, llm)})
    finally:
        server.stop()
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in COLUMNS]
    print("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)))
    for r in rows:
        print("  ".join(str(r[c]).ljust(w) for c, w in zip(COLUMNS, widths, strict=True)))
        for problem in r["problems"]:
            print(f"    ! {problem}")
    clean = sum(1 for r in rows if not r["mismatches"] and not r["problems"])
    print(f"\n{clean}/{len(rows)} drafts pass the checker (stated changes match, flags answered).")


def main() -> int:
    with open_throwaway(name="replog_bench_drafts", seed_catalog=False):
        rows = run()
    print_table(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "drafts.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    return 0 if all(not r["problems"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
