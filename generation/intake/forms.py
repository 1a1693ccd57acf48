"""The intake form: plain fields a phone can fill, turned into athletes.intake.IntakeData (the
pydantic model is the one validator; its messages land on the field they are about)."""

from __future__ import annotations

from typing import Any

from django import forms
from pydantic import ValidationError as PydanticError

from athletes.intake import IntakeData

GOALS = (
    ("strength", "Strength"),
    ("sport", "Sport"),
    ("general_fitness", "General fitness"),
    ("race", "A race"),
)
PRESETS = (
    ("full_gym", "Full gym"),
    ("school_weight_room", "School weight room"),
    ("home_dumbbells", "Home dumbbells"),
    ("bodyweight_only", "Bodyweight only"),
)
LIST_HELP = "One per line."


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _maxes(text: str) -> list[dict[str, str]]:
    """ "Back Squat: 100" lines → estimated maxes; a line without a colon is left for pydantic."""
    rows = []
    for line in _lines(text):
        name, _, weight = line.rpartition(":")
        rows.append({"exercise": name.strip() or line, "weight": weight.strip() or "0"})
    return rows


class IntakeForm(forms.Form):
    experience_years = forms.IntegerField(label="Years of training", min_value=0, initial=0)
    estimated_maxes = forms.CharField(
        label="Current lifts or estimated maxes (if known)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}), help_text="One per line: “Back Squat: 100”.",
    )  # fmt: skip
    goals = forms.MultipleChoiceField(
        label="Goals", choices=GOALS, widget=forms.CheckboxSelectMultiple
    )
    sport = forms.CharField(label="Sport", required=False, max_length=80)
    season_start = forms.DateField(label="Season starts", required=False)
    season_end = forms.DateField(label="Season ends", required=False)
    days_per_week = forms.IntegerField(label="Days per week", min_value=1, max_value=7, initial=3)
    session_minutes = forms.IntegerField(label="Session length (minutes)", initial=60)
    equipment_preset = forms.ChoiceField(label="Equipment", choices=PRESETS)
    equipment = forms.CharField(
        label="Equipment (edit the preset)", required=False, help_text=LIST_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    limitations = forms.CharField(
        label="Injuries and limitations", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    likes = forms.CharField(label="Exercises liked", required=False, help_text=LIST_HELP,
                            widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    dislikes = forms.CharField(label="Exercises disliked", required=False, help_text=LIST_HELP,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    date_of_birth = forms.DateField(label="Date of birth", required=False)
    body_weight = forms.DecimalField(label="Body weight", required=False, min_value=0)
    unit = forms.ChoiceField(label="Unit", choices=(("kg", "kg"), ("lbs", "lb")))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        raw = {k: v for k, v in cleaned.items() if k not in ("name", "username", "password")}
        raw["estimated_maxes"] = _maxes(cleaned.get("estimated_maxes") or "")
        for name in ("equipment", "likes", "dislikes"):
            raw[name] = _lines(cleaned.get(name) or "")
        raw["sport"] = cleaned.get("sport") or ""
        raw["limitations"] = cleaned.get("limitations") or ""
        try:
            cleaned["intake"] = IntakeData.model_validate(raw)
        except PydanticError as exc:
            for error in exc.errors():
                where = str(error["loc"][0]) if error["loc"] else ""
                field: str | None = where if where in self.fields else None
                message = error["msg"].removeprefix("Value error, ")
                if error["loc"] and where == "estimated_maxes" and len(error["loc"]) > 1:
                    message = f"line {int(error['loc'][1]) + 1}: {message}"
                self.add_error(field, message)
        return cleaned


class NewAthleteIntakeForm(IntakeForm):
    name = forms.CharField(label="Name", max_length=120)
    field_order = ["name"]


class InviteIntakeForm(IntakeForm):
    username = forms.CharField(label="Choose a username", max_length=150)
    password = forms.CharField(label="Choose a password", widget=forms.PasswordInput, min_length=10)
    field_order = ["username", "password"]
