from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.catalog.seed import SeedError, catalog_is_empty, seed_catalog_load


class Command(BaseCommand):
    help = "Load the seed catalog (programs/seed/catalog.json) if the catalog is empty."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path", help="another CatalogJSON file (default: programs/seed/catalog.json)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not catalog_is_empty():
            self.stdout.write("The catalog already has entries; the seed catalog was not loaded.")
            return
        try:
            path = Path(options["path"]) if options["path"] else None
            result = seed_catalog_load(path=path)
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        if result is not None:
            for line in result.lines():
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS("Seed catalog loaded."))
