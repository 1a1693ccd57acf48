"""Which app wrote this file, and the one entry point that parses any of them."""

from __future__ import annotations

from athletes.history.csvfile import header
from athletes.history.hevy import parse_hevy
from athletes.history.replog_json import parse_replog
from athletes.history.rows import Format, HistoryFileError, ParsedHistory, Unit, decode
from athletes.history.strong import parse_strong


def detect_format(text: str) -> Format:
    if text.lstrip().startswith("{"):
        return "replog"
    columns = set(header(text))
    if {"exercise_title", "start_time"} <= columns:
        return "hevy"
    if {"exercise_name", "set_order"} <= columns:
        return "strong"
    raise HistoryFileError(
        "This file is not a Strong or Hevy CSV export nor a RepLog athlete JSON export "
        "(its first line has none of their columns)."
    )


def parse_history(
    raw: bytes | str, *, format: Format | None = None, unit: Unit = "lbs"
) -> ParsedHistory:
    """`unit` is the unit of the weights in a CSV that does not say (Strong's classic export)."""
    text = decode(raw)
    if not text.strip():
        raise HistoryFileError("The file is empty.")
    found = format or detect_format(text)
    if found == "replog":
        return parse_replog(text)
    if found == "hevy":
        return parse_hevy(text, unit=unit)
    return parse_strong(text, unit=unit)
