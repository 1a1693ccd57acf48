"""Project-wide request hooks: private pages are never cached, every 403 is one INFO line."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

Handler = Callable[[HttpRequest], HttpResponse]

forbidden_logger = logging.getLogger("replog.forbidden")


def private_pages(get_response: Handler) -> Handler:
    """A signed-in user's pages show private notes and athletes' data: no shared cache (a proxy)
    and no disk cache (a shared computer's browser) may keep them."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware


def forbidden_log(get_response: Handler) -> Handler:
    """One line per 403 — who asked for what — whatever refused it (a view, PermissionDenied,
    CSRF). A 403 is an expected answer to a wrong link, not an error with a traceback."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            who = user.get_username() if user is not None and user.is_authenticated else "-"
            forbidden_logger.info("403 user=%s %s %s", who, request.method, request.path)
        return response

    return middleware


class Not403(logging.Filter):
    """Drops Django's own records of a 403 (WARNING, with a traceback for PermissionDenied)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 403


def client_ip(request: HttpRequest) -> str | None:
    """The address django-axes locks, trusting only as many X-Forwarded-For hops as proxies."""
    proxies = int(getattr(settings, "REPLOG_PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    if proxies and len(hops) >= proxies:
        return hops[-proxies]
    remote = request.META.get("REMOTE_ADDR")
    return str(remote) if remote else None
