from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from settings_app.forms import CategoryForm
from settings_app.selectors import (
    CategoryState,
    category_describe,
    recent_changes,
    secrets_can_be_stored,
    settings_describe,
)
from settings_app.services import SettingsInvalid, settings_bulk_update

V = TypeVar("V", bound=Callable[..., HttpResponse])

PAGE = "settings_app/page.html"


def staff_required(view: V) -> V:
    """Logged in (else the login page) and staff (else 403). Local to this app so settings_app
    depends on none of ours; it matches athletes.access.admin_required."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_active and (user.is_staff or user.is_superuser)):
            raise PermissionDenied("Admins only.")
        return view(request, *args, **kwargs)

    return login_required(wrapper)  # type: ignore[return-value]


@dataclass
class Section:
    category: CategoryState
    form: CategoryForm
    saved: list[str] | None = None  # None: not just saved; []: saved, nothing changed
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def saved_labels(self) -> list[str]:
        return [self.labels.get(key, key) for key in self.saved or []]


def _section(category: CategoryState) -> Section:
    labels = {s.key: s.setting.label for s in category.settings}
    return Section(category=category, form=CategoryForm(category), labels=labels)


def _page_context(sections: list[Section]) -> dict[str, object]:
    return {
        "sections": sections,
        "secrets_ok": secrets_can_be_stored(),
        "changes": recent_changes(),
    }


@require_GET
@staff_required
def page(request: HttpRequest) -> HttpResponse:
    sections = [_section(category) for category in settings_describe()]
    return render(request, PAGE, _page_context(sections))


@require_POST
@staff_required
def save(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        category = category_describe(slug)
    except KeyError:
        raise Http404("No such settings category") from None
    form = CategoryForm(category, data=request.POST)
    form.is_valid()  # every field is optional text or a checkbox: this only parses
    htmx = bool(getattr(request, "htmx", False))
    try:
        changed = settings_bulk_update(category=slug, data=form.raw_values(), by=request.user)  # type: ignore[arg-type]
    except SettingsInvalid as exc:
        form.show_errors(exc.errors)
        section = Section(category=category, form=form)
        if htmx:
            # 422, like every form of the app: base.html tells htmx to swap it in.
            return render(request, f"{PAGE}#section", {"section": section}, status=422)
        sections = [
            section if other.slug == slug else _section(other) for other in settings_describe()
        ]
        return render(request, PAGE, _page_context(sections), status=422)
    if htmx:
        section = _section(category_describe(slug))
        section.saved = changed
        return render(request, f"{PAGE}#section", {"section": section})
    if changed:
        messages.success(request, f"Saved {category.name} settings.")
    else:
        messages.info(request, f"No changes to the {category.name} settings.")
    return HttpResponseRedirect(reverse("settings_app:page") + f"#settings-{slug}")
