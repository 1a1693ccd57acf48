from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from generation.plan_import.models import PlanParser
from generation.plan_import.service import MAX_CHARS
from programs.forms import ImportTargetForm

MAX_FILE_BYTES = 4 * MAX_CHARS  # UTF-8 is at most four bytes a character


class PlanTextForm(ImportTargetForm):
    """Paste or upload a plan; the athlete field (and who may pick whom) is the catalog
    upload's."""

    text = forms.CharField(
        label="Plan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        help_text="Paste the plan as you wrote it: “Day 1: Upper”, “Bench Press 3x8 @ RPE 8”…",
    )
    file = forms.FileField(
        label="…or a .txt / .md file",
        required=False,
        help_text="Plain text, up to 50,000 characters.",
    )
    parser = forms.ChoiceField(choices=PlanParser.choices, initial=PlanParser.AUTO)
    name = forms.CharField(
        label="Program name",
        required=False,
        max_length=200,
        help_text="Empty: the plan's title, or “Imported plan”.",
    )

    field_order = ["text", "file", "athlete", "name", "parser"]

    def clean_file(self) -> str:
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        assert isinstance(upload, UploadedFile)
        if not (upload.name or "").lower().endswith((".txt", ".md", ".markdown", ".text")):
            raise forms.ValidationError("Upload a .txt or .md file.")
        data = upload.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file is longer than {MAX_CHARS:,} characters.")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text; save it as UTF-8 and upload it again."
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text, uploaded = data.get("text") or "", data.get("file") or ""
        if text.strip() and uploaded:
            raise forms.ValidationError("Paste the plan or upload a file, not both.")
        if not text.strip() and not uploaded and "file" not in self.errors:
            raise forms.ValidationError("Paste the plan, or upload a .txt or .md file.")
        data["plan"] = text or uploaded
        return data
