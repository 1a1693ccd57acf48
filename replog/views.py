"""Error pages in the app's own layout, saying what to do."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TooManyFieldsSent):
        message = (
            "The form sent more fields than the server accepts. Save in smaller parts: "
            "for a workout, log fewer sets at once and add the rest with Edit."
        )
    elif isinstance(exception, RequestDataTooBig):
        message = "The form sent more data than the server accepts; send less at once."
    else:
        message = "The request could not be read. Reload the page and try again."
    return render(request, "400.html", {"message": message}, status=400)
