"""Target loads: percentage of a training max, rounded half-up to the plate increment."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from settings_app.resolution import get_setting


def plate_increment() -> Decimal:
    """The installation's rounding step for loads (the setting; 0 = no rounding)."""
    try:
        return Decimal(str(get_setting("defaults.plate_increment")))
    except InvalidOperation:
        return Decimal("0")


def round_load(value: Decimal, increment: Decimal) -> Decimal:
    # Python's round() is banker's rounding: 56.25 at 2.5 must give 57.5, not 55.
    if increment <= 0:
        return value
    steps = (value / increment).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return (steps * increment).normalize() + Decimal("0")  # + 0 drops a negative-zero sign


def target_load(*, training_max: Decimal, percentage: Decimal, increment: Decimal) -> Decimal:
    return round_load(training_max * percentage / Decimal(100), increment)


_REP_SUFFIX = {"seconds": " s", "distance": " m", "each_side": " each side"}


def _plain(value: Decimal | float | int) -> str:
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(number.normalize(), "f")


def set_label(
    *,
    reps: int | None,
    rep_type: str,
    percentage: Decimal | float | int | None,
    absolute_weight: Decimal | float | int | None,
    target_rpe: Decimal | float | int | None,
    unit: str,
    training_max: Decimal | None = None,
    increment: Decimal = Decimal("0"),
) -> str:
    """One set as a coach writes it: "5 @ 75 % · 115 lbs", "AMRAP @ 85 %", "30 s",
    "10 each side @ 16 lbs", "8 @ BW · RPE 8". A percentage shows the load it means when a
    training max is given."""
    text = "AMRAP" if reps is None else f"{reps}{_REP_SUFFIX.get(rep_type, '')}"
    if percentage is not None:
        text += f" @ {_plain(percentage)} %"
        if training_max is not None:
            load = target_load(
                training_max=training_max, percentage=Decimal(str(percentage)), increment=increment
            )
            text += f" · {_plain(load)} {unit}"
    elif absolute_weight is not None and Decimal(str(absolute_weight)) == 0:
        text += " @ BW"
    elif absolute_weight is not None:
        text += f" @ {_plain(absolute_weight)} {unit}"
    if target_rpe is not None:
        text += f" · RPE {_plain(target_rpe)}"
    return text
