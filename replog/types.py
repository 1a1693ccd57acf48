from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from athletes.models import User


class AuthedRequest(HttpRequest):
    """A request that passed login_required: `user` is our User and htmx details are attached."""

    user: User
    htmx: HtmxDetails
