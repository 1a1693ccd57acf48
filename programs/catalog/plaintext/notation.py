"""An exercise line's prescription → sets: "Bench Press 3x8 @ RPE 8", "225 x 5, 5, 4",
"4 sets of 3 at 95 pounds", "1x5 65%, 1x5 75%, 1x5+ 85%", "Plank 3x30s", "Run 400m".

`read_line` splits the exercise name from the prescription and reads every notation it knows.
It never guesses: a number left over that no notation explains makes the line `NotRead` (for
the LLM or the coach), so a load or a rep count is never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

KG_PER_LB = Decimal("0.45359237")
METRES: dict[str, int | Decimal] = {
    "m": 1,
    "meter": 1,
    "meters": 1,
    "metre": 1,
    "metres": 1,
    "km": 1000,
    "k": 1000,
}
METRES |= {
    "mi": 1609,
    "mile": 1609,
    "miles": 1609,
    "yd": Decimal("0.9144"),
    "yds": Decimal("0.9144"),
}
SECONDS = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, '"': 1}
SECONDS |= {"min": 60, "mins": 60, "minute": 60, "minutes": 60, "'": 60, "h": 3600, "hr": 3600}
WEIGHT_UNITS = {"kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg"}
WEIGHT_UNITS |= {"lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb", "#": "lb"}

_NUM = r"\d+(?:[.,]\d+)?"
_UNIT_W = r"(?:kgs?|kilos?|lbs?|pounds?|#)"
_UNIT_T = r"(?:seconds?|secs?|s|minutes?|mins?|min|hr|h|\"|')"
_UNIT_D = r"(?:km|k|miles?|mi|meters?|metres?|m|yds?)"

_REST = re.compile(
    r"(?:\b(?:rest|r|break)\s*[:=]?\s*(\d{1,2}:\d{2}|\d+(?:\.\d+)?)\s*(" + _UNIT_T + r")?"
    r"|(\d{1,2}:\d{2}|\d+)\s*(" + _UNIT_T + r")\s+(?:rest|break)\b)",
    re.I,
)
_TEMPO = re.compile(r"\btempo\s*[:=]?\s*([\dxX]{1,2}(?:[-/][\dxX]{1,2}){2,3})", re.I)
_EACH = re.compile(
    r"(?:\b(?:each|per|ea)\s+(?:side|leg|arm|way)s?\b|/\s*(?:side|leg|arm)s?\b|\be/?s\b"
    r"|\beach\b|\bper side\b|\bi/s\b)",
    re.I,
)
_SETS_OF = re.compile(
    r"^(\d{1,2})\s*(?:sets?)\s*(?:of|x|×|\*)?\s*(?:(amrap|max)|(\d+)(?:\s*[-–]\s*(\d+))?(\+)?)"
    r"\s*(?:reps?\b|(" + _UNIT_T + "|" + _UNIT_D + r")(?=\W|$))?",
    re.I,
)
_SxR = re.compile(
    r"^(\d{1,2})\s*[x×*]\s*(?:(amrap|max)|(\d+)(?:\s*[-–]\s*(\d+))?(\+)?)"
    r"(?:\s*(?:reps?\b|(" + _UNIT_T + "|" + _UNIT_D + r")(?=\W|$)))?",
    re.I,
)
_WxR = re.compile(
    r"^(" + _NUM + r")\s*(" + _UNIT_W + r")?\s*[x×*]\s*(\d+)((?:\s*,\s*\d+)*)(\+)?"
    r"(?:\s*[x×*]\s*(\d{1,2})\b)?",
    re.I,
)
_SxRxW = re.compile(
    r"^(\d{1,2})\s*[x×*]\s*(\d{1,3})\s*[x×*]\s*(" + _NUM + r")\s*(" + _UNIT_W + r")?(?=\W|$)", re.I
)
_AMRAP = re.compile(r"^(?:amrap|max reps|max)\b", re.I)
_REPS = re.compile(r"^(?:x\s*)?(\d+)(?:\s*[-–]\s*(\d+))?(\+)?\s*(?:reps?)?\b", re.I)
_PERCENT = re.compile(r"^(?:@|at)?\s*(" + _NUM + r")\s*(?:[-–]\s*(" + _NUM + r")\s*)?%", re.I)
_RPE = re.compile(r"^(?:@\s*)?rpe\s*(\d{1,2}(?:[.,]\d)?)(?:\s*[-–]\s*\d{1,2}(?:[.,]\d)?)?", re.I)
_AT = re.compile(r"^@\s*(" + _NUM + r")\b(?!\s*(?:%|" + _UNIT_W + r"))", re.I)
_WEIGHT = re.compile(r"^(?:@|at|with|w/)?\s*(" + _NUM + r")\s*(" + _UNIT_W + r")(?=\W|$)", re.I)
_BODYWEIGHT = re.compile(r"^(?:@\s*)?(?:bw|bodyweight|body weight)\b", re.I)
_QUANTITY = re.compile(r"^(\d+(?:\.\d+)?)\s*(" + _UNIT_T + r"|" + _UNIT_D + r")(?=\W|$)", re.I)
_FILLER = re.compile(r"^(?:and|at|with|then|reps?|sets?|x|for)\b\s*|^[,;:/+&]\s*", re.I)


@dataclass
class SetSpec:
    reps: int | None  # None = AMRAP
    rep_type: str = "reps"
    percentage: Decimal | None = None
    weight: Decimal | None = None
    unit: str | None = None  # "kg" | "lb" | None (the installation's unit)
    rpe: Decimal | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class ReadLine:
    name: str
    sets: list[SetSpec]
    how: list[str]


class NotRead(Exception):
    """The line could not be read; the message says why, for the line's fate."""


@dataclass
class _Group:
    count: int = 0
    reps: list[int | None] = field(default_factory=list)
    rep_type: str = "reps"
    percentage: Decimal | None = None
    weight: Decimal | None = None
    unit: str | None = None
    rpe: Decimal | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def has_sets(self) -> bool:
        return bool(self.reps)


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


_START = re.compile(r"(?<![\w-])(?=\d|amrap\b|max\b|bw\b|@|x\s*\d|\d+\s*sets?\b)", re.I)


_LEAD = re.compile(
    r"^(\d+(?:\.\d+)?\s*(?:" + _UNIT_T + "|" + _UNIT_D + r"|reps?|x)?)\s+([A-Za-z][^\d]*)$", re.I
)


def split_name(text: str) -> tuple[str, str]:
    # "Back Squat: 5x5 @ 75%" → ("Back Squat", "5x5 @ 75%"); "10 Push-ups" → ("Push-ups", "10")
    lead = _LEAD.match(text)
    if lead and len(lead.group(2).strip()) > 2:
        return lead.group(2).strip(" :-–,"), lead.group(1)
    match = _START.search(text)
    if match is None:
        return text.strip(" :-–,"), ""
    return text[: match.start()].strip(" :-–,"), text[match.start() :].strip()


def read_line(text: str, *, rounds: int = 1) -> ReadLine:
    name, rest = split_name(text)
    if not re.search(r"[A-Za-z]{2}", name):
        raise NotRead("no exercise name before the sets")
    notes, how = [], []
    rest, found = _take_rest(rest)
    if found:
        notes.append(found)
        how.append("rest")
    tempo = _TEMPO.search(rest)
    if tempo:
        notes.append(f"tempo {tempo.group(1)}")
        rest = rest[: tempo.start()] + " " + rest[tempo.end() :]
    each_side = bool(_EACH.search(rest))
    rest = _EACH.sub(" ", rest)
    groups = _read_groups(rest, how)
    if not groups or not any(g.has_sets for g in groups):
        raise NotRead("no sets or reps found" if not rest.strip() else f"cannot read “{rest}”")
    sets: list[SetSpec] = []
    for _ in range(max(1, rounds)):
        for group in groups:
            sets += _expand(group, each_side, notes)
    if each_side:
        how.append("each side")
    return ReadLine(name, sets, sorted(set(how), key=how.index))


def _take_rest(text: str) -> tuple[str, str]:
    match = _REST.search(text)
    if not match:
        return text, ""
    value, unit = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
    if ":" in value:
        minutes, seconds = value.split(":")
        total = int(minutes) * 60 + int(seconds)
    else:
        total = int(Decimal(value) * SECONDS.get((unit or "s").lower(), 1))
    return text[: match.start()] + " " + text[match.end() :], f"rest {total} s"


def _read_groups(text: str, how: list[str]) -> list[_Group]:
    text = text.strip()
    whole = _WxR.match(text)
    if whole and whole.group(4) and not text[whole.end() :].strip(" ,;"):
        group = _Group()
        _weight_reps(group, whole, how)
        return [group]
    groups: list[_Group] = []
    for part in re.split(r"\s*[,;]\s*|\s+(?:then|and|\+)\s+", text):
        if not part.strip():
            continue
        group = _read_group(part.strip(), how)
        if group.has_sets or not groups:
            groups.append(group)
        else:
            _merge(groups[-1], group)
    return groups


def _merge(into: _Group, extra: _Group) -> None:
    into.percentage = extra.percentage if extra.percentage is not None else into.percentage
    into.weight = extra.weight if extra.weight is not None else into.weight
    into.unit = extra.unit or into.unit
    into.rpe = extra.rpe if extra.rpe is not None else into.rpe
    into.notes += extra.notes


def _read_group(text: str, how: list[str]) -> _Group:
    group = _Group()
    leftover: list[str] = []
    while text:
        consumed = _consume(group, text, how)
        if consumed:
            text = text[consumed:].strip()
            continue
        word = re.match(r"^\S+\s*", text)
        assert word is not None
        leftover.append(word.group(0).strip())
        text = text[word.end() :]
    words = " ".join(leftover).strip()
    if re.search(r"\d", words):
        raise NotRead(f"cannot read “{words}”")
    if words:
        group.notes.append(words)
    return group


def _consume(group: _Group, text: str, how: list[str]) -> int:
    filler = _FILLER.match(text)
    if filler and filler.end():
        return filler.end()
    for pattern, apply in _READERS:
        match = pattern.match(text)
        if match and apply(group, match, how):
            return match.end()
    return 0


def _sets_reps(group: _Group, match: re.Match[str], how: list[str]) -> bool:
    if group.has_sets:
        return False
    count = int(match.group(1))
    if not 1 <= count <= 20:
        return False
    amrap, low, high, plus, unit = match.group(2, 3, 4, 5, 6)
    group.count = count
    group.reps = [None if amrap or plus else int(low)]
    if unit and group.reps[0] is not None:
        _as_quantity(group, Decimal(low), unit.lower(), how)
    if amrap or plus:
        group.notes.append("AMRAP" + (f", at least {low}" if plus else ""))
        how.append("AMRAP")
    elif high:
        group.notes.append(f"{low}–{high} reps")
    how.append("sets×reps")
    return True


def _weight_reps(group: _Group, match: re.Match[str], how: list[str]) -> bool:
    if group.has_sets:
        return False
    value, unit, first, more, plus, sets = match.group(1, 2, 3, 4, 5, 6)
    if unit is None and _dec(value) <= 12 and not more:
        return False  # "3x5" is sets × reps, read by _sets_reps
    reps: list[int | None] = [int(first), *(int(r) for r in re.findall(r"\d+", more or ""))]
    if plus:
        reps[-1] = None
        group.notes.append(f"AMRAP, at least {first}")
    group.reps = reps * int(sets or 1)
    group.count = len(group.reps)
    group.weight, group.unit = _dec(value), WEIGHT_UNITS.get((unit or "").lower())
    how.append("weight×reps")
    return True


def _sets_reps_weight(group: _Group, match: re.Match[str], how: list[str]) -> bool:
    if group.has_sets:
        return False
    group.count, group.reps = int(match.group(1)), [int(match.group(2))]
    group.weight, group.unit = (
        _dec(match.group(3)),
        WEIGHT_UNITS.get((match.group(4) or "").lower()),
    )
    how += ["sets×reps", "weight"]
    return True


def _amrap(group: _Group, match: re.Match[str], how: list[str]) -> bool:
    if group.has_sets:
        return False
    group.count, group.reps = 1, [None]
    group.notes.append("AMRAP")
    how.append("AMRAP")
    return True


def _as_quantity(group: _Group, value: Decimal, unit: str, how: list[str]) -> None:
    if unit in SECONDS:
        group.rep_type, amount = "seconds", value * SECONDS[unit]
    else:
        group.rep_type, amount = "distance", value * Decimal(METRES[unit])
    group.reps = [int(amount) for _ in group.reps]
    how.append("timed" if group.rep_type == "seconds" else "distance")


def _quantity(group: _Group, match: re.Match[str], how: list[str]) -> bool:
    if group.has_sets:
        return False
    group.count, group.reps = 1, [1]
    _as_quantity(group, _dec(match.group(1)), match.group(2).lower(), how)
    return True


def _reps(group: _Group, match: re.Match[str], how: list[str]) -> bool:
    if group.has_sets:
        return False
    low, high, plus = match.group(1, 2, 3)
    group.count, group.reps = 1, [None if plus else int(low)]
    if plus:
        group.notes.append(f"AMRAP, at least {low}")
    elif high:
        group.notes.append(f"{low}–{high} reps")
    how.append("reps")
    return True


def _percent(group: _Group, match: re.Match[str], how: list[str]) -> bool:
    group.percentage = _dec(match.group(1))
    if match.group(2):
        group.notes.append(f"{match.group(1)}–{match.group(2)} %")
    how.append("percentage")
    return True


def _rpe(group: _Group, match: re.Match[str], how: list[str]) -> bool:
    value = _dec(match.group(1))
    if not 1 <= value <= 10:
        return False
    group.rpe = value
    how.append("RPE")
    return True


def _at(group: _Group, match: re.Match[str], how: list[str]) -> bool:
    value = _dec(match.group(1))
    if value <= 10:
        return _rpe(group, match, how)
    group.weight = value
    how.append("weight")
    return True


def _weight(group: _Group, match: re.Match[str], how: list[str]) -> bool:
    group.weight, group.unit = _dec(match.group(1)), WEIGHT_UNITS[match.group(2).lower()]
    how.append("weight")
    return True


def _bodyweight(group: _Group, match: re.Match[str], how: list[str]) -> bool:
    group.weight = Decimal(0)
    how.append("bodyweight")
    return True


_READERS = (
    (_SETS_OF, _sets_reps),
    (_SxRxW, _sets_reps_weight),
    (_WxR, _weight_reps),
    (_SxR, _sets_reps),
    (_PERCENT, _percent),
    (_RPE, _rpe),
    (_WEIGHT, _weight),
    (_AT, _at),
    (_BODYWEIGHT, _bodyweight),
    (_AMRAP, _amrap),
    (_QUANTITY, _quantity),
    (_REPS, _reps),
)


def _expand(group: _Group, each_side: bool, notes: list[str]) -> list[SetSpec]:
    reps = group.reps if len(group.reps) > 1 else group.reps * group.count
    rep_type = "each_side" if each_side and group.rep_type == "reps" else group.rep_type
    return [
        SetSpec(
            r,
            rep_type,
            group.percentage,
            group.weight,
            group.unit,
            group.rpe,
            [*group.notes, *notes],
        )
        for r in reps
    ]
