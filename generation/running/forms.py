"""The "New running plan" form: the coach's words in, PlanSettings out (or the field's error)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from generation.engines.base import EngineChoice
from generation.running.plan import (
    RACE_LABELS,
    WEEKDAY_LABELS,
    PlanError,
    PlanSettings,
    plan_settings,
)
from generation.runs.forms import ENGINE_CHOICES

WEEKDAY_CHOICES = [(str(i), label) for i, label in enumerate(WEEKDAY_LABELS)]


class RunningPlanForm(forms.Form):
    program_name = forms.CharField(
        label="Plan name", max_length=200, required=False, help_text="Empty: named after the race."
    )
    race = forms.ChoiceField(label="Race", choices=list(RACE_LABELS.items()), initial="10k")
    race_date = forms.DateField(
        label="Race date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    weeks = forms.IntegerField(
        label="Or number of weeks", required=False, min_value=1, max_value=52
    )
    days_per_week = forms.IntegerField(label="Runs per week", min_value=1, max_value=7, initial=3)
    preferred = forms.MultipleChoiceField(
        label="Preferred days",
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="As many as runs per week; none: spread out, long run on Sunday.",
    )
    long_run_day = forms.TypedChoiceField(
        label="Long-run day",
        choices=[("", "Automatic"), *WEEKDAY_CHOICES],
        required=False,
        coerce=int,
        empty_value=None,
    )
    speedwork = forms.BooleanField(label="Speedwork (quality days)", required=False, initial=True)
    cross_training = forms.BooleanField(label="Cross-training on rest days", required=False)
    start_date = forms.DateField(
        label="Start date",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Weeks run Monday to Sunday: the plan starts on the Monday on or after it.",
    )
    engine = forms.ChoiceField(label="Coaching text", choices=ENGINE_CHOICES, initial="auto")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        values = {
            "race": data["race"],
            "race_date": data.get("race_date"),
            "weeks": data.get("weeks"),
            "days_per_week": data["days_per_week"],
            "preferred": tuple(int(d) for d in data.get("preferred") or ()),
            "long_run_day": data.get("long_run_day"),
            "speedwork": data.get("speedwork", False),
            "cross_training": data.get("cross_training", False),
            "start_date": data["start_date"],
        }
        if values["race_date"] is None and values["weeks"] is None:
            values["weeks"] = 8
        try:
            data["settings"] = plan_settings(values)
        except PlanError as exc:
            raise forms.ValidationError(exc.message) from None
        return data

    @property
    def settings(self) -> PlanSettings:
        return self.cleaned_data["settings"]

    @property
    def engine_choice(self) -> EngineChoice:
        return EngineChoice(self.cleaned_data["engine"])
