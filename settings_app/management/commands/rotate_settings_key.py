from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from settings_app import crypto
from settings_app.services import RotationError, settings_rotate_key

OLD_KEY_ENV = "REPLOG_OLD_SECRET_KEY"


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret setting from an old REPLOG_SECRET_KEY to the current one. "
        "Run it with the new key in REPLOG_SECRET_KEY, after changing it. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--old-key",
            default=None,
            help=(
                f"The previous REPLOG_SECRET_KEY. Omit it to read {OLD_KEY_ENV} instead, which "
                "keeps the key out of the shell history and the process list."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        old_key = options["old_key"] or os.environ.get(OLD_KEY_ENV, "")
        if not old_key:
            raise CommandError(f"Give the previous key with --old-key or in {OLD_KEY_ENV}.")
        try:
            result = settings_rotate_key(old_key=old_key)
        except (RotationError, crypto.SecretKeyMissing) as exc:
            raise CommandError(str(exc)) from None
        message = f"Re-encrypted {result.reencrypted} secret setting(s) under the current key."
        if result.already_current:
            message += f" {result.already_current} already used the current key."
        self.stdout.write(self.style.SUCCESS(message))
