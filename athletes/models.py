from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from programs.models import Audience, Equipment, Exercise, ProgramTemplate, RepType


class Role(models.TextChoices):
    COACH = "coach", "Coach"
    ATHLETE = "athlete", "Athlete"


class User(AbstractUser):
    # Admin is `is_staff`, orthogonal to role: a staff coach sees everything.
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.COACH)

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.is_staff or self.is_superuser)

    @property
    def is_coach(self) -> bool:
        return self.is_active and self.role == Role.COACH

    @property
    def is_athlete(self) -> bool:
        return self.is_active and self.role == Role.ATHLETE


class AthleteTier(models.TextChoices):
    NONE = "none", "None (general / adult)"
    FOUNDATIONAL = "foundational", "Foundational"
    INTERMEDIATE = "intermediate", "Intermediate"
    SPORT_PERFORMANCE = "sport_performance", "Sport performance"


YOUTH_MAX_AGE = 17


class Athlete(models.Model):
    name = models.CharField(max_length=120)
    tier = models.CharField(max_length=20, choices=AthleteTier.choices, default=AthleteTier.NONE)
    goal = models.TextField("long-term goal", blank=True, default="")
    sport = models.CharField(max_length=80, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    date_of_birth = models.DateField(null=True, blank=True)
    coach = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="coached_athletes"
    )
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="athlete_profile"
    )
    track_body_weight = models.BooleanField(default=True)
    # The coach allows this athlete to adjust today's session themselves (check-in → accept).
    may_adjust_session = models.BooleanField("athlete may adjust today's session", default=False)
    equipment = models.ManyToManyField(
        Equipment, through="AthleteEquipment", related_name="owners", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["coach", "name"], name="athlete_coach_name_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("athletes:detail", args=[self.pk])

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def audience(self) -> str:
        age = self.age
        return Audience.YOUTH if age is not None and age <= YOUTH_MAX_AGE else Audience.ADULT


class AthleteEquipment(models.Model):
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="equipment_links")
    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="athlete_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "equipment"], name="athlete_equipment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.athlete} has {self.equipment}"


class ProgramRole(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SUPPLEMENTAL = "supplemental", "Supplemental"


class EndReason(models.TextChoices):
    COMPLETED = "completed", "Completed"
    REPLACED = "replaced", "Replaced by a new program"
    STOPPED = "stopped", "Stopped by the coach"


class AthleteProgram(models.Model):
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="assignments")
    template = models.ForeignKey(
        ProgramTemplate, on_delete=models.PROTECT, related_name="assignments"
    )
    start_date = models.DateField(default=timezone.localdate)
    is_active = models.BooleanField(default=True)
    role = models.CharField(max_length=15, choices=ProgramRole.choices, default=ProgramRole.PRIMARY)
    cycle_goal = models.TextField(blank=True, default="")
    notes = models.TextField(blank=True, default="")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=15, choices=EndReason.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_active", "-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete"],
                condition=Q(is_active=True, role="primary"),
                name="one_active_primary_program_per_athlete",
            ),
        ]
        indexes = [
            models.Index(fields=["athlete", "is_active"], name="assignment_athlete_active_idx")
        ]

    def __str__(self) -> str:
        return f"{self.athlete}: {self.template} ({'active' if self.is_active else 'ended'})"


class Workout(models.Model):
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="workouts")
    date = models.DateField(default=timezone.localdate)
    assignment = models.ForeignKey(
        AthleteProgram, null=True, blank=True, on_delete=models.SET_NULL, related_name="workouts"
    )
    # Which prescribed session this workout fulfilled, fixed when it is logged (sessions in order).
    week = models.PositiveSmallIntegerField(null=True, blank=True)
    day = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True, default="")
    # Set only on a workout an import created apart from the day's own ("separate").
    import_key = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    # Who logged it: an athlete may edit their own entries (until reviewed), never the coach's.
    # Null for workouts from before this was recorded, and for imports: nobody's but the coach's.
    logged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            # One logged workout a day. An imported workout the coach chose to keep apart from
            # the day's existing one carries its source key and may share the date.
            models.UniqueConstraint(
                fields=["athlete", "date"],
                condition=Q(import_key=""),
                name="one_workout_per_athlete_per_day",
            )
        ]
        indexes = [
            models.Index(fields=["athlete", "-date"], name="workout_athlete_date_idx"),
            models.Index(fields=["athlete", "import_key"], name="workout_athlete_import_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.athlete} {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("athletes:workout_detail", args=[self.athlete_id, self.pk])


class SetKind(models.TextChoices):
    NORMAL = "normal", "Working set"
    WARMUP = "warmup", "Warm-up"
    FAILURE = "failure", "To failure"
    DROP = "drop", "Drop set"


class WorkoutSet(models.Model):
    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="sets")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="logged_sets")
    set_number = models.PositiveSmallIntegerField()
    reps = models.PositiveIntegerField(null=True, blank=True)
    rep_type = models.CharField(max_length=10, choices=RepType.choices, default=RepType.REPS)
    weight = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    rpe = models.DecimalField("RPE", max_digits=3, decimal_places=1, null=True, blank=True)
    # An AMRAP set: reps is the result the athlete achieved.
    is_amrap = models.BooleanField(default=False)
    kind = models.CharField(max_length=10, choices=SetKind.choices, default=SetKind.NORMAL)
    # The time of a timed or distance set (a run keeps both its metres in `reps` and its time).
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    # A run's average heart rate (beats a minute), when the athlete's watch gave one.
    avg_heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True, default="")
    # A fingerprint of the source row for imported sets: importing the same file again adds
    # nothing. Empty for sets logged in the app.
    import_key = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["workout", "exercise_id", "set_number"]
        indexes = [models.Index(fields=["import_key"], name="workout_set_import_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["workout", "exercise", "set_number"], name="workout_set_unique"
            ),
            models.CheckConstraint(condition=Q(set_number__gte=1), name="workout_set_number_gte_1"),
            models.CheckConstraint(
                condition=Q(rpe__isnull=True) | Q(rpe__gte=1, rpe__lte=10),
                name="workout_set_rpe_1_10",
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gte=0), name="workout_set_weight_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} #{self.set_number}"


class ReviewStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    NEEDS_WORK = "needs_work", "Needs work"


class WorkoutReview(models.Model):
    workout = models.OneToOneField(Workout, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(max_length=12, choices=ReviewStatus.choices)
    notes = models.TextField(blank=True, default="")
    coach = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="reviews")
    reviewed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.workout}: {self.get_status_display()}"


class AthleteNote(models.Model):
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="athlete_notes")
    author = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="authored_notes"
    )
    date = models.DateField(default=timezone.localdate)
    content = models.TextField()
    is_private = models.BooleanField("private (coaches only)", default=False)
    is_pinned = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_pinned", "-date", "-pk"]
        indexes = [models.Index(fields=["athlete", "-date"], name="note_athlete_date_idx")]

    def __str__(self) -> str:
        return f"{self.athlete} {self.date}: {self.content[:40]}"


class TrainingMax(models.Model):
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="training_maxes")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="training_maxes")
    weight = models.DecimalField(max_digits=8, decimal_places=2)
    effective_date = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["exercise_id", "-effective_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "exercise", "effective_date"], name="training_max_unique_per_day"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="training_max_weight_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.athlete} {self.exercise} TM {self.weight} from {self.effective_date}"


class BodyWeight(models.Model):
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="body_weights")
    date = models.DateField(default=timezone.localdate)
    weight = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["athlete", "date"], name="body_weight_unique_per_day"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="body_weight_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.athlete} {self.date}: {self.weight}"


class GoalHistory(models.Model):
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="goal_history")
    previous_goal = models.TextField(blank=True, default="")
    goal = models.TextField(blank=True, default="")
    changed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name_plural = "goal history"

    def __str__(self) -> str:
        return f"{self.athlete}: goal → {self.goal[:40]}"


class TierHistory(models.Model):
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="tier_history")
    previous_tier = models.CharField(
        max_length=20, choices=AthleteTier.choices, blank=True, default=""
    )
    tier = models.CharField(max_length=20, choices=AthleteTier.choices)
    changed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name_plural = "tier history"

    def __str__(self) -> str:
        return f"{self.athlete}: tier {self.previous_tier} → {self.tier}"


class HistoryNameChoice(models.Model):
    """A coach's answer to "which exercise is this name from an imported file?", asked once:
    the next import of a file naming it the same way uses it before the matcher."""

    coach = models.ForeignKey(User, on_delete=models.CASCADE, related_name="history_names")
    source_name = models.CharField(max_length=200)  # case-folded, spaces collapsed
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "source_name"], name="history_name_choice_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_name} → {self.exercise_id}"


class HistoryImportDraft(models.Model):
    """An uploaded history file between upload and import: the parsed rows and the coach's
    choices in the preview. Deleted when imported."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="history_drafts")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255, blank=True, default="")
    format = models.CharField(max_length=10)
    parsed = models.JSONField(default=dict)
    choices = models.JSONField(default=dict, blank=True)
    merge_policy = models.CharField(max_length=10, default="merge")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.athlete}: {self.filename or self.format} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("athletes:history_preview", args=[self.athlete_id, self.pk])


class Severity(models.TextChoices):
    MINOR = "minor", "Minor"
    MODERATE = "moderate", "Moderate"
    MAJOR = "major", "Major"


class ReadinessCheckIn(models.Model):
    """How the athlete arrives today: one short form, stored per date. Empty = not asked."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="check_ins")
    date = models.DateField(default=timezone.localdate)
    sleep = models.PositiveSmallIntegerField(null=True, blank=True)
    energy = models.PositiveSmallIntegerField(null=True, blank=True)
    # {muscle group: 1–10}, only the groups the athlete was asked about.
    soreness = models.JSONField(default=dict, blank=True)
    minutes_available = models.PositiveSmallIntegerField(null=True, blank=True)
    pain = models.CharField(max_length=10, choices=Severity.choices, blank=True, default="")
    pain_note = models.CharField(max_length=500, blank=True, default="")
    illness = models.CharField(max_length=10, choices=Severity.choices, blank=True, default="")
    illness_note = models.CharField(max_length=500, blank=True, default="")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["athlete", "date"], name="check_in_unique_per_day"),
            models.CheckConstraint(
                condition=Q(sleep__isnull=True) | Q(sleep__gte=1, sleep__lte=5),
                name="check_in_sleep_1_5",
            ),
            models.CheckConstraint(
                condition=Q(energy__isnull=True) | Q(energy__gte=1, energy__lte=5),
                name="check_in_energy_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.athlete} check-in {self.date}"


class RehabCap(models.Model):
    """The coach's ceiling for a lift during rehab: no adjusted session goes above it."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="rehab_caps")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    max_weight = models.DecimalField(max_digits=8, decimal_places=2)
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["athlete", "exercise"], name="rehab_cap_unique"),
            models.CheckConstraint(condition=Q(max_weight__gte=0), name="rehab_cap_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.athlete} {self.exercise} ≤ {self.max_weight}"


# The intake snapshot and invite live in their own module; importing them here registers them.
from athletes.intake_models import IntakeInvite, IntakeSnapshot  # noqa: E402, F401
