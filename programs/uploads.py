"""Catalog files kept after an upload that made no draft, so that the coach does not have to
choose the file again (a browser never refills a file input)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from programs.models import KeptUpload


def upload_keep(*, by: Any, filename: str, data: bytes) -> KeptUpload:
    """Keep `data` as `by`'s file, replacing the one kept before."""
    with transaction.atomic():
        kept, _ = KeptUpload.objects.update_or_create(
            created_by=by,
            defaults={"filename": filename[:255], "data": data, "created_at": timezone.now()},
        )
    return kept


def upload_kept(*, by: Any, pk: Any) -> KeptUpload | None:
    """`by`'s kept file if `pk` names it; anyone else's is never found."""
    if not pk or not getattr(by, "pk", None):
        return None
    return KeptUpload.objects.filter(pk=pk, created_by=by).first()


def upload_forget(*, by: Any) -> None:
    KeptUpload.objects.filter(created_by=by).delete()
