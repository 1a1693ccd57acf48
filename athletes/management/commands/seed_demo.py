"""`manage.py seed_demo`: the demo logins and the coach's story athletes. Safe to re-run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from athletes.demo import DemoDataError, demo_seed
from programs.catalog.seed import SeedError


class Command(BaseCommand):
    help = (
        "Load the seed catalog if the catalog is empty, then create the demo admin, coaches and "
        "athletes with three months of history relative to today. Existing demo athletes are "
        "left as they are, so re-running is safe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Build the story as of this date (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = demo_seed(today=options["today"])
        except (DemoDataError, SeedError) as exc:
            raise CommandError(str(exc)) from exc

        out = self.stdout
        if summary.catalog_loaded:
            out.write("Seed catalog loaded.")
        if summary.created:
            out.write(self.style.SUCCESS("Created: " + ", ".join(summary.created)))
        if summary.kept:
            out.write("Already there (left unchanged): " + ", ".join(summary.kept))
        out.write("Totals: " + ", ".join(f"{n} {what}" for what, n in summary.counts.items()))
        out.write("")
        out.write(f"Demo logins (password for all: {summary.password}):")
        for login in summary.logins:
            out.write(f"  {login.username:<8} {login.role:<8} {login.who}")
