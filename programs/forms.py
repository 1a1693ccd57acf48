from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from programs.access import equipment_visible_to, importable_athletes, is_admin
from programs.catalog.parse import LIMITS
from programs.catalog.schema import MAX_REPS, PROGRAM_NAME_MAX, SET_NOTES_MAX
from programs.catalog.wording import size_over_limit
from programs.models import Equipment, MovementPattern
from replog.forms import NameField


class ExerciseFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    pattern = forms.ChoiceField(
        required=False, choices=[("", "Any movement"), *MovementPattern.choices]
    )
    equipment = forms.ModelChoiceField(
        required=False, queryset=Equipment.objects.none(), empty_label="Any equipment"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only equipment this user may see: a coach's own never shows in another's picker.
        field = self.fields["equipment"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = equipment_visible_to(user).order_by("name")


class ProgramFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")


class CatalogUploadForm(forms.Form):
    file = forms.FileField(
        label="CatalogJSON file",
        help_text="A catalog exported from RepLog (this one or the original app), up to 10 MB.",
    )
    athlete: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label=None
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["athlete"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = importable_athletes(user).order_by("name")
        if is_admin(user):
            field.required = False
            field.empty_label = "Nobody — add to the global catalog"
            field.help_text = (
                "Global: programs become catalog templates for everyone. For an athlete: the "
                "program becomes their active program."
            )
        else:
            field.required = True
            field.empty_label = "Choose an athlete"
            field.help_text = "The program becomes this athlete's active program."

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        assert isinstance(upload, UploadedFile)
        if upload.size is not None and upload.size > LIMITS.max_bytes:
            raise forms.ValidationError(
                f"The file {size_over_limit(upload.size, LIMITS.max_bytes)}."
            )
        data = upload.read(LIMITS.max_bytes + 1)
        if len(data) > LIMITS.max_bytes:
            raise forms.ValidationError(
                f"The file is larger than {LIMITS.max_bytes / 1_048_576:.0f} MB."
            )
        return data


class MappingForm(forms.Form):
    kind = forms.ChoiceField(choices=[("equipment", "equipment"), ("exercise", "exercise")])
    key = forms.CharField(max_length=300)
    value = forms.CharField(max_length=320)


class ProgramNameForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("rename", "Rename"), ("replace", "Replace"), ("reset", "Undo")]
    )
    name = NameField(required=False, max_length=PROGRAM_NAME_MAX)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "rename" and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the new name.")
        return data


class SetEditForm(forms.Form):
    reps = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_REPS, help_text="Empty = AMRAP"
    )
    percentage = forms.DecimalField(
        required=False,
        min_value=Decimal(20),
        max_value=Decimal(110),
        max_digits=5,
        decimal_places=2,
        label="% of TM",
    )
    absolute_weight = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(10_000),
        max_digits=7,
        decimal_places=2,
        label="Weight",
    )
    target_rpe = forms.DecimalField(
        required=False,
        min_value=Decimal(1),
        max_value=Decimal(10),
        max_digits=3,
        decimal_places=1,
        label="RPE",
    )
    notes = forms.CharField(required=False, max_length=SET_NOTES_MAX)
