"""Catalog files kept after an upload that made no draft, so that the coach does not have to
choose the file again (a browser never refills a file input)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from programs.models import KeptUpload

# A kept file is for the next try, not for later: older ones are not offered and are removed
# whenever a file is kept.
KEPT_FOR = dt.timedelta(days=1)


def upload_keep(*, by: Any, filename: str, data: bytes) -> KeptUpload:
    """Keep `data` as `by`'s file, replacing the one kept before."""
    now = timezone.now()
    KeptUpload.objects.filter(created_at__lt=now - KEPT_FOR).delete()
    kept, _ = KeptUpload.objects.update_or_create(
        created_by=by, defaults={"filename": filename[:255], "data": data, "created_at": now}
    )
    return kept


def upload_kept(*, by: Any, pk: Any) -> KeptUpload | None:
    """`by`'s kept file if `pk` names it; anyone else's is never found."""
    if not pk or not getattr(by, "pk", None):
        return None
    fresh = timezone.now() - KEPT_FOR
    return KeptUpload.objects.filter(pk=pk, created_by=by, created_at__gte=fresh).first()


def upload_forget(*, by: Any) -> None:
    KeptUpload.objects.filter(created_by=by).delete()
