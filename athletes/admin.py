from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from athletes import services
from athletes.models import (
    Athlete,
    AthleteEquipment,
    AthleteNote,
    AthleteProgram,
    BodyWeight,
    GoalHistory,
    HistoryImportDraft,
    HistoryNameChoice,
    ReadinessCheckIn,
    RehabCap,
    TierHistory,
    TrainingMax,
    User,
    Workout,
    WorkoutReview,
    WorkoutSet,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "role", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_superuser", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("RepLog", {"fields": ("role",)}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("RepLog", {"fields": ("role",)}),
    )


class AthleteEquipmentInline(admin.TabularInline):
    model = AthleteEquipment
    extra = 0
    raw_id_fields = ("equipment",)


class AthleteProgramInline(admin.TabularInline):
    model = AthleteProgram
    extra = 0
    fields = ("template", "role", "start_date", "is_active", "ended_on", "end_reason")
    raw_id_fields = ("template",)
    show_change_link = True


class HistoryInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class GoalHistoryInline(HistoryInline):
    model = GoalHistory
    fields = ("changed_at", "previous_goal", "goal", "changed_by")
    readonly_fields = fields


class TierHistoryInline(HistoryInline):
    model = TierHistory
    fields = ("changed_at", "previous_tier", "tier", "changed_by")
    readonly_fields = fields


PROFILE_FIELDS = ("name", "tier", "goal", "sport", "notes", "date_of_birth", "track_body_weight")


class AthleteAdminForm(ModelForm):
    class Meta:
        model = Athlete
        fields = (*PROFILE_FIELDS, "coach", "user")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The service's rules, checked here so that saving cannot fail after validation.
        try:
            services.athlete_validate(
                name=cleaned.get("name") or "",
                tier=cleaned.get("tier") or "",
                goal=cleaned.get("goal") or "",
                sport=cleaned.get("sport") or "",
                notes=cleaned.get("notes") or "",
                date_of_birth=cleaned.get("date_of_birth"),
                coach=cleaned.get("coach"),
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                for error in errors:
                    self.add_error(field if field in self.fields else None, error)
        return cleaned


@admin.register(Athlete)
class AthleteAdmin(admin.ModelAdmin):
    form = AthleteAdminForm
    list_display = (
        "name",
        "tier",
        "sport",
        "coach_name",
        "user",
        "track_body_weight",
        "created_at",
    )
    list_filter = ("tier", "track_body_weight", "coach")
    list_select_related = ("coach", "user")
    search_fields = (
        "name",
        "sport",
        "goal",
        "coach__username",
        "coach__first_name",
        "coach__last_name",
        "user__username",
    )
    autocomplete_fields = ("coach", "user")
    inlines = (AthleteEquipmentInline, AthleteProgramInline, TierHistoryInline, GoalHistoryInline)
    date_hierarchy = "created_at"

    @admin.display(description="coach", ordering="coach__last_name")
    def coach_name(self, obj: Athlete) -> str:
        # The username says who logs in, not who the coach is ("coach coach").
        coach = obj.coach
        return (coach.get_full_name() or coach.username) if coach is not None else "—"

    def save_model(self, request: HttpRequest, obj: Athlete, form: ModelForm, change: bool) -> None:
        # Through the service, so a goal or tier changed here is recorded in the history too.
        by = request.user if isinstance(request.user, User) else None
        profile: dict[str, Any] = {name: getattr(obj, name) for name in PROFILE_FIELDS}
        if change:
            services.athlete_update(athlete=obj, by=by, coach=obj.coach, **profile)
            if "user" in form.changed_data:
                obj.save(update_fields=["user"])
        else:
            created = services.athlete_create(coach=obj.coach, user=obj.user, by=by, **profile)
            obj.pk = created.pk
            obj.created_at = created.created_at
            obj._state.adding = False
            obj._state.db = created._state.db


class WorkoutSetInline(admin.TabularInline):
    model = WorkoutSet
    extra = 0
    fields = ("exercise", "set_number", "reps", "rep_type", "weight", "rpe", "is_amrap", "notes")
    raw_id_fields = ("exercise",)


class WorkoutReviewInline(admin.StackedInline):
    model = WorkoutReview
    extra = 0
    max_num = 1
    autocomplete_fields = ("coach",)


@admin.register(Workout)
class WorkoutAdmin(admin.ModelAdmin):
    list_display = ("date", "athlete", "assignment", "week", "day", "set_count", "review_status")
    list_filter = ("date", "review__status", "athlete__coach")
    search_fields = ("athlete__name", "notes")
    date_hierarchy = "date"
    autocomplete_fields = ("athlete", "assignment")
    inlines = (WorkoutSetInline, WorkoutReviewInline)
    list_select_related = ("athlete", "assignment__template", "review")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Workout]:
        return super().get_queryset(request).prefetch_related("sets")

    @admin.display(description="sets")
    def set_count(self, obj: Workout) -> int:
        return len(obj.sets.all())

    @admin.display(description="review")
    def review_status(self, obj: Workout) -> str:
        review = getattr(obj, "review", None)
        return review.get_status_display() if review else "—"


@admin.register(WorkoutSet)
class WorkoutSetAdmin(admin.ModelAdmin):
    list_display = ("workout", "exercise", "set_number", "reps", "rep_type", "weight", "rpe")
    list_filter = ("rep_type", "is_amrap")
    search_fields = ("workout__athlete__name", "exercise__name")
    autocomplete_fields = ("workout",)
    raw_id_fields = ("exercise",)
    list_select_related = ("workout__athlete", "exercise")


@admin.register(WorkoutReview)
class WorkoutReviewAdmin(admin.ModelAdmin):
    list_display = ("workout", "status", "coach", "reviewed_at")
    list_filter = ("status", "reviewed_at")
    search_fields = ("workout__athlete__name", "notes")
    autocomplete_fields = ("workout", "coach")
    list_select_related = ("workout__athlete", "coach")


@admin.register(AthleteProgram)
class AthleteProgramAdmin(admin.ModelAdmin):
    list_display = ("athlete", "template", "role", "start_date", "is_active", "end_reason")
    list_filter = ("is_active", "role", "end_reason")
    search_fields = ("athlete__name", "template__name", "cycle_goal")
    autocomplete_fields = ("athlete",)
    raw_id_fields = ("template",)
    date_hierarchy = "start_date"
    list_select_related = ("athlete", "template")


@admin.register(AthleteNote)
class AthleteNoteAdmin(admin.ModelAdmin):
    list_display = ("athlete", "date", "short_content", "author", "is_private", "is_pinned")
    list_filter = ("is_private", "is_pinned", "date")
    search_fields = ("athlete__name", "content")
    autocomplete_fields = ("athlete", "author")
    list_select_related = ("athlete", "author")

    @admin.display(description="note")
    def short_content(self, obj: AthleteNote) -> str:
        return obj.content[:80]


@admin.register(TrainingMax)
class TrainingMaxAdmin(admin.ModelAdmin):
    list_display = ("athlete", "exercise", "weight", "effective_date")
    list_filter = ("effective_date",)
    search_fields = ("athlete__name", "exercise__name")
    autocomplete_fields = ("athlete",)
    raw_id_fields = ("exercise",)
    date_hierarchy = "effective_date"
    list_select_related = ("athlete", "exercise")


@admin.register(BodyWeight)
class BodyWeightAdmin(admin.ModelAdmin):
    list_display = ("athlete", "date", "weight")
    list_filter = ("date",)
    search_fields = ("athlete__name",)
    autocomplete_fields = ("athlete",)
    date_hierarchy = "date"
    list_select_related = ("athlete",)


@admin.register(AthleteEquipment)
class AthleteEquipmentAdmin(admin.ModelAdmin):
    list_display = ("athlete", "equipment")
    list_filter = ("equipment",)
    search_fields = ("athlete__name", "equipment__name")
    autocomplete_fields = ("athlete",)
    raw_id_fields = ("equipment",)
    list_select_related = ("athlete", "equipment")


class AppendOnlyAdmin(admin.ModelAdmin):
    """History is written by the services; the admin may read it, not rewrite it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GoalHistory)
class GoalHistoryAdmin(AppendOnlyAdmin):
    list_display = ("athlete", "changed_at", "goal", "changed_by")
    list_filter = ("changed_at",)
    search_fields = ("athlete__name", "goal", "previous_goal")
    list_select_related = ("athlete", "changed_by")


@admin.register(TierHistory)
class TierHistoryAdmin(AppendOnlyAdmin):
    list_display = ("athlete", "changed_at", "previous_tier", "tier", "changed_by")
    list_filter = ("tier", "changed_at")
    search_fields = ("athlete__name",)
    list_select_related = ("athlete", "changed_by")


@admin.register(HistoryNameChoice)
class HistoryNameChoiceAdmin(admin.ModelAdmin):
    """A wrong remembered mapping is fixed (or deleted) here; the next import uses it."""

    list_display = ("source_name", "exercise", "coach", "updated_at")
    search_fields = ("source_name", "exercise__name", "coach__username")
    list_select_related = ("exercise", "coach")
    raw_id_fields = ("coach", "exercise")


@admin.register(HistoryImportDraft)
class HistoryImportDraftAdmin(admin.ModelAdmin):
    """Uploads waiting for their preview; the parsed rows are too big to show."""

    list_display = ("athlete", "filename", "format", "created_by", "created_at")
    list_select_related = ("athlete", "created_by")
    exclude = ("parsed",)
    readonly_fields = ("athlete", "created_by", "filename", "format", "choices", "merge_policy")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReadinessCheckIn)
class ReadinessCheckInAdmin(admin.ModelAdmin):
    list_display = ("athlete", "date", "sleep", "energy", "minutes_available", "pain", "illness")
    list_filter = ("date", "pain", "illness")
    search_fields = ("athlete__name",)
    autocomplete_fields = ("athlete",)
    date_hierarchy = "date"
    list_select_related = ("athlete",)


@admin.register(RehabCap)
class RehabCapAdmin(admin.ModelAdmin):
    list_display = ("athlete", "exercise", "max_weight", "note")
    search_fields = ("athlete__name", "exercise__name")
    autocomplete_fields = ("athlete", "exercise")
    list_select_related = ("athlete", "exercise")


# The intake's admin lives beside its models; importing it registers it.
from athletes import intake_admin as _intake_admin  # noqa: E402, F401
