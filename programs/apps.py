from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate

logger = logging.getLogger(__name__)


def seed_after_migrate(sender: AppConfig, *, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """Load the seed catalog into an empty database after `migrate`. Never breaks migrate: a
    missing or invalid seed file is logged as an error and the migration still succeeds."""
    if not getattr(settings, "REPLOG_SEED_ON_MIGRATE", False) or using != DEFAULT_DB_ALIAS:
        return
    from programs.catalog.seed import SeedError, seed_catalog_load

    try:
        result = seed_catalog_load()
    except SeedError as exc:
        logger.error("%s", exc)
        return
    except Exception:
        logger.exception("Loading the seed catalog failed; the catalog is left as it was.")
        return
    if result is not None and kwargs.get("verbosity", 1) >= 1:
        stdout = kwargs.get("stdout")
        message = "Seed catalog loaded: " + "; ".join(result.lines())
        if stdout is not None:
            stdout.write(message + "\n")


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Catalog and programs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(seed_after_migrate, sender=self, dispatch_uid="programs.seed_catalog")
