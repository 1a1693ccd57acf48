from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from athletes.models import Athlete
from generation.engines.base import EngineChoice
from generation.models import GenerationRun, RunStatus
from generation.running.plan import PlanError, settings_from_options
from generation.running.services import running_plan_request
from generation.runs.execute import generation_execute
from generation.runs.states import GenerationError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Draft a running plan for one athlete: an ordinary generation run (a draft waiting for "
        "the coach's review). With --json, print the plan as CatalogJSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--athlete", type=int, required=True, metavar="ID")
        parser.add_argument(
            "--race", choices=["5k", "10k", "half", "marathon", "none"], required=True
        )
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument("--date", type=_date, help="race date, YYYY-MM-DD")
        when.add_argument("--weeks", type=int, help="number of weeks")
        parser.add_argument("--days", type=int, required=True, help="runs per week")
        parser.add_argument("--preferred", help="weekdays, e.g. mon,wed,sat")
        parser.add_argument("--long-run", dest="long_run", help="long-run weekday, e.g. sun")
        parser.add_argument("--no-speedwork", action="store_true")
        parser.add_argument("--cross-training", action="store_true")
        parser.add_argument("--start", type=_date, help="start date (default: today)")
        parser.add_argument("--engine", choices=["rules", "llm"], default="rules")
        parser.add_argument("--name", default="", help="plan name (default: from the race)")
        parser.add_argument("--json", action="store_true", help="print the plan as CatalogJSON")

    def handle(self, *args: Any, **options: Any) -> None:
        athlete = Athlete.objects.filter(pk=options["athlete"]).first()
        if athlete is None:
            raise CommandError(f"No athlete with id {options['athlete']}.")
        try:
            settings = settings_from_options(options, today=timezone.localdate())
            run = running_plan_request(
                athlete=athlete,
                settings=settings,
                by=None,
                name=options["name"],
                engine=EngineChoice(options["engine"]),
                enforce_rate_limit=False,
            )
        except (PlanError, GenerationError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from None
        generation_execute(run_id=run.pk)
        run.refresh_from_db()
        if run.status != RunStatus.READY:
            raise CommandError(f"Run #{run.pk} {run.status}: {run.error_message}")
        if options["json"]:
            self.stdout.write(json.dumps(run.draft, indent=2, ensure_ascii=False))
            return
        self._summary(run)

    def _summary(self, run: GenerationRun) -> None:
        program = (run.draft or {})["programs"][0]
        self.stdout.write(f"Run #{run.pk}: “{program['name']}” ready for review.")
        totals: dict[int, int] = {}
        for row in program["prescribed_sets"]:
            totals[row["week"]] = totals.get(row["week"], 0) + int(row["reps"])
        for week in program["weeks"]:
            km = totals.get(week["week"], 0) / 1000
            self.stdout.write(f"  week {week['week']:>2}  {week['week_type']:<8} {km:6.1f} km")
        for warning in run.warnings:
            self.stdout.write(f"Warning: {warning['message']}")
        if run.fallback_reason:
            self.stdout.write(run.fallback_reason)
