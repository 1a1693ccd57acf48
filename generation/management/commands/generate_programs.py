from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import time
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from athletes.models import AthleteTier, User
from generation import batch
from generation.batch import BatchError, Item, Progress
from generation.engines.base import EngineChoice
from generation.models import GenerationRun
from generation.running.plan import RACE_LABELS, PlanError, settings_from_options
from generation.running.services import running_exercises_ensure


class Command(BaseCommand):
    help = (
        "Draft the next program of many athletes at once. Each athlete gets an ordinary "
        "generation run (a draft waiting for the coach's review; nothing is approved). The runs "
        "are queued for the background workers; with --wait this command also executes them, "
        "shows progress and ends with a table. Exits 1 when any run failed or any athlete "
        "could not be queued."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        pick = parser.add_argument_group("which athletes (filters combine)")
        pick.add_argument(
            "--athlete",
            dest="athlete_ids",
            type=int,
            nargs="+",
            action="extend",
            default=[],
            metavar="ID",
        )
        pick.add_argument("--coach", metavar="USERNAME", help="athletes coached by this user")
        pick.add_argument("--tier", choices=AthleteTier.values)
        pick.add_argument(
            "--all-active", action="store_true", help="athletes with an active primary program"
        )
        pick.add_argument(
            "--batch",
            metavar="BATCH_ID",
            help="an earlier batch: show it (and with --wait, finish its queued runs)",
        )
        pick.add_argument(
            "--retry-failed",
            action="store_true",
            help="with --batch: request again for every athlete whose run failed",
        )

        what = parser.add_argument_group("what to generate")
        what.add_argument(
            "--name-template",
            default=batch.DEFAULT_NAME_TEMPLATE,
            help="program name; placeholders {current_next} (the current program's name, "
            "incremented: Month 3 → Month 4), {athlete}, {date}. Default: {current_next}",
        )
        what.add_argument("--engine", choices=[c.value for c in EngineChoice], default="auto")
        what.add_argument("--days", type=int, help="days per week (default: as now)")
        what.add_argument("--weeks", type=int, help="weeks (default: as now)")
        what.add_argument(
            "--loop",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="a loop (repeats) or a fixed block (default: as now)",
        )
        what.add_argument(
            "--by",
            metavar="USERNAME",
            help="who requests the runs (default: each athlete's coach)",
        )
        what.add_argument(
            "--enforce-coach-limit",
            action="store_true",
            help="apply the per-coach hourly generation limit as the Generate page does",
        )

        running = parser.add_argument_group(
            "a running plan instead (with --days and --weeks; see manage.py running_plan)"
        )
        running.add_argument("--running", choices=list(RACE_LABELS), metavar="RACE")
        running.add_argument("--race-date", dest="date", type=dt.date.fromisoformat)
        running.add_argument("--preferred", help="weekdays, e.g. mon,wed,sat")
        running.add_argument("--long-run", dest="long_run", help="e.g. sun")
        running.add_argument("--no-speedwork", action="store_true")
        running.add_argument("--start", type=dt.date.fromisoformat, help="default: today")

        how = parser.add_argument_group("how")
        how.add_argument(
            "--concurrency",
            type=int,
            help="runs executed at once with --wait (capped by generation.max_concurrency)",
        )
        how.add_argument(
            "--processes",
            type=int,
            help="with --wait: fork this many processes to share the concurrency (threads of "
            "one process share one interpreter lock; packet assembly and checks are CPU work). "
            "Default: one per run at once, up to 32; 1 on in-memory SQLite",
        )
        how.add_argument(
            "--dry-run",
            action="store_true",
            help="show what would be generated and each packet's size; create and call nothing",
        )
        how.add_argument(
            "--wait", action="store_true", help="execute here too and wait until all are done"
        )
        how.add_argument(
            "--poll-interval", type=float, default=0.5, help=argparse.SUPPRESS
        )  # tests

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._handle(options)
        except BatchError as exc:
            raise CommandError(exc.message) from None

    # -----------------------------------------------------------------------------------------

    def _say(self, text: str = "") -> None:
        self.stdout.write(text)

    def _handle(self, options: dict[str, Any]) -> None:
        selecting = (
            options["athlete_ids"] or options["coach"] or options["tier"] or options["all_active"]
        )
        if options["batch"] and selecting:
            raise BatchError("--batch shows an earlier batch; it does not combine with filters.")
        if options["retry_failed"] and not options["batch"]:
            raise BatchError("--retry-failed needs --batch BATCH_ID.")
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise BatchError(f"No user named “{options['by']}” (--by takes a username).")
        concurrency, capped = batch.effective_concurrency(options["concurrency"])
        if capped:
            self._say(capped)
        if options["processes"] is None:
            options["processes"] = batch.auto_processes(concurrency)
        elif options["processes"] < 1:
            raise BatchError("--processes must be at least 1.")
        options["processes"] = min(options["processes"], concurrency)
        if options["wait"] and not options["dry_run"]:
            batch.check_processes(options["processes"])
        if options["batch"]:
            self._existing_batch(options, concurrency=concurrency, by=by)
            return

        athletes = batch.select_athletes(
            athlete_ids=options["athlete_ids"],
            coach=options["coach"],
            tier=options["tier"],
            all_active=options["all_active"],
        )
        overrides = batch.Overrides(
            engine=EngineChoice(options["engine"]),
            days=options["days"],
            weeks=options["weeks"],
            is_loop=options["loop"],
        )
        if options["running"]:
            overrides = self._running(options, overrides)
        items = batch.plan_batch(
            athletes, name_template=options["name_template"], overrides=overrides
        )
        if not items:
            self._say("No athletes match the selection; nothing to do.")
            return
        if options["dry_run"]:
            self._dry_run(items)
            return

        batch_id = batch.new_batch_id()
        batch.create_runs(
            items,
            batch_id=batch_id,
            by=by,
            enforce_coach_limit=options["enforce_coach_limit"],
            concurrency=concurrency,
        )
        run_ids = [i.run_id for i in items if i.run_id is not None]
        refused = len(items) - len(run_ids)
        self._say(
            f"Batch {batch_id}: {len(run_ids)} run{'s' if len(run_ids) != 1 else ''} queued "
            f"for {len(items)} athlete{'s' if len(items) != 1 else ''}"
            + (f" ({refused} not queued: see the table)." if refused else ".")
        )
        self._finish(items, run_ids, batch_id=batch_id, options=options, concurrency=concurrency)

    def _running(self, options: dict[str, Any], overrides: batch.Overrides) -> batch.Overrides:
        """Every athlete gets the same running plan settings (their own logged runs set the
        distances); the plan's name follows the race unless --name-template says otherwise."""
        try:
            plan = settings_from_options(
                {**options, "race": options["running"]}, today=timezone.localdate()
            )
        except PlanError as exc:
            raise BatchError(exc.message) from None
        if options["name_template"] == batch.DEFAULT_NAME_TEMPLATE:
            options["name_template"] = f"{RACE_LABELS[plan.race].capitalize()} plan {{date}}"
        running_exercises_ensure()
        return dataclasses.replace(
            overrides,
            days=plan.days_per_week,
            weeks=plan.num_weeks,
            is_loop=False,
            running={"settings": plan.as_dict()},
        )

    def _existing_batch(
        self, options: dict[str, Any], *, concurrency: int, by: User | None
    ) -> None:
        batch_id = options["batch"]
        if not batch.batch_run_ids(batch_id):
            raise BatchError(f"No runs belong to batch “{batch_id}”.")
        items: list[Item] = []
        if options["retry_failed"]:
            items = batch.failed_items(batch_id)
            batch.create_runs(items, batch_id=batch_id, by=by, concurrency=concurrency)
            queued = sum(1 for i in items if i.run_id is not None)
            self._say(f"Batch {batch_id}: {queued} failed run{'s' if queued != 1 else ''} retried.")
        # Each athlete once: their latest run in the batch (a retry, when there is one).
        refused = [i for i in items if i.run_id is None]
        self._finish(
            refused,
            _latest_per_athlete(batch_id),
            batch_id=batch_id,
            options=options,
            concurrency=concurrency,
        )

    def _finish(
        self,
        items: Sequence[Item],
        run_ids: Sequence[int],
        *,
        batch_id: str,
        options: dict[str, Any],
        concurrency: int,
    ) -> None:
        started = time.monotonic()
        if options["wait"] and run_ids:
            names = dict(
                GenerationRun.objects.filter(pk__in=run_ids).values_list("pk", "athlete__name")
            )
            tty = self.stdout.isatty()

            def write(text: str) -> None:
                self.stdout.write(text, ending="")
                self.stdout.flush()

            progress = Progress(write=write, names=names, tty=tty)
            processes = options["processes"]
            self._say(
                f"Executing with {concurrency} thread{'s' if concurrency != 1 else ''}"
                + (f" in {processes} processes" if processes > 1 else "")
                + " (background workers may take some runs too)…"
            )
            try:
                batch.wait_for_runs(
                    run_ids,
                    concurrency=concurrency,
                    processes=processes,
                    progress=progress,
                    poll_s=max(0.01, float(options["poll_interval"])),
                )
            except KeyboardInterrupt:
                progress.close()
                raise CommandError(
                    f"Interrupted. Queued runs stay queued for the background workers; runs "
                    "that were executing here are marked failed once past their deadline "
                    f"(retry them with: manage.py generate_programs --batch {batch_id} "
                    "--retry-failed --wait).",
                    returncode=130,
                ) from None
        elif run_ids:
            self._say(
                "The background worker executes the runs (manage.py db_worker; `make run` starts "
                "one). Follow the batch with:\n"
                f"  manage.py generate_programs --batch {batch_id} --wait"
            )
        rows = batch.summary_rows(items, run_ids)
        self._say()
        self._say(batch.format_table(rows))
        self._say()
        self._say(batch.totals_line(rows, run_ids))
        if options["wait"] and run_ids:
            self._say(f"Wall time {time.monotonic() - started:.1f} s.")
        self._say("Drafts wait for review on each athlete's page (nothing was approved).")
        failed = sum(1 for r in rows if r.failed)
        refused = sum(1 for r in rows if r.refused)
        if failed or refused:
            problems = []
            if failed:
                problems.append(f"{failed} run{'s' if failed != 1 else ''} failed")
            if refused:
                problems.append(
                    f"{refused} athlete{'s' if refused != 1 else ''} could not be queued"
                )
            raise CommandError(f"Batch {batch_id}: {' and '.join(problems)}.", returncode=1)

    def _dry_run(self, items: Sequence[Item]) -> None:
        batch.preview_problems(items)
        batch.measure_packets(items)
        header = ("Athlete", "Program", "Engine", "Days", "Weeks", "Loop", "Packet tokens", "Note")
        cells = [header]
        for item in items:
            assert item.request is not None
            cells.append(
                (
                    item.athlete.name,
                    item.request.program_name,
                    item.engine,
                    str(item.request.days_per_week),
                    str(item.request.weeks),
                    "loop" if item.request.is_loop else "block",
                    f"{item.packet_tokens:,}" if item.packet_tokens is not None else "",
                    item.problem,
                )
            )
        widths = [max(len(row[c]) for row in cells) for c in range(len(header))]
        for n, row in enumerate(cells):
            self._say("  ".join(cell.ljust(widths[c]) for c, cell in enumerate(row)).rstrip())
            if n == 0:
                self._say("  ".join("-" * w for w in widths))
        would = sum(1 for i in items if not i.problem)
        self._say()
        self._say(
            f"Dry run: would queue {would} run{'s' if would != 1 else ''} for {len(items)} "
            f"athlete{'s' if len(items) != 1 else ''}"
            + (
                f"; {len(items) - would} would be refused (see Note)."
                if would < len(items)
                else "."
            )
        )
        summary = batch.token_summary(items)
        if summary:
            self._say(summary)
        self._say("Nothing was created and no generator was called.")


def _latest_per_athlete(batch_id: str) -> list[int]:
    latest: dict[int, int] = {}
    for pk, athlete_id in (
        GenerationRun.objects.filter(batch_id=batch_id).order_by("pk").values_list("pk", "athlete")
    ):
        latest[athlete_id] = pk
    return sorted(latest.values())
