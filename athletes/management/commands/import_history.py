"""manage.py import_history --athlete ID FILE — the same service, checks and messages as the
athlete page's "Import history".

Names that match nothing stop the import with the list (as the page does) unless `--map` says
what they are or `--create-missing` creates them. The athlete's coach's earlier choices in the
page are used, and choices made here are remembered for them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F

from athletes.history.detect import parse_history
from athletes.history.extras import installation_unit
from athletes.history.names import name_key
from athletes.history.rows import FORMATS, MAX_FILE_BYTES, HistoryFileError
from athletes.history.service import HistoryImportError, history_import
from athletes.models import Athlete
from programs.catalog.matching import NEW
from programs.models import Exercise, owned_by


class Command(BaseCommand):
    help = (
        "Import workout history (Strong CSV, Hevy CSV or a RepLog athlete JSON export) for one "
        "athlete. Prints every problem with its row and column, then a summary line; exits 1 "
        "on errors, having written nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the exported file ('-' reads standard input)")
        parser.add_argument("--athlete", type=int, required=True, help="the athlete's id")
        parser.add_argument("--format", choices=FORMATS, help="default: detected from the file")
        policy = parser.add_mutually_exclusive_group()
        policy.add_argument(
            "--merge",
            dest="policy",
            action="store_const",
            const="merge",
            help="add a workout's sets to the workout already on its date (the default)",
        )
        policy.add_argument(
            "--separate",
            dest="policy",
            action="store_const",
            const="separate",
            help="keep an imported workout apart from the one already on its date",
        )
        parser.add_argument(
            "--unit",
            choices=("kg", "lbs"),
            help="the unit of a CSV's weights when the file does not say (Strong's classic "
            "export); default: this installation's unit",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="NAME=EXERCISE",
            help="map a name in the file to an existing exercise, or NAME=new (repeatable)",
        )
        parser.add_argument(
            "--create-missing", action="store_true", help="create names that match nothing"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        athlete = Athlete.objects.select_related("coach").filter(pk=options["athlete"]).first()
        if athlete is None:
            raise CommandError(f"No athlete with id {options['athlete']}.")
        try:
            parsed = parse_history(
                self._read(options["file"]),
                format=options["format"],
                unit=options["unit"] or installation_unit(),
            )
        except HistoryFileError as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = history_import(
                athlete=athlete,
                parsed=parsed,
                choices=self._choices(options["map"], athlete.coach_id),
                merge_policy=options["policy"] or "merge",
                by=athlete.coach,
                create_missing=options["create_missing"],
                dry_run=options["dry_run"],
            )
        except HistoryImportError as exc:
            for message in exc.messages:
                self.stderr.write(self.style.ERROR(f"error: {message}"))
            raise CommandError(f"{len(exc.messages)} error(s): nothing imported.") from exc
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        self.stdout.write(self.style.SUCCESS(result.summary()))

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        path = Path(name)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path} is over {MAX_FILE_BYTES // 1_048_576} MB.")
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc

    def _choices(self, pairs: list[str], coach_id: int | None) -> dict[str, str]:
        choices = {}
        for pair in pairs:
            old, sep, new = (part.strip() for part in pair.partition("="))
            if not sep or not old or not new:
                raise CommandError(f"--map {pair!r}: write it as NAME=EXERCISE")
            if new.casefold() == NEW:
                choices[name_key(old)] = NEW
                continue
            # The athlete's coach's own exercise first, then the global one of that name.
            visible = Exercise.objects.filter(owned_by(coach_id), name__iexact=new)
            row = visible.order_by(F("owner_id").asc(nulls_last=True)).first()
            if row is None:
                raise CommandError(f"--map {pair!r}: no exercise named {new!r}")
            choices[name_key(old)] = f"db:{row.pk}"
        return choices
