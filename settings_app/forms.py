"""One form per settings category, built from the registry. Validation lives in the services
(registry.coerce and the cross-checks), so the page, commands and tests share one set of rules;
the form only parses the POST and renders typed inputs with their bounds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from settings_app.registry import Kind, Setting
from settings_app.selectors import CategoryState, SettingState

NOT_SAVED_SECRET = "Not saved because of the errors in this section: enter it again."  # noqa: S105


def _widget(setting: SettingState) -> forms.Widget:
    s: Setting = setting.setting
    placeholder = "" if setting.locked else setting.default_display
    attrs: dict[str, Any] = {"aria-describedby": f"help-{_dom_id(s.key)}"}
    if s.kind in (Kind.INT, Kind.FLOAT):
        attrs["step"] = s.extra.get("step", 1 if s.kind is Kind.INT else "any")
        if s.min_value is not None:
            attrs["min"] = f"{s.min_value:g}"
        if s.max_value is not None:
            attrs["max"] = f"{s.max_value:g}"
        attrs["placeholder"] = placeholder
        attrs["inputmode"] = "numeric" if s.kind is Kind.INT else "decimal"
        return forms.NumberInput(attrs=attrs)
    if s.kind is Kind.CHOICE:
        return forms.Select(choices=s.choices, attrs=attrs)
    if s.kind is Kind.BOOL:
        return forms.CheckboxInput(attrs=attrs)
    if s.kind is Kind.TEXTAREA:
        attrs.update(rows=8, maxlength=s.max_length, placeholder=placeholder or "(empty)")
        return forms.Textarea(attrs=attrs)
    if s.kind is Kind.SECRET:
        # new-password: keeps browsers from autofilling the admin's login password here.
        attrs.update(autocomplete="new-password", spellcheck="false", placeholder="not set")
        return forms.PasswordInput(render_value=True, attrs=attrs)
    attrs.update(maxlength=s.max_length, placeholder=placeholder, spellcheck="false")
    if s.extra.get("format") == "url":
        attrs["inputmode"] = "url"
    return forms.TextInput(attrs=attrs)


def _dom_id(key: str) -> str:
    return "setting-" + key.replace(".", "-").replace("_", "-")


class CategoryForm(forms.Form):
    def __init__(self, category: CategoryState, data: QueryDict | None = None) -> None:
        super().__init__(data=data.copy() if data is not None else None, auto_id="%s")
        self.category = category
        self.states = {state.key: state for state in category.settings}
        for state in category.settings:
            field: forms.Field
            if state.setting.kind is Kind.BOOL:
                field = forms.BooleanField(required=False, initial=state.form_value == "true")
            else:
                # Max length is checked by the service, with the same message as the env var.
                field = forms.CharField(required=False, strip=False, initial=state.form_value)
            field.widget = _widget(state)
            field.widget.attrs["id"] = _dom_id(state.key)
            field.label = state.setting.label
            field.help_text = state.setting.help_text
            field.disabled = state.locked  # the browser does not post it, Django ignores it
            self.fields[state.key] = field

    def raw_values(self) -> dict[str, object]:
        """What the admin posted for the editable settings (call after is_valid())."""
        values: dict[str, object] = {}
        for key, state in self.states.items():
            if state.locked:
                continue
            if state.setting.kind is Kind.BOOL:
                values[key] = bool(self.cleaned_data.get(key))
            elif self.data is not None and key in self.data:
                values[key] = self.cleaned_data.get(key, "")
        return values

    def show_errors(self, errors: dict[str, str]) -> None:
        """Attach service errors beside their fields and never send a posted secret back."""
        for key, message in errors.items():
            self.add_error(None if key not in self.fields else key, message)
        data = self.data
        assert isinstance(data, QueryDict)  # a mutable copy, made in __init__
        for key, state in self.states.items():
            if not state.setting.is_secret or state.locked:
                continue
            posted = data.get(key, "")
            if posted != state.form_value:
                data[key] = state.form_value
                if key not in errors and posted:
                    self.add_error(key, NOT_SAVED_SECRET)

    def rows(self) -> list[tuple[SettingState, forms.BoundField]]:
        return [(state, self[key]) for key, state in self.states.items()]
