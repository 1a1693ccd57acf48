from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

# Loads are Decimal everywhere: numbers are stored exactly as the coach entered them, and
# plate rounding (half-up to the increment) must be exact — 56.25 at 2.5 → 57.5, never 55.


class Tier(models.TextChoices):
    FOUNDATIONAL = "foundational", "Foundational"
    INTERMEDIATE = "intermediate", "Intermediate"
    SPORT_PERFORMANCE = "sport_performance", "Sport performance"


class MovementPattern(models.TextChoices):
    SQUAT = "squat", "Squat"
    HINGE = "hinge", "Hinge"
    LUNGE = "lunge", "Lunge"
    HORIZONTAL_PUSH = "horizontal_push", "Horizontal push"
    VERTICAL_PUSH = "vertical_push", "Vertical push"
    HORIZONTAL_PULL = "horizontal_pull", "Horizontal pull"
    VERTICAL_PULL = "vertical_pull", "Vertical pull"
    CARRY = "carry", "Carry"
    CORE = "core", "Core"
    PLYOMETRIC = "plyometric", "Plyometric"
    OLYMPIC = "olympic", "Olympic"
    CONDITIONING = "conditioning", "Conditioning"
    MOBILITY = "mobility", "Mobility"
    RUN = "run", "Run"


class MuscleGroup(models.TextChoices):
    QUADS = "quads", "Quads"
    HAMSTRINGS = "hamstrings", "Hamstrings"
    GLUTES = "glutes", "Glutes"
    LOWER_BACK = "lower_back", "Lower back"
    UPPER_BACK = "upper_back", "Upper back"
    CHEST = "chest", "Chest"
    TRICEPS = "triceps", "Triceps"
    SHOULDERS = "shoulders", "Shoulders"
    BICEPS = "biceps", "Biceps"
    CORE = "core", "Core"


class RepType(models.TextChoices):
    REPS = "reps", "reps"
    EACH_SIDE = "each_side", "each side"
    SECONDS = "seconds", "seconds"
    DISTANCE = "distance", "metres"


class Audience(models.TextChoices):
    YOUTH = "youth", "Youth"
    ADULT = "adult", "Adult"


class WeekType(models.TextChoices):
    BASE = "base", "Base"
    BUILD = "build", "Build"
    PEAK = "peak", "Peak"
    RECOVERY = "recovery", "Recovery"
    TAPER = "taper", "Taper"
    RACE = "race", "Race"


def owned_by(owner_id: int | None, *, prefix: str = "") -> Q:
    """The catalog rows a coach's work may use: the global ones and that coach's own
    (`owner_id` None = the global ones only). `prefix` reaches the row through a relation."""
    glob = Q(**{f"{prefix}owner__isnull": True})
    return glob if owner_id is None else glob | Q(**{f"{prefix}owner_id": owner_id})


def usable_for_athlete(athlete_id: int, *, prefix: str = "") -> Q:
    """`owned_by` the athlete's coach, as a join (no query for the coach first): what the
    generator may read and write for this athlete."""
    glob = Q(**{f"{prefix}owner__isnull": True})
    return glob | Q(**{f"{prefix}owner__coached_athletes__id": athlete_id})


def global_programs(*, prefix: str = "") -> Q:
    """Programs in the global catalog: neither an athlete's own nor in a coach's library."""
    return Q(**{f"{prefix}owner__isnull": True, f"{prefix}coach__isnull": True})


def library_of(coach_id: int, *, prefix: str = "") -> Q:
    """A coach's library: programs they imported for later, assignable to any of their athletes."""
    return Q(**{f"{prefix}owner__isnull": True, f"{prefix}coach_id": coach_id})


def program_scope(*, athlete_id: int | None = None, library_coach_id: int | None = None) -> Q:
    """Where an import's programs go, and where their names must be unique: an athlete's own
    programs, a coach's library, or (neither) the global catalog."""
    if athlete_id is not None:
        return Q(owner_id=athlete_id)
    if library_coach_id is not None:
        return library_of(library_coach_id)
    return global_programs()


def programs_for_athlete(athlete_id: int, *, prefix: str = "") -> Q:
    """The programs an athlete may follow and the generator may read for them: the global ones,
    their own, and their coach's library (a join: no query for the coach first)."""
    return (
        global_programs(prefix=prefix)
        | Q(**{f"{prefix}owner_id": athlete_id})
        | Q(**{f"{prefix}coach__coached_athletes__id": athlete_id})
    )


def _per_owner_unique(table: str) -> list[models.BaseConstraint]:
    # A name is unique among the global rows and within each coach's own: two coaches may each
    # have a "Box Jump" without clashing.
    return [
        models.UniqueConstraint(
            Lower("name"), condition=Q(owner__isnull=True), name=f"{table}_global_name_ci_unique"
        ),
        models.UniqueConstraint(
            "owner",
            Lower("name"),
            condition=Q(owner__isnull=False),
            name=f"{table}_owner_name_ci_unique",
        ),
    ]


def _owner(related_name: str) -> models.ForeignKey[Any, Any]:
    # The coach whose import or form created the row (theirs and their athletes'); null =
    # global, which only admins create.
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name=related_name,
    )


class Equipment(models.Model):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    owner = _owner("own_equipment")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "equipment"
        constraints = _per_owner_unique("equipment")

    def __str__(self) -> str:
        return self.name


class Exercise(models.Model):
    name = models.CharField(max_length=120)
    tier = models.CharField(max_length=20, choices=Tier.choices, blank=True, default="")
    form_notes = models.TextField(blank=True, default="")
    demo_url = models.URLField(blank=True, default="", max_length=500)
    rest_seconds = models.PositiveIntegerField(null=True, blank=True)
    featured = models.BooleanField(default=False)
    aliases = models.JSONField(default=list, blank=True)
    movement_pattern = models.CharField(
        max_length=20, choices=MovementPattern.choices, blank=True, default=""
    )
    # MuscleGroup values. Weekly volume counts a set fully toward each primary group and half
    # toward each secondary one (today's-session adjustment: MEV/MRV per group).
    primary_muscles = models.JSONField(default=list, blank=True)
    secondary_muscles = models.JSONField(default=list, blank=True)
    equipment = models.ManyToManyField(
        Equipment, through="ExerciseEquipment", related_name="exercises"
    )
    owner = _owner("own_exercises")

    class Meta:
        ordering = ["name"]
        constraints = _per_owner_unique("exercise")
        indexes = [models.Index(fields=["movement_pattern"], name="exercise_pattern_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:exercise_detail", args=[self.pk])


class ExerciseEquipment(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="equipment_links")
    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="exercise_links"
    )
    optional = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "equipment"], name="exercise_equipment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exercise} needs {self.equipment}{' (optional)' if self.optional else ''}"


class ProgramTemplate(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    num_weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    num_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    is_loop = models.BooleanField(default=False)
    audience = models.CharField(max_length=10, choices=Audience.choices, blank=True, default="")
    # A global template has neither owner nor coach; an athlete's own (imported or generated)
    # program has an owner; a program in a coach's library has that coach (and no owner).
    # String reference: the catalog never imports athlete code.
    owner = models.ForeignKey(
        "athletes.Athlete",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_programs",
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="library_programs",
    )
    # CatalogJSON 1.1 `weeks`: [{week, week_type, coach_notes}], kept as given so that an
    # export → import round trip is lossless.
    weeks = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(owner__isnull=True, coach__isnull=True),
                name="program_global_name_ci_unique",
            ),
            models.UniqueConstraint(
                Lower("name"),
                "owner",
                condition=Q(owner__isnull=False),
                name="program_owner_name_ci_unique",
            ),
            models.UniqueConstraint(
                Lower("name"),
                "coach",
                condition=Q(coach__isnull=False),
                name="program_library_name_ci_unique",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(coach__isnull=True),
                name="program_athlete_or_library",
            ),
            models.CheckConstraint(condition=Q(num_weeks__gte=1), name="program_num_weeks_gte_1"),
            models.CheckConstraint(
                condition=Q(num_days__gte=1, num_days__lte=7), name="program_num_days_1_7"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program_detail", args=[self.pk])

    @property
    def sessions_per_cycle(self) -> int:
        return self.num_weeks * self.num_days

    @property
    def is_global(self) -> bool:
        return self.owner_id is None and self.coach_id is None


class PrescribedSet(models.Model):
    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="sets")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="prescribed_sets")
    week = models.PositiveSmallIntegerField()
    day = models.PositiveSmallIntegerField()
    set_number = models.PositiveSmallIntegerField()
    reps = models.PositiveIntegerField(null=True, blank=True, help_text="Empty = AMRAP")
    rep_type = models.CharField(max_length=10, choices=RepType.choices, default=RepType.REPS)
    percentage = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Whole percent of the training max",
    )
    absolute_weight = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    sort_order = models.IntegerField(default=0)
    notes = models.CharField(max_length=500, blank=True, default="")
    target_rpe = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["week", "day", "sort_order", "exercise_id", "set_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "week", "day", "exercise", "set_number"],
                name="prescribed_set_unique",
            ),
            models.CheckConstraint(condition=Q(week__gte=1), name="prescribed_set_week_gte_1"),
            models.CheckConstraint(
                condition=Q(day__gte=1, day__lte=7), name="prescribed_set_day_1_7"
            ),
            models.CheckConstraint(
                condition=Q(set_number__gte=1), name="prescribed_set_number_gte_1"
            ),
            models.CheckConstraint(
                condition=Q(reps__isnull=True) | Q(reps__gte=1),
                name="prescribed_set_reps_null_or_gte_1",
            ),
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | Q(percentage__gte=20, percentage__lte=110),
                name="prescribed_set_percentage_20_110",
            ),
            models.CheckConstraint(
                condition=Q(absolute_weight__isnull=True) | Q(absolute_weight__gte=0),
                name="prescribed_set_weight_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(target_rpe__isnull=True) | Q(target_rpe__gte=1, target_rpe__lte=10),
                name="prescribed_set_rpe_1_10",
            ),
        ]
        indexes = [
            models.Index(fields=["template", "week", "day"], name="prescribed_set_session_idx")
        ]

    def __str__(self) -> str:
        return f"{self.template} W{self.week}D{self.day} {self.exercise} #{self.set_number}"

    @property
    def is_amrap(self) -> bool:
        return self.reps is None


class ProgressionRule(models.Model):
    template = models.ForeignKey(
        ProgramTemplate, on_delete=models.CASCADE, related_name="progression_rules"
    )
    exercise = models.ForeignKey(
        Exercise, on_delete=models.PROTECT, related_name="progression_rules"
    )
    increment = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["template", "exercise"], name="progression_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(increment__gte=0), name="progression_rule_increment_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} +{self.increment} per cycle"


class ImportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    DISCARDED = "discarded", "Discarded"


class ImportSource(models.TextChoices):
    UPLOAD = "upload", "File upload"
    COMMAND = "command", "Management command"
    GENERATOR = "generator", "Generator"
    PARSER = "parser", "Free-text parser"


class ImportDraft(models.Model):
    """A catalog on its way in: the parsed file plus every choice made in the preview.

    Kept in the database, not the session, so a reload or a second tab loses nothing. `catalog` is
    the normalised CatalogJSON as parsed (never edited); the coach's choices live beside it —
    `mapping` holds only names they changed by hand, `set_edits` the sets they edited — so the
    preview can show what was proposed and what was changed.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Where the programs go: one athlete's (their active program), a coach's library, or (both
    # empty) the global catalog. String reference: the catalog never imports athlete code.
    athlete = models.ForeignKey(
        "athletes.Athlete",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="import_drafts",
    )
    library_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="library_imports",
    )
    source = models.CharField(
        max_length=10, choices=ImportSource.choices, default=ImportSource.UPLOAD
    )
    filename = models.CharField(max_length=255, blank=True, default="")
    catalog = models.JSONField()
    warnings = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    set_edits = models.JSONField(default=dict, blank=True)
    # Free-text imports: one entry per pasted line (its fate: parsed how, by the LLM, ignored
    # why), so the preview can show what became of every line, not only what was read.
    lines = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.DRAFT
    )
    result = models.JSONField(default=dict, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_by", "status"], name="import_draft_owner_status_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(athlete__isnull=True) | Q(library_coach__isnull=True),
                name="import_draft_one_destination",
            )
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} {self.destination} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("programs:import_preview", args=[self.pk])

    @property
    def destination(self) -> str:
        if self.athlete_id:
            return f"for {self.athlete}"
        if self.library_coach_id:
            return "into a coach's library"
        return "into the global catalog"

    @property
    def is_open(self) -> bool:
        return self.status == ImportStatus.DRAFT


class KeptUpload(models.Model):
    """A catalog file whose upload did not make a draft (a blocking error, a wrong destination),
    kept so the coach can submit again without choosing it again: a browser never refills a
    file input. One per user (a new one replaces it); removed once a draft is made."""

    created_by = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kept_upload"
    )
    filename = models.CharField(max_length=255, blank=True, default="")
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.filename or 'upload'} kept for {self.created_by}"

    @property
    def size(self) -> int:
        return len(self.data)
