"""manage.py import_catalog FILE — the same checks, mapping and counts as the upload preview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F

from programs.access import catalog_owner, is_coach
from programs.catalog.matching import NEW
from programs.catalog.parse import LIMITS, parse_catalog
from programs.catalog.preview import build_preview
from programs.catalog.wording import size_over_limit
from programs.models import owned_by
from programs.services import CatalogImportError, catalog_import


class Command(BaseCommand):
    help = (
        "Import a CatalogJSON file (from this app or the original RepLog). Prints the errors, "
        "warnings and counts the preview page shows; exits non-zero on errors."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the CatalogJSON file ('-' for stdin)")
        parser.add_argument("--dry-run", action="store_true", help="check and map, write nothing")
        parser.add_argument(
            "--athlete", type=int, help="import the (single) program for this athlete id"
        )
        parser.add_argument(
            "--library",
            metavar="COACH",
            help="import the programs into this coach's library (their username)",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="OLD=NEW",
            help="map a name in the file to an existing exercise or equipment name (repeatable)",
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="create names that match nothing instead of stopping",
        )
        parser.add_argument(
            "--rename-clashes",
            action="store_true",
            help='import a program whose name is taken as "Name (2)"',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = self._read(options["file"])
        parsed = parse_catalog(raw)
        for issue in parsed.issues:
            style = self.style.ERROR if issue.is_error else self.style.WARNING
            self.stdout.write(style(f"{issue.level}: {issue}"))
        if not parsed.ok or parsed.catalog is None or parsed.data is None:
            raise CommandError(f"{len(parsed.errors)} error(s): nothing imported.")

        athlete = None
        if options["athlete"] is not None:
            model = apps.get_model("athletes", "Athlete")
            athlete = model.objects.filter(pk=options["athlete"]).first()
            if athlete is None:
                raise CommandError(f"No athlete with id {options['athlete']}.")
            if len(parsed.catalog.programs) != 1:
                raise CommandError(
                    "An import for one athlete must hold exactly one program; this file has "
                    f"{len(parsed.catalog.programs)}."
                )

        coach = self._coach(options["library"]) if options["library"] else None
        if coach is not None and athlete is not None:
            raise CommandError("Use --athlete or --library, not both.")
        owner_id = catalog_owner(athlete=athlete, library_coach=coach)
        overrides = self._overrides(parsed.data, options["map"], owner_id)
        preview = build_preview(
            data=parsed.data,
            overrides=overrides,
            stored_warnings=[w.as_dict() for w in parsed.warnings],
            athlete_id=getattr(athlete, "pk", None),
            library_coach_id=getattr(coach, "pk", None),
            create_missing=options["create_missing"],
            rename_clashes=options["rename_clashes"],
        )
        for line in preview.lines():
            self.stdout.write(line)
        if preview.unresolved:
            for problem in preview.unresolved:
                self.stdout.write(self.style.ERROR(f"unresolved: {problem}"))
            raise CommandError(
                f"{len(preview.unresolved)} unresolved name(s): use --map OLD=NEW, "
                "--create-missing or --rename-clashes."
            )
        if options["dry_run"]:
            self.stdout.write(
                self.style.SUCCESS("Dry run: the file is valid; nothing was written.")
            )
            return
        try:
            result = catalog_import(
                catalog=preview.catalog,
                mapping=preview.decisions,
                athlete=athlete,
                library_coach=coach,
            )
        except CatalogImportError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Imported."))

    def _coach(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not is_coach(user):
            raise CommandError(f"No active coach with the username {username!r}.")
        return user

    def _read(self, name: str) -> bytes:
        if name == "-":
            import sys

            data = sys.stdin.buffer.read(LIMITS.max_bytes + 1)
            return data
        path = Path(name)
        try:
            size = path.stat().st_size
            if size > LIMITS.max_bytes:
                raise CommandError(f"{path} {size_over_limit(size, LIMITS.max_bytes)}.")
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc

    def _overrides(
        self, data: dict[str, Any], pairs: list[str], owner_id: int | None
    ) -> dict[str, Any]:
        if not pairs:
            return {}
        exercise_model = apps.get_model("programs", "Exercise")
        equipment_model = apps.get_model("programs", "Equipment")
        declared = {
            "exercise": {e["name"].casefold() for e in data.get("exercises", [])},
            "equipment": {e["name"].casefold() for e in data.get("equipment", [])},
        }
        overrides: dict[str, dict[str, str]] = {"exercise": {}, "equipment": {}}
        for pair in pairs:
            old, sep, new = pair.partition("=")
            old, new = old.strip(), new.strip()
            if not sep or not old or not new:
                raise CommandError(f"--map {pair!r}: write it as OLD=NEW")
            if new.casefold() == "new":
                overrides["exercise"][old.casefold()] = NEW
                overrides["equipment"][old.casefold()] = NEW
                continue
            found = False
            for kind, model in (("exercise", exercise_model), ("equipment", equipment_model)):
                # Only a row this import may use: global, or the athlete's coach's own.
                usable = model.objects.filter(owned_by(owner_id), name__iexact=new)
                row = usable.order_by(F("owner_id").asc(nulls_last=True)).first()
                if row is not None:
                    overrides[kind][old.casefold()] = f"db:{row.pk}"
                    found = True
                elif new.casefold() in declared[kind]:
                    overrides[kind][old.casefold()] = f"file:{new.casefold()}"
                    found = True
            if not found:
                raise CommandError(f"--map {pair!r}: no exercise or equipment named {new!r}")
        return overrides
