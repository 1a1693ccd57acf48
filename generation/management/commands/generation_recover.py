from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from generation.runs.execute import generation_recover_stuck


class Command(BaseCommand):
    help = "Mark generation runs stuck past their deadline as failed (worker stopped or timed out)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = generation_recover_stuck()
        self.stdout.write(f"{count} stuck run{'s' if count != 1 else ''} marked failed.")
