"""One pasted line → its content without decoration, and what kind of line it is.

People paste from notes apps, spreadsheets and chat: bullets, checkboxes, emojis, markdown
headers and tables, tabs from Excel, superset labels ("A1)", "B2.") and trailing remarks in
parentheses. This module strips all of that into a `Cleaned` line the notation parser can read,
and recognises the lines that carry no sets: headings (weeks, days, weekdays, "W1D1"), rounds,
rest lines, table rules and blanks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

WEEKDAYS = {
    "mon": 1,
    "monday": 1,
    "tue": 2,
    "tues": 2,
    "tuesday": 2,
    "wed": 3,
    "weds": 3,
    "wednesday": 3,
    "thu": 4,
    "thur": 4,
    "thurs": 4,
    "thursday": 4,
    "fri": 5,
    "friday": 5,
    "sat": 6,
    "saturday": 6,
    "sun": 7,
    "sunday": 7,
}
# Words that make a line like "Upper body:" or "Push day" a session heading.
SESSION_WORDS = frozenset(
    {"upper", "lower", "push", "pull", "legs", "leg", "full", "body", "arms", "chest", "back"}
    | {"shoulders", "session", "workout", "day", "conditioning", "core", "a", "b", "c"}
)
_GENERIC = frozenset({"a", "b", "c", "day", "session", "body"})

_BULLET = re.compile(r"^(?:[-*+•·◦▪►>–—→⇒➜➤]+|\[[ xX✓]?\]|\d{1,2}[.)](?=\s+[^\d\s]))\s*")
_SUPERSET = re.compile(r"^([A-Ha-h])(\d{1,2})(?:\s*/\s*[A-Ha-h]\d{1,2})?\s*[).:\-]?\s+(?=\S)")
_HEADER = re.compile(r"^#{1,6}\s*")
_EMPHASIS = re.compile(r"\*\*|__|`|~~")
_PAREN = re.compile(r"\(([^()]*)\)")
_TRAILING_COMMENT = re.compile(r"\s+(?://|--|#)\s*(.*)$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")

_WEEK_DAY = re.compile(
    r"^w(?:eek|k)?\s*(\d{1,2})\s*[/,\-]?\s*d(?:ay)?\s*(\d{1,2})\b[\s:.\-–]*(.*)$"
)
_WEEK = re.compile(r"^(?:week|wk|woche|semaine|semana|w)\s*(\d{1,2})\b[\s:.\-–)]*(.*)$")
_DAY = re.compile(r"^(?:day|d|tag|jour|dia|día|session)\s*(\d{1,2})\b[\s:.\-–)]*(.*)$")
_WEEKDAY = re.compile(r"^([a-z]{3,9})\b\.?[\s:.\-–/]*(.*)$")
_ROUNDS = re.compile(
    r"^(?:[a-z][a-z ]{0,30}:\s*)?(\d{1,2})\s*(?:rounds?|rds?|circuits?|times)\b"
    r"(?:\s*(?:of|for|:))?\s*:?\s*(.*)$"
)
_REST_LINE = re.compile(r"^(?:rest|break|pause)\b")


@dataclass
class Cleaned:
    text: str  # the content, decoration removed
    label: str = ""  # superset label "A1"
    remarks: list[str] = field(default_factory=list)  # parenthesised / trailing comments


def _is_emoji(ch: str) -> bool:
    if ch in "\u200d\ufe0f\ufe0e":
        return True
    category = unicodedata.category(ch)
    return category in ("So", "Sk", "Cs", "Co") and ch not in "°×"


def _strip_emoji(text: str) -> str:
    if text.isascii():
        return text  # most lines: skip the per-character check
    return "".join(ch for ch in text if not _is_emoji(ch))


def _table_cells(text: str) -> str:
    # Spreadsheet rows: "Bench Press<TAB>3<TAB>8<TAB>60kg" → "Bench Press 3x8 60kg".
    sep = "\t" if "\t" in text else "|"
    cells = [c.strip() for c in text.strip("|").split(sep)]
    cells = [c for c in cells if c]
    if (
        len(cells) >= 3
        and cells[1].isdigit()
        and re.fullmatch(r"\d{1,3}(?:\s*-\s*\d{1,3})?", cells[2])
    ):
        return " ".join([cells[0], f"{cells[1]}x{cells[2]}", *cells[3:]])
    return " ".join(cells)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(raw: str) -> Cleaned:
    text = _strip_emoji(_CONTROL.sub(" ", raw.replace("\u00a0", " ").replace("\u202f", " ")))
    if "\t" in text or text.lstrip().startswith("|"):
        text = _table_cells(text)
    text = _undecorate(" ".join(text.split()))
    label, text = _superset(text)
    remarks, text = _remarks(text)
    return Cleaned(" ".join(text.split()).strip(" -–:|"), label, remarks)


def _undecorate(text: str) -> str:
    # The checks before each substitution are only there to keep plain lines cheap.
    if text.startswith("#"):
        text = _HEADER.sub("", text)
    if any(c in text for c in "*_`~"):
        text = _EMPHASIS.sub("", text)
    for _ in range(2):
        if not text[:1].isalpha():
            text = _BULLET.sub("", text).strip()
    return text


def _superset(text: str) -> tuple[str, str]:
    match = _SUPERSET.match(text)
    if not match:
        return "", text
    return match.group(0).strip().rstrip(").:-").strip().upper(), text[match.end() :]


def _remarks(text: str) -> tuple[list[str], str]:
    remarks: list[str] = []
    if "(" in text or ")" in text:
        found = [r.strip() for r in _PAREN.findall(text) if r.strip()]
        remarks = [r for r in found if not _is_prescription_remark(r)]
        text = _PAREN.sub(
            lambda m: m.group(0) if _is_prescription_remark(m.group(1)) else " ", text
        )
        text = text.replace("(", " ").replace(")", " ")
    if "//" in text or "--" in text or "#" in text:
        comment = _TRAILING_COMMENT.search(text)
        if comment:
            if comment.group(1).strip():
                remarks.append(comment.group(1).strip())
            text = text[: comment.start()]
    return remarks, text


def _is_prescription_remark(text: str) -> bool:
    # "(rest 90s)", "(@ RPE 8)", "(each side)" are part of the prescription, not remarks.
    lowered = text.lower()
    return bool(re.match(r"^\s*(?:rest|@|rpe|each|per|e/s|/side|\d)", lowered))


def is_table_rule(raw: str) -> bool:
    return bool(_TABLE_RULE.match(raw.strip()))


@dataclass(frozen=True)
class Heading:
    week: int | None
    day: int | None
    weekday: int | None
    label: str


def heading(text: str) -> Heading | None:
    lowered = text.lower().rstrip(":").strip()
    match = _WEEK_DAY.match(lowered)
    if match:
        return Heading(int(match.group(1)), int(match.group(2)), None, _label(text, match, 3))
    match = _WEEK.match(lowered)
    if match and not re.match(r"^\s*x", match.group(2)):
        return Heading(int(match.group(1)), None, None, _label(text, match, 2))
    match = _DAY.match(lowered)
    if match and not re.match(r"^\s*x", match.group(2)):
        return Heading(None, int(match.group(1)), None, _label(text, match, 2))
    match = _WEEKDAY.match(lowered)
    if match and match.group(1) in WEEKDAYS and not re.search(r"\d\s*[x×*]\s*\d", lowered):
        return Heading(None, None, WEEKDAYS[match.group(1)], _label(text, match, 2))
    words = re.findall(r"[a-z]+", lowered)
    named = words and not re.search(r"\d", lowered) and not set(words) <= _GENERIC
    if named and all(w in SESSION_WORDS for w in words):
        return Heading(None, None, None, text.rstrip(":").strip())
    return None


def _label(text: str, match: re.Match[str], group: int) -> str:
    start = match.start(group)
    return text.rstrip(":").strip()[start:].strip(" :-–()") if start >= 0 else ""


def rounds(text: str) -> tuple[int, str] | None:
    match = _ROUNDS.match(text.lower())
    if not match:
        return None
    return int(match.group(1)), text[match.start(2) :].strip() if match.group(2) else ""


def is_rest_line(text: str) -> bool:
    return bool(_REST_LINE.match(text.lower()))
