from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from athletes.models import Athlete, Severity
from generation.models import SessionStrategy
from generation.session import services
from generation.session.plan import Readiness
from generation.session.present import describe_sets
from settings_app.registry import MUSCLE_GROUPS


def _between(low: int, high: int, what: str) -> Any:
    def parse(raw: str) -> int:
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number from {low} to {high}, not {raw!r}"
            )
        return int(raw)

    return parse


def parse_soreness(items: list[str]) -> dict[str, int]:
    soreness: dict[str, int] = {}
    for item in items:
        group, _, level = item.partition("=")
        if group not in MUSCLE_GROUPS:
            raise CommandError(
                f"--soreness {item!r}: {group!r} is not a muscle group "
                f"({', '.join(MUSCLE_GROUPS)})."
            )
        if not level.isdigit() or not 1 <= int(level) <= 10:
            raise CommandError(f"--soreness {item!r}: the level must be 1 to 10 (GROUP=N).")
        soreness[group] = int(level)
    return soreness


class Command(BaseCommand):
    help = (
        "Print an athlete's prescription for the day and the adjusted session with its "
        "rationale. Records nothing unless --save."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--athlete", type=int, required=True, metavar="ID")
        parser.add_argument("--date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
        parser.add_argument("--sleep", type=_between(1, 5, "sleep"), metavar="1-5")
        parser.add_argument("--energy", type=_between(1, 5, "energy"), metavar="1-5")
        parser.add_argument(
            "--soreness", nargs="+", action="extend", default=[], metavar="GROUP=1-10"
        )
        parser.add_argument("--minutes", type=_between(5, 300, "minutes"), metavar="N")
        parser.add_argument("--pain", default="", metavar="TEXT", help="where it hurts")
        parser.add_argument("--pain-severity", choices=Severity.values, default="moderate")
        parser.add_argument("--illness", default="", metavar="TEXT")
        parser.add_argument("--illness-severity", choices=Severity.values, default="moderate")
        parser.add_argument("--strategy", choices=SessionStrategy.values)
        parser.add_argument("--json", action="store_true", dest="as_json")
        parser.add_argument("--save", action="store_true", help="record check-in and suggestion")

    def handle(self, *args: Any, **opts: Any) -> None:
        athlete = Athlete.objects.filter(pk=opts["athlete"]).first()
        if athlete is None:
            raise CommandError(f"--athlete {opts['athlete']}: no athlete has this id.")
        readiness = Readiness(
            sleep=opts["sleep"],
            energy=opts["energy"],
            soreness=parse_soreness(opts["soreness"]),
            minutes=opts["minutes"],
            pain=opts["pain_severity"] if opts["pain"] else "",
            pain_note=opts["pain"][:500],
            illness=opts["illness_severity"] if opts["illness"] else "",
            illness_note=opts["illness"][:500],
        )
        today = opts["date"] or timezone.localdate()
        adjustment = services.session_adjust(
            athlete=athlete, readiness=readiness, today=today, strategy=opts["strategy"]
        )
        if opts["save"]:
            services.check_in_save(athlete=athlete, date=today, readiness=readiness, by=None)
            services.session_adjustment_record(athlete=athlete, adjustment=adjustment, by=None)
        if opts["as_json"]:
            self.stdout.write(json.dumps(adjustment.as_json(), indent=2))
            return
        self.stdout.write(self._text(athlete, adjustment))

    def _text(self, athlete: Athlete, adjustment: services.Adjustment) -> str:
        data = adjustment.as_json()
        lines = [f"{athlete.name} · {data['date']} · {data['position'] or 'no program'}"]
        lines.append(f"Strategy: {data['strategy']}")
        if data["fallback_reason"]:
            lines.append(f"Fallback: {data['fallback_reason']}")
        for e in data["exercises"]:
            after = "skipped" if e["skipped"] else describe_sets(e["adjusted"])
            lines.append(f"  {e['name']}: {describe_sets(e['prescribed'])} → {after}")
        lines += [f"  · {line}" for line in data["rationale"]] or ["  (no change)"]
        lines += [f"  ! {line}" for line in data["warnings"]]
        return "\n".join(lines)
