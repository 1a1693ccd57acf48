"""The readiness check-in (one short, phone-friendly form) and the log form prefilled from an
accepted adjustment."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from athletes.forms import SetRowForm, WorkoutEntry, WorkoutForm
from athletes.models import Severity
from athletes.templatetags.logbook import format_number, format_reps, format_weight
from generation.models import SessionAdjustment, SessionStrategy
from generation.session.plan import Readiness
from settings_app.registry import MUSCLE_GROUPS

SCALE_1_5 = [("", "—"), *((str(n), str(n)) for n in range(1, 6))]
SEVERITY = [("", "None"), *Severity.choices]


def _label(group: str) -> str:
    return group.replace("_", " ").capitalize()


class CheckInForm(forms.Form):
    sleep = forms.TypedChoiceField(
        label="Sleep quality (1–5)", choices=SCALE_1_5, coerce=int, required=False, empty_value=None
    )
    energy = forms.TypedChoiceField(
        label="Energy (1–5)", choices=SCALE_1_5, coerce=int, required=False, empty_value=None
    )
    minutes = forms.IntegerField(
        label="Time available (minutes)", min_value=5, max_value=300, required=False
    )
    pain = forms.ChoiceField(label="Pain or injury", choices=SEVERITY, required=False)
    pain_note = forms.CharField(label="Where and what", max_length=500, required=False)
    illness = forms.ChoiceField(label="Illness", choices=SEVERITY, required=False)
    illness_note = forms.CharField(label="Illness note", max_length=500, required=False)
    strategy = forms.ChoiceField(
        label="Strategy", choices=[("", "Default"), *SessionStrategy.choices], required=False
    )

    def __init__(self, *args: Any, first_groups: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Today's groups are asked first; the rest sit behind "other groups".
        self.first_groups = [g for g in MUSCLE_GROUPS if g in first_groups]
        self.other_groups = [g for g in MUSCLE_GROUPS if g not in first_groups]
        for group in [*self.first_groups, *self.other_groups]:
            self.fields[f"sore_{group}"] = forms.IntegerField(
                label=f"{_label(group)} soreness (1–10)",
                min_value=1,
                max_value=10,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "1–10"}),
            )

    def soreness_fields(self, groups: Sequence[str]) -> list[forms.BoundField]:
        return [self[f"sore_{g}"] for g in groups]

    @property
    def first_soreness(self) -> list[forms.BoundField]:
        return self.soreness_fields(self.first_groups)

    @property
    def other_soreness(self) -> list[forms.BoundField]:
        return self.soreness_fields(self.other_groups)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("pain") and not cleaned.get("pain_note", "").strip():
            self.add_error("pain_note", "Say where it hurts, so the right lifts are adjusted.")
        return cleaned

    def readiness(self) -> Readiness:
        data = self.cleaned_data
        soreness = {
            g: data[f"sore_{g}"] for g in MUSCLE_GROUPS if data.get(f"sore_{g}") is not None
        }
        return Readiness(
            sleep=data["sleep"],
            energy=data["energy"],
            soreness=soreness,
            minutes=data["minutes"],
            pain=data["pain"],
            pain_note=data["pain_note"].strip(),
            illness=data["illness"],
            illness_note=data["illness_note"].strip(),
        )


def _target(prescribed: dict[str, Any], adjusted: dict[str, Any] | None) -> str:
    def text(s: dict[str, Any]) -> str:
        out = format_reps(s["reps"], s["rep_type"])
        if s["weight"] is not None:
            out += f" × {format_weight(Decimal(str(s['weight'])))}"
        return out

    was = text(prescribed)
    if adjusted is None or text(adjusted) == was:
        return was
    return f"{text(adjusted)} (adjusted from {was})"


def entry_from_adjustment(
    record: SessionAdjustment, *, exercise_choices: Sequence[tuple[int, str]]
) -> WorkoutEntry:
    """The log form with the adjusted session's sets: skipped lifts are left out."""
    rows: list[SetRowForm] = []
    for exercise in record.output.get("exercises", []):
        planned = exercise["prescribed"]
        for index, s in enumerate(exercise["adjusted"]):
            was = planned[min(index, len(planned) - 1)] if planned else s
            weight = s["weight"]
            rows.append(
                SetRowForm(
                    key=len(rows),
                    exercise_choices=exercise_choices,
                    target=_target(was, s),
                    initial={
                        "exercise": exercise["exercise_id"],
                        "reps": s["reps"],
                        "rep_type": s["rep_type"],
                        "weight": format_number(Decimal(str(weight))) if weight else None,
                        "is_amrap": s["reps"] is None,
                        "notes": "",
                    },
                )
            )
    if not rows:
        rows = [SetRowForm(key=0, exercise_choices=exercise_choices)]
    form = WorkoutForm(initial={"date": record.date})
    return WorkoutEntry(form=form, rows=rows, exercise_choices=exercise_choices)
