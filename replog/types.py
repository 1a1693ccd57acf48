from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # Typing only: the catalog uses this type too and must not load the logbook's models.
    from athletes.models import User


class AuthedRequest(HttpRequest):
    """A request that passed login_required: `user` is our User and htmx details are attached."""

    user: User
    htmx: HtmxDetails
