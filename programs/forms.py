from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from programs.access import equipment_visible_to, importable_athletes, is_admin
from programs.catalog.parse import LIMITS
from programs.catalog.schema import MAX_REPS, PROGRAM_NAME_MAX, SET_NOTES_MAX
from programs.catalog.wording import size_over_limit
from programs.models import Equipment, KeptUpload, MovementPattern
from programs.uploads import upload_kept
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


class ImportTargetForm(forms.Form):
    """Where an import goes: one of the user's athletes, or nobody (a coach's library; an
    admin's global catalog). The catalog upload and the free-text plan import share it."""

    athlete: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, label="Import for", empty_label=None
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["athlete"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = importable_athletes(user).order_by("name")
        if is_admin(user):
            field.empty_label = "Nobody — add to the global catalog"
            field.help_text = (
                "Global: the programs become catalog templates for everyone. For an athlete: the "
                "one program becomes their active program."
            )
        else:
            field.empty_label = "Nobody — add to my library"
            field.help_text = (
                "Your library: the programs stay yours, to assign to any of your athletes later "
                "(a file may hold many). For an athlete: the one program becomes their active "
                "program."
            )


class CatalogUploadForm(ImportTargetForm):
    file = forms.FileField(
        label="CatalogJSON file",
        help_text="A catalog exported from RepLog (this one or the original app), up to 10 MB.",
    )
    # The file kept from the last attempt (programs.uploads): used when no new file is chosen.
    kept = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["file", "athlete"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.kept_upload: KeptUpload | None = None
        # With a kept file, choosing one again is optional (checked in clean()).
        self.fields["file"].required = not self.data.get("kept")

    def keep(self, kept: KeptUpload | None) -> None:
        """Render with `kept` as the file: choosing one again becomes optional."""
        self.fields["file"].required = kept is None

    def clean_file(self) -> bytes | None:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "file" in self.errors:
            return data
        self.kept_upload = upload_kept(by=self.user, pk=data.get("kept"))
        if data.get("file") is None:
            if self.kept_upload is None:
                self.add_error("file", "Choose a file.")
            else:
                data["file"] = bytes(self.kept_upload.data)
        return data

    def filename(self, upload: Any) -> str:
        if upload is not None:
            return str(getattr(upload, "name", "") or "")
        return self.kept_upload.filename if self.kept_upload is not None else ""


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
