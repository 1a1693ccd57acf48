from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models.functions import Lower

from programs.catalog.export import catalog_export, dumps
from programs.models import ProgramTemplate


class Command(BaseCommand):
    help = "Export the global catalog (or one program, or a coach's library) as CatalogJSON 1.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", help="export only the program with this name")
        parser.add_argument("--program-id", type=int, help="export only the program with this id")
        parser.add_argument("--library", metavar="COACH", help="export this coach's library")
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        programs: list[Any] | None = None
        if options["library"]:
            programs = list(
                ProgramTemplate.objects.filter(
                    owner__isnull=True, coach__username=options["library"]
                ).order_by("name")
            )
            if not programs:
                raise CommandError(f"{options['library']!r} has no program in their library.")
        elif options["program_id"] is not None:
            programs = list(ProgramTemplate.objects.filter(pk=options["program_id"]))
            if not programs:
                raise CommandError(f"No program with id {options['program_id']}.")
        elif options["program"]:
            name = options["program"].strip()
            matches = list(
                ProgramTemplate.objects.annotate(lname=Lower("name"))
                .filter(lname=name.lower())
                .select_related("owner", "coach")
                .order_by("owner_id")
            )
            global_ = [p for p in matches if p.is_global]
            if global_:
                programs = global_[:1]
            elif len(matches) == 1:
                programs = matches
            elif not matches:
                raise CommandError(f"No program named {name!r}.")
            else:
                listed = ", ".join(f"{p.pk} ({_whose(p)})" for p in matches)
                raise CommandError(
                    f"{len(matches)} programs are named {name!r}: use --program-id "
                    f"with one of {listed}."
                )
        text = dumps(catalog_export(programs=programs))
        if options["output"]:
            try:
                Path(options["output"]).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot write {options['output']}: {exc.strerror}") from exc
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")


def _whose(program: ProgramTemplate) -> str:
    if program.owner_id is not None:
        return str(program.owner)
    return f"{program.coach}'s library" if program.coach_id is not None else "global"
