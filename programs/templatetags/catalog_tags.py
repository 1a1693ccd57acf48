from __future__ import annotations

from decimal import Decimal

from django import template

from programs.catalog.parse import json_number

register = template.Library()


@register.filter
def num(value: Decimal | int | float | None) -> str:
    """75.00 → "75", 72.50 → "72.5"; None → ""."""
    if value is None or value == "":
        return ""
    return str(json_number(value))
