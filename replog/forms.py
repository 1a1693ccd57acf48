"""Form fields that apply replog.text, so every form decides about hostile text the same way."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from replog.text import TextError, clean_name


class NameField(forms.CharField):
    """A name (athlete, exercise, equipment, program): NFC, spaces collapsed, no invisible or
    control characters (a bidi override would render it reversed)."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return text
        try:
            return clean_name(text)
        except TextError as exc:
            raise forms.ValidationError(f"This name {exc}.", code="invalid_name") from exc


class NameFieldsAdmin:
    """ModelAdmin mixin: the model's `name` field is edited through NameField in the admin too."""

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: Any, **kwargs: Any
    ) -> Any:
        if db_field.name == "name" and isinstance(db_field, models.CharField):
            kwargs.setdefault("form_class", NameField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
