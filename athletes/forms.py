"""Forms parse and check input; services do the writing. No ModelForms: a ModelForm mutates the
instance while validating, and the services need to see the stored values to record history."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from athletes.history.rows import CellError, duration
from athletes.models import (
    Athlete,
    AthleteTier,
    EndReason,
    ProgramRole,
    ReviewStatus,
    Role,
    User,
    Workout,
)
from athletes.selectors import Prescription
from athletes.services import SetInput
from athletes.templatetags.logbook import format_number, format_reps, format_weight
from athletes.units import distance_unit, format_distance, format_duration, to_metres, to_unit
from programs.models import Exercise, RepType

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
Grouped = Sequence[tuple[str, Sequence[tuple[int, str]]]]


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the form fields it names (else at the top)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def _person(user: User) -> str:
    return user.get_full_name() or user.username


class AthleteForm(forms.Form):
    name = forms.CharField(max_length=120)
    sport = forms.CharField(max_length=80, required=False)
    tier = forms.ChoiceField(choices=AthleteTier.choices, initial=AthleteTier.NONE)
    date_of_birth = forms.DateField(required=False, widget=DATE_WIDGET)
    goal = forms.CharField(
        label="Long-term goal", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    track_body_weight = forms.BooleanField(required=False, initial=True)
    may_adjust_session = forms.BooleanField(
        label="Athlete may adjust today's session",
        required=False,
        help_text="Lets the athlete check in and accept an adjusted session themselves.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Admins choose the coach; a coach always creates athletes for themselves.
        if user.is_admin:
            self.fields["coach"] = forms.ModelChoiceField(
                queryset=User.objects.filter(is_active=True, role=Role.COACH).order_by("username"),
                required=False,
                empty_label="— no coach —",
            )
            # The name admins know the coach by, as the athlete list shows it.
            self.fields["coach"].label_from_instance = _person  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(athlete: Athlete) -> dict[str, object]:
        return {
            "name": athlete.name,
            "sport": athlete.sport,
            "tier": athlete.tier,
            "date_of_birth": athlete.date_of_birth,
            "goal": athlete.goal,
            "notes": athlete.notes,
            "track_body_weight": athlete.track_body_weight,
            "may_adjust_session": athlete.may_adjust_session,
            "coach": athlete.coach_id,
        }


class EquipmentForm(forms.Form):
    equipment = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args: Any, choices: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["equipment"].choices = list(choices)  # type: ignore[attr-defined]


class AssignProgramForm(forms.Form):
    template = forms.TypedChoiceField(coerce=int, label="Program", choices=())
    start_date = forms.DateField(widget=DATE_WIDGET, initial=timezone.localdate)
    role = forms.ChoiceField(choices=ProgramRole.choices, initial=ProgramRole.PRIMARY)
    cycle_goal = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, choices: Grouped, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "— choose a program —"), *choices]  # type: ignore[attr-defined]


class AssignmentEndForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[(EndReason.COMPLETED, "Completed"), (EndReason.STOPPED, "Stopped")]
    )


class NoteForm(forms.Form):
    content = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Add a note…"})
    )
    is_private = forms.BooleanField(label="Private (coaches only)", required=False)
    is_pinned = forms.BooleanField(label="Pin", required=False)


class ReviewForm(forms.Form):
    status = forms.ChoiceField(choices=ReviewStatus.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Feedback for the athlete"}),
    )


class TrainingMaxForm(forms.Form):
    exercise = forms.TypedChoiceField(coerce=int, choices=())
    weight = forms.DecimalField(
        min_value=Decimal("0.01"), max_digits=8, decimal_places=2, label="Training max"
    )
    effective_date = forms.DateField(widget=DATE_WIDGET, initial=timezone.localdate)

    def __init__(self, *args: Any, choices: Grouped, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exercise"].choices = [("", "— choose an exercise —"), *choices]  # type: ignore[attr-defined]


class TrainingMaxEditForm(forms.Form):
    weight = forms.DecimalField(
        min_value=Decimal("0.01"), max_digits=8, decimal_places=2, label="Training max"
    )
    effective_date = forms.DateField(widget=DATE_WIDGET)


class BodyWeightForm(forms.Form):
    weight = forms.DecimalField(min_value=Decimal("0.01"), max_digits=6, decimal_places=2)
    date = forms.DateField(widget=DATE_WIDGET, initial=timezone.localdate)


# --- workout logging ---------------------------------------------------------------------------

REP_TYPE_SHORT = [
    (RepType.REPS, "reps"),
    (RepType.EACH_SIDE, "each side"),
    (RepType.SECONDS, "sec"),
    (RepType.DISTANCE, "metres"),
]


class WorkoutForm(forms.Form):
    date = forms.DateField(widget=DATE_WIDGET, initial=timezone.localdate)
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "How did it go?"}),
    )


class SetRowForm(forms.Form):
    """One set row. Rows are named `set-<key>-<field>`; a hidden `row` input lists the keys in
    page order, so rows can be added and removed in the browser without a management form."""

    exercise = forms.TypedChoiceField(coerce=int, required=False, choices=())
    reps = forms.IntegerField(min_value=0, max_value=100_000, required=False)
    rep_type = forms.ChoiceField(
        choices=REP_TYPE_SHORT,
        initial=RepType.REPS,
        required=False,
        error_messages={
            "invalid_choice": "Unknown type %(value)s: choose reps, each side, sec or metres."
        },
    )
    weight = forms.DecimalField(
        min_value=Decimal("0"), max_digits=8, decimal_places=2, required=False
    )
    rpe = forms.DecimalField(
        label="RPE",
        min_value=Decimal("1"),
        max_value=Decimal("10"),
        max_digits=3,
        decimal_places=1,
        required=False,
    )
    is_amrap = forms.BooleanField(label="AMRAP", required=False)
    notes = forms.CharField(max_length=500, required=False)
    # A run: its distance in the installation's unit (stored as metres), time and heart rate.
    distance = forms.DecimalField(
        min_value=Decimal("0"), max_value=Decimal("1000"), decimal_places=2, required=False
    )
    duration = forms.CharField(max_length=20, required=False)
    avg_heart_rate = forms.IntegerField(label="Avg HR", min_value=30, max_value=250, required=False)

    def __init__(
        self,
        *args: Any,
        key: int,
        exercise_choices: Sequence[tuple[int, str]],
        target: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs["prefix"] = f"set-{key}"
        super().__init__(*args, **kwargs)
        self.key = key
        self.target = target
        self.fields["exercise"].choices = [("", "— exercise —"), *exercise_choices]  # type: ignore[attr-defined]
        for name, attrs in {
            "reps": {"inputmode": "numeric", "placeholder": "reps"},
            "weight": {"inputmode": "decimal", "step": "any", "placeholder": "weight"},
            "rpe": {"inputmode": "decimal", "step": "0.5", "placeholder": "RPE"},
            "notes": {"placeholder": "notes"},
            "distance": {"inputmode": "decimal", "step": "any", "placeholder": distance_unit()},
            "duration": {"placeholder": "mm:ss"},
            "avg_heart_rate": {"inputmode": "numeric", "placeholder": "bpm"},
        }.items():
            self.fields[name].widget.attrs.update(attrs)

    @property
    def is_blank(self) -> bool:
        """A row the user left empty (or never touched): ignored, not an error."""
        if not self.is_bound:
            return False
        data = self.data
        filled = [
            data.get(self.add_prefix(name), "").strip()
            for name in ("exercise", "reps", "weight", "rpe", "notes", "distance", "duration")
        ]
        return not any(filled)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_blank:
            return cleaned
        if cleaned.get("exercise") in (None, ""):
            self.add_error("exercise", "Choose an exercise for this set.")
        if cleaned.get("distance"):
            cleaned["reps"] = to_metres(float(cleaned["distance"]))
            cleaned["rep_type"] = RepType.DISTANCE
        if cleaned.get("reps") is None and "reps" not in self.errors:
            self.add_error("reps", "Enter the reps done (0 for a missed set), or a distance.")
        try:
            cleaned["duration_seconds"] = duration(cleaned.get("duration") or "")
        except CellError:
            self.add_error("duration", "Enter the time like 38:20, 1:05:00 or 1h 5m.")
        return cleaned

    def to_input(self) -> SetInput:
        data = self.cleaned_data
        return SetInput(
            exercise_id=data["exercise"],
            reps=data["reps"],
            rep_type=data["rep_type"] or RepType.REPS,
            weight=data["weight"],
            rpe=data["rpe"],
            is_amrap=data["is_amrap"],
            notes=data["notes"],
            duration_seconds=data.get("duration_seconds"),
            avg_heart_rate=data.get("avg_heart_rate"),
        )


def run_initial(
    reps: int | None,
    rep_type: str,
    seconds: int | None = None,
    heart_rate: int | None = None,
) -> dict[str, Any]:
    """A distance set's row shows its distance in the unit (not metres in the reps box)."""
    if rep_type != RepType.DISTANCE or not reps:
        return {}
    return {
        "reps": None,
        "distance": round(to_unit(reps), 2),
        "duration": format_duration(seconds),
        "avg_heart_rate": heart_rate,
    }


_ROW_KEY = re.compile(r"^\d{1,6}$")


class WorkoutEntry:
    """The workout form and its set rows, bound or prefilled."""

    def __init__(
        self,
        *,
        form: WorkoutForm,
        rows: list[SetRowForm],
        exercise_choices: Sequence[tuple[int, str]],
    ) -> None:
        self.form = form
        self.rows = rows
        self.exercise_choices = exercise_choices
        self.sets_errors: list[str] = []

    @property
    def next_key(self) -> int:
        return max((row.key for row in self.rows), default=-1) + 1

    @classmethod
    def from_post(
        cls, data: QueryDict, *, exercise_choices: Sequence[tuple[int, str]]
    ) -> WorkoutEntry:
        keys: list[int] = []
        for raw in data.getlist("row"):
            if _ROW_KEY.match(raw) and int(raw) not in keys:
                keys.append(int(raw))
        rows = [
            SetRowForm(
                data,
                key=key,
                exercise_choices=exercise_choices,
                target=data.get(f"set-{key}-target", "")[:200],
            )
            for key in keys
        ]
        return cls(form=WorkoutForm(data), rows=rows, exercise_choices=exercise_choices)

    @classmethod
    def prefilled(
        cls,
        *,
        prescription: Prescription | None,
        exercise_choices: Sequence[tuple[int, str]],
        date: dt.date | None = None,
        swaps: dict[int, Exercise] | None = None,
    ) -> WorkoutEntry:
        """`swaps`: prescribed exercise id → the athlete's own usual substitute, prefilled
        instead (its load is theirs to enter: the target was worked out for the original)."""
        rows: list[SetRowForm] = []
        swaps = swaps or {}
        for key, row in enumerate(prescription.rows if prescription else []):
            prescribed = row.prescribed
            swap = swaps.get(prescribed.exercise_id)
            target = (
                format_distance(prescribed.reps)
                if prescribed.rep_type == RepType.DISTANCE
                else format_reps(prescribed.reps, prescribed.rep_type)
            )
            if row.target_weight is not None:
                target += f" × {format_weight(row.target_weight)}"
            elif prescribed.percentage is not None:
                target += f" @ {prescribed.percentage.normalize():f} %"
            if prescribed.target_rpe is not None:
                target += f" @ RPE {prescribed.target_rpe.normalize():f}"
            # Bodyweight (0) is left empty rather than prefilled as "0.00".
            weight = format_number(row.target_weight) if row.target_weight else None
            if swap is not None:
                target = f"{target} ({prescribed.exercise.name}; your usual swap)"
                weight = None
            rows.append(
                SetRowForm(
                    key=key,
                    exercise_choices=exercise_choices,
                    target=target,
                    initial={
                        "exercise": swap.pk if swap is not None else prescribed.exercise_id,
                        "reps": prescribed.reps,
                        "rep_type": prescribed.rep_type,
                        "weight": weight,
                        "is_amrap": prescribed.is_amrap,
                        "notes": "",
                        **run_initial(prescribed.reps, prescribed.rep_type),
                    },
                )
            )
        if not rows:
            rows = [SetRowForm(key=0, exercise_choices=exercise_choices)]
        form = WorkoutForm(initial={"date": date or timezone.localdate()})
        return cls(form=form, rows=rows, exercise_choices=exercise_choices)

    @classmethod
    def for_workout(
        cls, workout: Workout, *, exercise_choices: Sequence[tuple[int, str]]
    ) -> WorkoutEntry:
        rows = [
            SetRowForm(
                key=key,
                exercise_choices=exercise_choices,
                initial={
                    "exercise": s.exercise_id,
                    "reps": s.reps,
                    "rep_type": s.rep_type,
                    "weight": format_number(s.weight) if s.weight is not None else None,
                    "rpe": format_number(s.rpe) if s.rpe is not None else None,
                    "is_amrap": s.is_amrap,
                    "notes": s.notes,
                    **run_initial(s.reps, s.rep_type, s.duration_seconds, s.avg_heart_rate),
                },
            )
            for key, s in enumerate(workout.sets.all())
        ]
        form = WorkoutForm(initial={"date": workout.date, "notes": workout.notes})
        return cls(form=form, rows=rows, exercise_choices=exercise_choices)

    def is_valid(self) -> bool:
        form_ok = self.form.is_valid()
        rows_ok = all(row.is_valid() for row in self.rows)
        if rows_ok and not self.used_rows:
            self.sets_errors.append("Log at least one set: choose an exercise and enter reps.")
            return False
        return form_ok and rows_ok

    @property
    def used_rows(self) -> list[SetRowForm]:
        return [row for row in self.rows if not row.is_blank]

    def set_inputs(self) -> list[SetInput]:
        return [row.to_input() for row in self.used_rows]

    def apply_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                if name in self.form.fields:
                    for error in errors:
                        self.form.add_error(name, error)
                else:
                    self.sets_errors.extend(msg for e in errors for msg in e.messages)
        else:
            self.sets_errors.extend(exc.messages)

    @property
    def has_errors(self) -> bool:
        return bool(self.sets_errors or self.form.errors or any(row.errors for row in self.rows))
