from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from athletes.models import Athlete
from generation.engines.base import EngineChoice, GenerationRequest
from generation.runs.edits import SetValues, number
from generation.runs.selectors import reference_program_choices
from generation.runs.services import (
    FOCUS_AREAS,
    MAX_DAYS,
    MAX_EXERCISES_PER_DAY,
    MAX_WEEKS,
    athlete_program_names,
)
from programs.models import ProgramTemplate, RepType
from replog.forms import NameField

ENGINE_CHOICES = (
    (EngineChoice.AUTO.value, "Automatic (the LLM when one is configured)"),
    (EngineChoice.RULES.value, "Built-in rules engine"),
    (EngineChoice.LLM.value, "LLM"),
)


class GenerateForm(forms.Form):
    program_name = NameField(label="Program name", max_length=200)
    days_per_week = forms.IntegerField(label="Days per week", min_value=1, max_value=MAX_DAYS)
    weeks = forms.IntegerField(label="Weeks", min_value=1, max_value=MAX_WEEKS)
    is_loop = forms.BooleanField(
        label="Loop (repeat until changed)",
        required=False,
        help_text="Unticked: a fixed block the coach reviews at the end.",
    )
    focus_areas = forms.MultipleChoiceField(
        label="Focus areas",
        choices=FOCUS_AREAS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    coach_directions = forms.CharField(
        label="Coach directions",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything the generator should respect, in your own words.",
    )
    reference_programs: forms.ModelMultipleChoiceField[ProgramTemplate] = (
        forms.ModelMultipleChoiceField(
            label="Reference programs",
            queryset=ProgramTemplate.objects.none(),  # per athlete, in __init__
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 6}),
        )
    )
    max_exercises_per_day = forms.IntegerField(
        label="Max exercises per day", min_value=1, max_value=MAX_EXERCISES_PER_DAY, initial=6
    )
    engine = forms.ChoiceField(label="Engine", choices=ENGINE_CHOICES, initial="auto")

    def __init__(self, *args: Any, athlete: Athlete, llm_configured: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.athlete = athlete
        references = self.fields["reference_programs"]
        assert isinstance(references, forms.ModelMultipleChoiceField)
        references.queryset = reference_program_choices(athlete)
        engine = self.fields["engine"]
        assert isinstance(engine, forms.ChoiceField)
        if not llm_configured:
            engine.choices = [c for c in ENGINE_CHOICES if c[0] != EngineChoice.LLM.value]

    def clean_program_name(self) -> str:
        name = " ".join(str(self.cleaned_data["program_name"]).split())
        if not name:
            raise forms.ValidationError("Give the new program a name.")
        taken = {n.casefold() for n in athlete_program_names(self.athlete)}
        if name.casefold() in taken:
            raise forms.ValidationError(
                f"{self.athlete.name} already has a program named “{name}”."
            )
        return name

    def to_request(self) -> GenerationRequest:
        data = self.cleaned_data
        return GenerationRequest(
            program_name=data["program_name"],
            days_per_week=data["days_per_week"],
            weeks=data["weeks"],
            is_loop=bool(data["is_loop"]),
            focus_areas=tuple(data["focus_areas"]),
            coach_directions=data["coach_directions"].strip(),
            reference_program_ids=tuple(p.pk for p in data["reference_programs"]),
            max_exercises_per_day=data["max_exercises_per_day"],
            engine=EngineChoice(data["engine"]),
        )

    @classmethod
    def initial_from(cls, request: GenerationRequest) -> dict[str, Any]:
        return {
            "program_name": request.program_name,
            "days_per_week": request.days_per_week,
            "weeks": request.weeks,
            "is_loop": request.is_loop,
            "focus_areas": list(request.focus_areas),
            "coach_directions": request.coach_directions,
            "reference_programs": list(request.reference_program_ids),
            "max_exercises_per_day": request.max_exercises_per_day,
            "engine": str(request.engine),
        }


class SetForm(forms.Form):
    """One prescribed set, edited as itself. Blank reps = AMRAP."""

    reps = forms.IntegerField(
        label="Reps", required=False, min_value=1, max_value=100_000, help_text="Empty = AMRAP"
    )
    rep_type = forms.ChoiceField(label="Rep type", choices=RepType.choices)
    percentage = forms.DecimalField(
        label="% TM",
        required=False,
        min_value=Decimal(20),
        max_value=Decimal(110),
        max_digits=5,
        decimal_places=2,
    )
    absolute_weight = forms.DecimalField(
        label="Weight",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(10_000),
        max_digits=8,
        decimal_places=2,
    )
    target_rpe = forms.DecimalField(
        label="RPE",
        required=False,
        min_value=Decimal(1),
        max_value=Decimal(10),
        max_digits=3,
        decimal_places=1,
    )
    notes = forms.CharField(label="Notes", required=False, max_length=500)

    @classmethod
    def initial_from(cls, row: dict[str, Any]) -> dict[str, Any]:
        return {
            "reps": row.get("reps"),
            "rep_type": row.get("rep_type") or RepType.REPS,
            "percentage": row.get("percentage"),
            "absolute_weight": row.get("absolute_weight"),
            "target_rpe": row.get("target_rpe"),
            "notes": row.get("notes") or "",
        }

    def values(self) -> SetValues:
        data = self.cleaned_data
        return SetValues(
            reps=data["reps"],
            rep_type=data["rep_type"],
            percentage=number(data["percentage"]),
            absolute_weight=number(data["absolute_weight"]),
            target_rpe=number(data["target_rpe"]),
            notes=data["notes"].strip() or None,
        )


class SwapForm(forms.Form):
    exercise = forms.IntegerField(label="Swap in", widget=forms.Select)
    every_week = forms.BooleanField(label="On this day in every week", required=False, initial=True)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["exercise"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = choices


REJECT_PICKS: tuple[str, ...] = (
    "Too much volume",
    "Too little volume",
    "Wrong exercises for this athlete",
    "Ignores an injury or health flag",
    "Loads too heavy",
    "Loads too light",
    "Does not match the goal",
)


class RejectForm(forms.Form):
    picks = forms.MultipleChoiceField(
        label="Quick reasons",
        required=False,
        choices=[(p, p) for p in REJECT_PICKS],
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label="In your words",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        # The reason is what the next draft is judged against: an empty one teaches nothing.
        data = super().clean() or {}
        parts = [*data.get("picks", []), (data.get("reason") or "").strip()]
        text = "; ".join(p for p in parts if p)
        if not text:
            raise forms.ValidationError("Say why you reject the draft: tick a reason or write one.")
        data["reason"] = text
        return data


class ApproveForm(forms.Form):
    start_date = forms.DateField(label="Start date", widget=forms.DateInput(attrs={"type": "date"}))


class RenameForm(forms.Form):
    name = NameField(label="Program name", max_length=200)
