"""The seed catalog: loaded through the one import service when the catalog is empty."""

from __future__ import annotations

import logging
from pathlib import Path

from programs.catalog.matching import propose_mapping
from programs.catalog.parse import parse_catalog
from programs.models import Equipment, Exercise, ProgramTemplate, global_programs
from programs.services import CatalogImportError, ImportResult, catalog_import

logger = logging.getLogger(__name__)

SEED_PATH = Path(__file__).resolve().parent.parent / "seed" / "catalog.json"


class SeedError(Exception):
    pass


def catalog_is_empty() -> bool:
    return not (
        Exercise.objects.exists()
        or Equipment.objects.exists()
        or ProgramTemplate.objects.filter(global_programs()).exists()
    )


def seed_catalog_load(*, path: Path | None = None) -> ImportResult | None:
    """Load the seed catalog when the catalog is empty (idempotent: otherwise nothing happens).
    Returns the import result, or None when there was nothing to do; raises SeedError with a
    clear message when the file is missing or invalid."""
    path = path or SEED_PATH
    if not catalog_is_empty():
        logger.info("Seed catalog not loaded: the catalog already has entries.")
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"Seed catalog {path} cannot be read: {exc.strerror or exc}") from exc
    parsed = parse_catalog(raw)
    if not parsed.ok or parsed.catalog is None:
        shown = "; ".join(str(i) for i in parsed.errors[:10])
        raise SeedError(f"Seed catalog {path} is invalid: {shown}")
    decisions = propose_mapping(parsed.catalog).decide()
    if not decisions.complete:
        raise SeedError(
            f"Seed catalog {path} is not self-contained: " + "; ".join(decisions.unresolved[:10])
        )
    try:
        result = catalog_import(catalog=parsed.catalog, mapping=decisions)
    except CatalogImportError as exc:
        raise SeedError(f"Seed catalog {path} could not be imported: {exc}") from exc
    return result
